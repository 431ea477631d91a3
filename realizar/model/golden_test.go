package model

import (
	"context"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/batuta-go/stack/internal/testdata"
	"github.com/batuta-go/stack/realizar/gguf"
	"github.com/batuta-go/stack/trueno"
)

// openModel loads a GGUF file; the model and the file are closed when
// the test ends.
func openModel(tb testing.TB, path string, opts Options) *Model {
	tb.Helper()
	f, err := gguf.Open(path)
	if err != nil {
		tb.Fatal(err)
	}
	m, err := Load(GGUFSource(f), opts)
	if err != nil {
		f.Close()
		tb.Fatalf("%s: %v", path, err)
	}
	tb.Cleanup(func() {
		m.Close()
		f.Close()
	})
	return m
}

// pair is an [id, logit] entry of a golden top-5 list.
type pair [2]float64

// goldenRun is one prompt's reference: the greedy ids, the top-5 logits
// that chose each of them, and all logits at the first generated
// position.
type goldenRun struct {
	prompt []int32
	ids    []int32
	top5   [][]pair
	first  []float32
}

// greedyCheck runs prompt then the greedy continuation and compares with
// the golden within tol (logits) and exactly (ids). It returns the
// largest logit error seen.
func greedyCheck(t *testing.T, m *Model, g goldenRun, tol float64) float64 {
	t.Helper()
	ctx := context.Background()
	st, err := m.NewState(len(g.prompt) + len(g.ids) + 8)
	if err != nil {
		t.Fatal(err)
	}
	logits := make([]float32, m.Config.VocabSize)
	if err := st.Eval(ctx, g.prompt, logits); err != nil {
		t.Fatal(err)
	}
	worst := 0.0
	for i, want := range g.first {
		d := math.Abs(float64(logits[i] - want))
		worst = max(worst, d)
		if d > tol {
			t.Fatalf("logits_first[%d] = %g, golden %g (|diff| %.3g > %g)", i, logits[i], want, d, tol)
		}
	}
	for step, want := range g.ids {
		got := int32(trueno.Argmax(logits))
		if got != want {
			t.Fatalf("step %d: greedy id %d, golden %d (ids so far match)", step, got, want)
		}
		for _, p := range g.top5[step] {
			id, ref := int(p[0]), p[1]
			d := math.Abs(float64(logits[id]) - ref)
			worst = max(worst, d)
			if d > tol {
				t.Fatalf("step %d: logit of %d = %g, golden %g (|diff| %.3g > %g)", step, id, logits[id], ref, d, tol)
			}
		}
		if err := st.Eval(ctx, []int32{got}, logits); err != nil {
			t.Fatal(err)
		}
	}
	return worst
}

func readJSON(t *testing.T, path string, v any) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}

// storiesGolden is golden/stories260K_generate.json.
type storiesGolden struct {
	Model struct {
		File string `json:"file"`
	} `json:"model"`
	Cases []struct {
		Prompt       string    `json:"prompt"`
		PromptIDs    []int32   `json:"prompt_ids"`
		GeneratedIDs []int32   `json:"generated_ids"`
		StepsTop5    [][]pair  `json:"steps_top5"`
		LogitsFirst  []float32 `json:"logits_first"`
	} `json:"cases"`
}

func loadStoriesGolden(t *testing.T) (storiesGolden, string) {
	t.Helper()
	dir := testdata.Dir(t, "golden")
	var g storiesGolden
	readJSON(t, filepath.Join(dir, "stories260K_generate.json"), &g)
	// Paths in the file are relative to shared/, the parent of testdata/.
	root := filepath.Dir(filepath.Dir(dir))
	return g, filepath.Join(root, filepath.FromSlash(g.Model.File))
}

// TestStoriesGolden: llama.cpp's (and llama2.c's) greedy continuations of
// stories260K: ids exact for 32 steps, logits within 1e-4, with a float32
// and a float16 cache (ids only for the latter) and 1 or 2 threads.
func TestStoriesGolden(t *testing.T) {
	g, path := loadStoriesGolden(t)
	for _, opts := range []Options{{Threads: 1}, {Threads: 2}, {Threads: 1, KVType: KVF16}} {
		m := openModel(t, path, opts)
		for _, c := range g.Cases {
			name := opts.KVType.String() + "/" + strings.ReplaceAll(c.Prompt, " ", "_")
			if opts.Threads > 1 {
				name += "/2threads"
			}
			t.Run(name, func(t *testing.T) {
				tol := 1e-4
				if opts.KVType == KVF16 {
					tol = 5e-2 // keys and values rounded to float16: ids must still agree
				}
				worst := greedyCheck(t, m, goldenRun{c.PromptIDs, c.GeneratedIDs, c.StepsTop5, c.LogitsFirst}, tol)
				t.Logf("max |logit - golden| = %.3g (tolerance %g)", worst, tol)
			})
		}
	}
}

// archGolden is golden/arch/<arch>.json.
type archGolden struct {
	Arch     string `json:"arch"`
	Variants map[string]struct {
		Model string `json:"model"`
		Cases []struct {
			PromptIDs    []int32 `json:"prompt_ids"`
			GeneratedIDs []int32 `json:"generated_ids"`
			Steps        []struct {
				ID   int32  `json:"id"`
				Top5 []pair `json:"top5"`
			} `json:"steps"`
			LogitsFirst []float32 `json:"logits_first"`
		} `json:"cases"`
	} `json:"variants"`
}

// archTolerance is the logit tolerance of an architecture golden, from
// golden/arch/README.md: F16 weights 2e-2 (we round the activations to
// F16 as ggml does), other F32 models 1e-3. gemma2 is recommended 5e-3,
// but llama.cpp's GELU is a float16 table (input and output rounded to
// float16) while ours is the exact tanh form: over 26 layers that moves
// logits_first by up to 5.5e-3, so the README's rule applies (loosen the
// logits, keep the ids exact) and the limit is 1e-2.
// TestGemma2GGMLGELU shows that the rest is llama.cpp's result: with
// ggml's GELU swapped in the difference is within the recommended 5e-3.
func archTolerance(arch, variant string) float64 {
	switch {
	case variant == "f16":
		return 2e-2
	case arch == "gemma2":
		return 1e-2
	}
	return 1e-3
}

// TestArchGolden: every variant of every architecture golden recorded
// with llama.cpp on small random-weight models, with a float32 cache
// (logits within tolerance, ids exact) and a float16 cache on two
// threads (ids exact).
func TestArchGolden(t *testing.T) {
	runArchGoldens(t, func(string) bool { return true }, archTolerance)
}

// TestGemma2GGMLGELU runs the gemma2 golden with ggml's float16-table
// GELU in place of the exact one, to the README's 5e-3.
func TestGemma2GGMLGELU(t *testing.T) {
	geluTo = ggmlGELU
	defer func() { geluTo = trueno.GELUTo }()
	runArchGoldens(t, func(a string) bool { return a == "gemma2" }, func(string, string) float64 { return 5e-3 })
}

func runArchGoldens(t *testing.T, archOK func(string) bool, tolerance func(arch, variant string) float64) {
	dir := filepath.Join(testdata.Dir(t, "golden"), "arch")
	files, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no goldens in %s (%v)", dir, err)
	}
	root := filepath.Dir(filepath.Dir(dir)) // model paths are relative to testdata/
	ran := 0
	for _, file := range files {
		var g archGolden
		readJSON(t, file, &g)
		if !archOK(g.Arch) {
			continue
		}
		for vname, v := range g.Variants {
			for _, opts := range []Options{{Threads: 1}, {Threads: 2, KVType: KVF16}} {
				ran++
				name := g.Arch + "/" + vname + "/kv" + opts.KVType.String()
				t.Run(name, func(t *testing.T) {
					m := openModel(t, filepath.Join(root, filepath.FromSlash(v.Model)), opts)
					tol := tolerance(g.Arch, vname)
					if opts.KVType == KVF16 {
						tol = 0.1 // float16 cache: the ids are what must agree
					}
					worst := 0.0
					for _, c := range v.Cases {
						top5 := make([][]pair, len(c.Steps))
						for i, s := range c.Steps {
							top5[i] = s.Top5
						}
						worst = max(worst, greedyCheck(t, m, goldenRun{c.PromptIDs, c.GeneratedIDs, top5, c.LogitsFirst}, tol))
					}
					t.Logf("max |logit - golden| = %.3g (tolerance %g)", worst, tol)
				})
			}
		}
	}
	if ran == 0 {
		t.Fatal("no golden variant ran")
	}
}

// ggmlGELU is ggml's CPU GELU on float32 data (GGML_GELU_FP16): the input
// rounded to float16, looked up in a table of float16 results, with
// x ≤ -10 giving 0 and x ≥ 10 giving x.
func ggmlGELU(dst, x []float32) {
	for i, v := range x {
		switch {
		case v <= -10:
			dst[i] = 0
		case v >= 10:
			dst[i] = v
		default:
			h := float64(trueno.Float16From(v).Float32())
			g := 0.5 * h * (1 + math.Tanh(math.Sqrt(2/math.Pi)*h*(1+0.044715*h*h)))
			dst[i] = trueno.Float16From(float32(g)).Float32()
		}
	}
}

package model

import (
	"bytes"
	"context"
	"errors"
	"math"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/batuta-go/stack/internal/testdata"
	"github.com/batuta-go/stack/realizar/gguf"
)

// sharedModels lists the GGUF models of the shared test data: stories260K
// and every tiny architecture model.
func sharedModels(t *testing.T) []string {
	t.Helper()
	dir := testdata.Dir(t, "models")
	paths, err := filepath.Glob(filepath.Join(dir, "*.gguf"))
	if err != nil {
		t.Fatal(err)
	}
	arch, err := filepath.Glob(filepath.Join(dir, "arch", "*.gguf"))
	if err != nil {
		t.Fatal(err)
	}
	paths = append(paths, arch...)
	if len(paths) == 0 {
		t.Fatalf("no GGUF models in %s", dir)
	}
	return paths
}

func maxDiff(a, b []float32) float64 {
	d := 0.0
	for i := range a {
		d = max(d, math.Abs(float64(a[i]-b[i])))
	}
	return d
}

// TestBatchEqualsSingle: a prompt evaluated in one batch (matrix-matrix
// products, batched attention) gives the logits of the same prompt fed
// one token at a time (matrix-vector products), for every shared model
// and both cache types.
func TestBatchEqualsSingle(t *testing.T) {
	ctx := context.Background()
	prompt := []int32{1, 400, 3, 3, 3, 77, 300, 12, 45, 46, 5, 17, 200, 33, 9, 250, 251, 252, 7, 8}
	for _, path := range sharedModels(t) {
		for _, kv := range []KVType{KVF32, KVF16} {
			t.Run(filepath.Base(path)+"/"+kv.String(), func(t *testing.T) {
				m := openModel(t, path, Options{Threads: 2, KVType: kv})
				batch := make([]float32, m.Config.VocabSize)
				single := make([]float32, m.Config.VocabSize)
				a, err := m.NewState(64)
				if err != nil {
					t.Fatal(err)
				}
				b, err := m.NewState(64)
				if err != nil {
					t.Fatal(err)
				}
				if err := a.Eval(ctx, prompt, batch); err != nil {
					t.Fatal(err)
				}
				for _, tok := range prompt {
					if err := b.Eval(ctx, []int32{tok}, single); err != nil {
						t.Fatal(err)
					}
				}
				// F16 weights round activations to float16: a different
				// summation order upstream can flip a rounding.
				tol := 1e-4
				if strings.Contains(path, "f16") || kv == KVF16 {
					tol = 2e-2
				}
				if d := maxDiff(batch, single); d > tol {
					t.Fatalf("batch and token-by-token logits differ by %g > %g", d, tol)
				}
				if a.Pos() != len(prompt) || b.Pos() != len(prompt) {
					t.Fatalf("Pos = %d, %d, want %d", a.Pos(), b.Pos(), len(prompt))
				}
			})
		}
	}
}

// TestTruncateReEval: truncating to a prefix and evaluating a different
// suffix gives the logits of a fresh state on prefix+suffix, and
// truncating back and re-evaluating the original suffix reproduces the
// original logits exactly (same products on the same data).
func TestTruncateReEval(t *testing.T) {
	ctx := context.Background()
	for _, path := range sharedModels(t) {
		t.Run(filepath.Base(path), func(t *testing.T) {
			m := openModel(t, path, Options{Threads: 1})
			V := m.Config.VocabSize
			prefix := []int32{1, 5, 17, 200, 33}
			sufA := []int32{9, 250, 7}
			sufB := []int32{44, 45, 46, 47}
			st, err := m.NewState(32)
			if err != nil {
				t.Fatal(err)
			}
			first := make([]float32, V)
			if err := st.Eval(ctx, append(append([]int32{}, prefix...), sufA...), first); err != nil {
				t.Fatal(err)
			}
			if err := st.Truncate(len(prefix)); err != nil {
				t.Fatal(err)
			}
			got := make([]float32, V)
			if err := st.Eval(ctx, sufB, got); err != nil {
				t.Fatal(err)
			}
			fresh, err := m.NewState(32)
			if err != nil {
				t.Fatal(err)
			}
			want := make([]float32, V)
			if err := fresh.Eval(ctx, prefix, nil); err != nil {
				t.Fatal(err)
			}
			if err := fresh.Eval(ctx, sufB, want); err != nil {
				t.Fatal(err)
			}
			if d := maxDiff(got, want); d != 0 {
				t.Fatalf("after Truncate: logits differ from a fresh state by %g", d)
			}
			if err := st.Truncate(len(prefix)); err != nil {
				t.Fatal(err)
			}
			if err := st.Eval(ctx, sufA, got); err != nil {
				t.Fatal(err)
			}
			if d := maxDiff(got, first); d != 0 {
				t.Fatalf("re-evaluated suffix: logits differ by %g", d)
			}
			st.Reset()
			if st.Pos() != 0 {
				t.Fatalf("Pos after Reset = %d", st.Pos())
			}
			if err := st.Truncate(1); err == nil {
				t.Fatal("Truncate beyond Pos: no error")
			}
			if err := st.Truncate(-1); err == nil {
				t.Fatal("Truncate(-1): no error")
			}
		})
	}
}

func storiesModel(t *testing.T, opts Options) *Model {
	t.Helper()
	return openModelB(t, opts)
}

// openModelB loads stories260K.gguf from the shared test data.
func openModelB(tb testing.TB, opts Options) *Model {
	tb.Helper()
	return openModel(tb, filepath.Join(testdata.Dir(tb, "models"), "stories260K.gguf"), opts)
}

// TestEvalErrors: bad input is an error that leaves the state as it was,
// with one thread and with a decode team.
func TestEvalErrors(t *testing.T) {
	for _, threads := range []int{1, 2} {
		t.Run(threadsName(threads), func(t *testing.T) { testEvalErrors(t, threads) })
	}
}

func testEvalErrors(t *testing.T, threads int) {
	ctx := context.Background()
	m := storiesModel(t, Options{Threads: threads})
	V := m.Config.VocabSize
	st, err := m.NewState(8)
	if err != nil {
		t.Fatal(err)
	}
	logits := make([]float32, V)
	if err := st.Eval(ctx, []int32{1, 2, 3}, logits); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name   string
		tokens []int32
		logits []float32
		want   string
	}{
		{"empty", nil, logits, "no tokens"},
		{"negative id", []int32{5, -1}, logits, "outside the vocabulary"},
		{"id too large", []int32{int32(V)}, logits, "outside the vocabulary"},
		{"beyond cache", []int32{5, 6, 7, 8, 9, 10}, logits, "beyond the cache"},
		{"short logits", []int32{5}, logits[:V-1], "vocabulary size"},
	} {
		err := st.Eval(ctx, c.tokens, c.logits)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want one containing %q", c.name, err, c.want)
		}
		if st.Pos() != 3 {
			t.Fatalf("%s: Pos = %d after the error, want 3", c.name, st.Pos())
		}
	}
	if err := st.EvalHidden(ctx, []int32{5}, make([]float32, 3)); err == nil {
		t.Error("EvalHidden with a short buffer: no error")
	}
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if err := st.Eval(cctx, []int32{5}, logits); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled context: error %v", err)
	}
	if st.Pos() != 3 {
		t.Fatalf("Pos = %d after cancellation, want 3", st.Pos())
	}
	// The cache can be filled exactly.
	if err := st.Eval(ctx, []int32{5, 6, 7, 8, 9}, logits); err != nil {
		t.Fatal(err)
	}
	if _, err := m.NewState(m.Config.ContextLength + 1); err == nil {
		t.Error("NewState beyond the context length: no error")
	}
	if _, err := m.NewState(-1); err == nil {
		t.Error("NewState(-1): no error")
	}
	m.Close()
	if err := st.Eval(ctx, []int32{1}, nil); err == nil {
		t.Error("Eval on a closed model: no error")
	}
	if _, err := m.NewState(4); err == nil {
		t.Error("NewState on a closed model: no error")
	}
	if err := m.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
}

// TestConcurrentStates: two states of one model evaluated at the same
// time give the logits they give alone.
func TestConcurrentStates(t *testing.T) {
	ctx := context.Background()
	m := storiesModel(t, Options{Threads: 2})
	prompts := [][]int32{{1, 403, 407, 261, 378}, {1, 450, 389, 300, 271, 290, 300}}
	want := make([][]float32, len(prompts))
	for i, p := range prompts {
		st, err := m.NewState(16)
		if err != nil {
			t.Fatal(err)
		}
		want[i] = make([]float32, m.Config.VocabSize)
		if err := st.Eval(ctx, p, want[i]); err != nil {
			t.Fatal(err)
		}
	}
	var wg sync.WaitGroup
	errs := make([]error, len(prompts))
	for i, p := range prompts {
		wg.Add(1)
		go func() {
			defer wg.Done()
			st, err := m.NewState(16)
			if err != nil {
				errs[i] = err
				return
			}
			got := make([]float32, m.Config.VocabSize)
			for range 20 {
				st.Reset()
				if err := st.Eval(ctx, p, got); err != nil {
					errs[i] = err
					return
				}
				if d := maxDiff(got, want[i]); d != 0 {
					errs[i] = errors.New("logits changed under concurrent use")
					return
				}
			}
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
}

// TestLoadErrors: a missing tensor, a tensor of the wrong shape, an
// unsupported architecture or tensor type are errors naming them.
func TestLoadErrors(t *testing.T) {
	base := refSpecs()["llama"]
	missing := base
	missing.omit = "blk.1.ffn_down.weight"
	reshaped := base
	reshaped.reshape = "blk.0.attn_k.weight"
	for _, c := range []struct {
		name string
		spec refSpec
		want []string
	}{
		{"missing", missing, []string{"blk.1.ffn_down.weight", "not found"}},
		{"reshaped", reshaped, []string{"blk.0.attn_k.weight", "dims [49 24]", "want [48 24]"}},
	} {
		rm := c.spec.build(t)
		f, err := gguf.Parse(strings.NewReader(string(rm.file)), int64(len(rm.file)))
		if err != nil {
			t.Fatal(err)
		}
		_, err = Load(GGUFSource(f), Options{})
		if err == nil {
			t.Fatalf("%s: no error", c.name)
		}
		t.Logf("%s: %v", c.name, err)
		for _, w := range c.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%s: error %q does not mention %q", c.name, err, w)
			}
		}
		if c.name == "missing" && !errors.Is(err, gguf.ErrTensorNotFound) {
			t.Errorf("%s: error %v does not wrap gguf.ErrTensorNotFound", c.name, err)
		}
	}

	// Metadata variations of a valid file.
	rm := base.build(t)
	f, err := gguf.Parse(strings.NewReader(string(rm.file)), int64(len(rm.file)))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name string
		edit func(*gguf.Writer)
		skip string // tensor not copied (the edit adds its own)
		want string
	}{
		{"unknown arch", func(w *gguf.Writer) { w.Set("general.architecture", "mamba") }, "", `unsupported architecture "mamba"`},
		{"no arch", func(w *gguf.Writer) { w.Delete("general.architecture") }, "", "general.architecture"},
		{"no heads", func(w *gguf.Writer) { w.Delete("llama.attention.head_count") }, "", "llama.attention.head_count"},
		{"heads not dividing", func(w *gguf.Writer) { w.Set("llama.attention.head_count_kv", uint32(3)) }, "", "do not divide"},
		{"wrong key type", func(w *gguf.Writer) { w.Set("llama.block_count", "two") }, "", "llama.block_count"},
		{"bad rope scaling", func(w *gguf.Writer) { w.Set("llama.rope.scaling.type", "magic") }, "", `rope scaling type "magic"`},
		{"vocab size disagrees", func(w *gguf.Writer) { w.Set("llama.vocab_size", uint32(1000)) }, "", "vocab_size"},
		{"unsupported tensor type", func(w *gguf.Writer) {
			// IQ2_XXS (id 16, 66-byte blocks of 256) is not a trueno type.
			if err := w.AddTensor("blk.0.attn_q.weight", gguf.TensorType(16), []uint64{256, 48}, make([]byte, 48*66)); err != nil {
				t.Fatal(err)
			}
		}, "blk.0.attn_q.weight", "not supported"},
	} {
		w := gguf.NewWriter()
		for _, kv := range f.KVs {
			w.Set(kv.Key, kv.Value)
		}
		c.edit(w)
		for _, ti := range f.Tensors {
			if ti.Name == c.skip {
				continue
			}
			data, err := f.TensorData(ti.Name)
			if err != nil {
				t.Fatal(err)
			}
			if err := w.AddTensor(ti.Name, ti.Type, ti.Dims, data); err != nil {
				t.Fatal(err)
			}
		}
		var buf strings.Builder
		if _, err := w.WriteTo(&buf); err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		g, err := gguf.Parse(strings.NewReader(buf.String()), int64(buf.Len()))
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		_, err = Load(GGUFSource(g), Options{})
		t.Logf("%s: %v", c.name, err)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want one containing %q", c.name, err, c.want)
		}
	}
}

// TestFusedProjections: q/k/v and gate/up tensors stored back to back in
// a memory-mapped file run as one product each; the same model read
// through io.ReaderAt (copies) keeps them apart; both give the same
// logits (TestArchGolden checks the mapped one against llama.cpp).
func TestFusedProjections(t *testing.T) {
	path := filepath.Join(testdata.Dir(t, "models"), "arch", "llama-f32.gguf")
	mapped := openModel(t, path, Options{Threads: 1})
	for i, l := range mapped.layers {
		if len(l.qkv) != 1 || len(l.qkv[0].segs) != 3 || len(l.gateUp) != 1 || len(l.gateUp[0].segs) != 2 {
			t.Fatalf("layer %d: q/k/v in %d products, gate/up in %d, want 1 each", i, len(l.qkv), len(l.gateUp))
		}
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	g, err := gguf.Parse(bytes.NewReader(raw), int64(len(raw)))
	if err != nil {
		t.Fatal(err)
	}
	copied, err := Load(GGUFSource(g), Options{Threads: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer copied.Close()
	if n := len(copied.layers[0].qkv); n != 3 {
		t.Fatalf("copied tensors: q/k/v in %d products, want 3", n)
	}
	ctx := context.Background()
	prompt := []int32{1, 5, 17, 200, 33, 9}
	var out [2][]float32
	for i, m := range []*Model{mapped, copied} {
		st, err := m.NewState(16)
		if err != nil {
			t.Fatal(err)
		}
		out[i] = make([]float32, m.Config.VocabSize)
		if err := st.Eval(ctx, prompt, out[i]); err != nil {
			t.Fatal(err)
		}
	}
	if d := maxDiff(out[0], out[1]); d > 1e-5 {
		t.Fatalf("fused and separate projections differ by %g", d)
	}
}

// TestThreadsIdentical: the work split (the pool for prompts, the decode
// team for single tokens) does not change any result: every row and
// head is computed by the same kernels whichever goroutine runs it, so
// 1 and 3 threads give bit-identical logits.
func TestThreadsIdentical(t *testing.T) {
	ctx := context.Background()
	for _, path := range sharedModels(t) {
		t.Run(filepath.Base(path), func(t *testing.T) {
			var got [2][]float32
			for i, threads := range []int{1, 3} {
				m := openModel(t, path, Options{Threads: threads})
				st, err := m.NewState(64)
				if err != nil {
					t.Fatal(err)
				}
				logits := make([]float32, m.Config.VocabSize)
				if err := st.Eval(ctx, []int32{1, 5, 17, 200, 33, 9}, logits); err != nil {
					t.Fatal(err)
				}
				for step := range 24 {
					next := int32((step*37 + 11) % m.Config.VocabSize)
					if err := st.Eval(ctx, []int32{next}, logits); err != nil {
						t.Fatal(err)
					}
					got[i] = append(got[i], logits...)
				}
			}
			compareSteps(t, got[0], got[1], len(got[0])/24)
		})
	}
}

func compareSteps(t *testing.T, a, b []float32, vocab int) {
	t.Helper()
	for i := range a {
		if a[i] != b[i] {
			t.Fatalf("logit %d of step %d: %g with 1 thread, %g with more", i%vocab, i/vocab, a[i], b[i])
		}
	}
}

// TestDecodeTeam runs decode steps long enough (a wider random model) for
// the pool's workers to join the team, checks that they did run chunks,
// and that the logits are those of one thread, bit for bit. Run with
// -race, it checks the team's synchronisation.
func TestDecodeTeam(t *testing.T) {
	s := refSpecs()["llama"]
	s.E, s.F, s.L, s.H, s.KVH, s.D, s.V = 256, 1024, 6, 8, 4, 32, 512
	rm := s.build(t)
	ctx := context.Background()
	var got [2][]float32
	var helped int64
	for i, threads := range []int{1, 3} {
		m := rm.load(t, Options{Threads: threads})
		st, err := m.NewState(64)
		if err != nil {
			t.Fatal(err)
		}
		logits := make([]float32, s.V)
		for step := range 40 {
			if err := st.Eval(ctx, []int32{int32(step*13%(s.V-1) + 1)}, logits); err != nil {
				t.Fatal(err)
			}
			got[i] = append(got[i], logits...)
		}
		helped = st.helped.Load()
	}
	compareSteps(t, got[0], got[1], s.V)
	if helped == 0 {
		t.Log("no helper joined a decode step (machine too busy?): only the leader's path was checked")
	} else {
		t.Logf("helpers ran %d chunks", helped)
	}
}

// countdownCtx is a context that reports cancellation from its n-th Err
// call on: a cancellation arriving between layers.
type countdownCtx struct {
	context.Context
	n int
}

func (c *countdownCtx) Err() error {
	c.n--
	if c.n < 0 {
		return context.Canceled
	}
	return nil
}

// TestCancelBetweenLayers: a pass cancelled part-way through the layers
// returns the context's error, leaves Pos where it was, and the next Eval
// gives the logits of an uninterrupted state.
func TestCancelBetweenLayers(t *testing.T) {
	for _, threads := range []int{1, 2} {
		m := storiesModel(t, Options{Threads: threads})
		prompt := []int32{1, 403, 407, 261, 378}
		want := make([]float32, m.Config.VocabSize)
		fresh, err := m.NewState(16)
		if err != nil {
			t.Fatal(err)
		}
		if err := fresh.Eval(context.Background(), prompt, nil); err != nil {
			t.Fatal(err)
		}
		if err := fresh.Eval(context.Background(), []int32{432}, want); err != nil {
			t.Fatal(err)
		}
		st, err := m.NewState(16)
		if err != nil {
			t.Fatal(err)
		}
		if err := st.Eval(context.Background(), prompt, nil); err != nil {
			t.Fatal(err)
		}
		got := make([]float32, m.Config.VocabSize)
		ctx := &countdownCtx{Context: context.Background(), n: 3}
		if err := st.Eval(ctx, []int32{432}, got); !errors.Is(err, context.Canceled) {
			t.Fatalf("threads %d: error %v, want context.Canceled", threads, err)
		}
		if st.Pos() != len(prompt) {
			t.Fatalf("threads %d: Pos = %d after cancellation, want %d", threads, st.Pos(), len(prompt))
		}
		if err := st.Eval(context.Background(), []int32{432}, got); err != nil {
			t.Fatal(err)
		}
		if d := maxDiff(got, want); d != 0 {
			t.Fatalf("threads %d: logits after a cancelled pass differ by %g", threads, d)
		}
	}
}

// TestConcurrentTeams: two States of one model decode at the same time,
// each step a team on the shared pool; each gets the logits it gets
// alone.
func TestConcurrentTeams(t *testing.T) {
	s := refSpecs()["qwen2"]
	s.E, s.F, s.L, s.H, s.KVH, s.D, s.V = 256, 1024, 6, 8, 4, 32, 512
	m := s.build(t).load(t, Options{Threads: 2})
	if !m.team {
		t.Fatal("model too small for decode teams")
	}
	ctx := context.Background()
	run := func(seed int) ([]float32, error) {
		st, err := m.NewState(48)
		if err != nil {
			return nil, err
		}
		logits := make([]float32, s.V)
		var out []float32
		for step := range 40 {
			if err := st.Eval(ctx, []int32{int32((step*31+seed)%(s.V-1) + 1)}, logits); err != nil {
				return nil, err
			}
			out = append(out, logits...)
		}
		return out, nil
	}
	var want [2][]float32
	for i := range want {
		var err error
		if want[i], err = run(i * 7); err != nil {
			t.Fatal(err)
		}
	}
	var got [2][]float32
	var errs [2]error
	var wg sync.WaitGroup
	for i := range got {
		wg.Add(1)
		go func() {
			defer wg.Done()
			got[i], errs[i] = run(i * 7)
		}()
	}
	wg.Wait()
	for i := range got {
		if errs[i] != nil {
			t.Fatal(errs[i])
		}
		compareSteps(t, want[i], got[i], s.V)
	}
}

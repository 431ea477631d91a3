package main

import (
	"context"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/batuta-go/stack/internal/benchstat"
	"github.com/batuta-go/stack/internal/testdata"
	"github.com/batuta-go/stack/realizar/gguf"
)

// The test binary doubles as our side's child process.
const childEnv = "LLAMACMP_TEST_CHILD"

func TestMain(m *testing.M) {
	if os.Getenv(childEnv) == "1" {
		if err := child(context.Background(), os.Stdin, os.Stdout); err != nil {
			os.Stderr.WriteString(err.Error() + "\n")
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// fixture is real llama-bench -o json output: stories260K, -t 1 -p 128
// -n 64 -r 2.
const fixture = "testdata/llama-bench-stories260K.json"

func fixtureSpec() Spec {
	return Spec{Model: "stories260K.gguf", Threads: 1, Prompt: 128, Gen: 64, Reps: 2, KV: "f16"}
}

func TestParseLlamaBench(t *testing.T) {
	out, err := os.ReadFile(fixture)
	if err != nil {
		t.Fatal(err)
	}
	res, err := parseLlamaBench(out, fixtureSpec())
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(res.PP, []float64{17436.8, 17242.3}) || !slices.Equal(res.TG, []float64{11298.6, 11693.5}) {
		t.Errorf("samples pp %v tg %v", res.PP, res.TG)
	}
	if res.Build != "c392e5094" {
		t.Errorf("build %q", res.Build)
	}
	bad := []struct {
		name string
		spec func(*Spec)
		out  string
		want string
	}{
		{"threads", func(s *Spec) { s.Threads = 2 }, "", "threads"},
		{"reps", func(s *Spec) { s.Reps = 3 }, "", "samples"},
		{"prompt size", func(s *Spec) { s.Prompt = 64 }, "", "unexpected test"},
		{"missing test", func(*Spec) {}, `[{"n_prompt":128,"n_gen":0,"n_threads":1,"samples_ts":[1,2]}]`, "lacks"},
		{"not json", func(*Spec) {}, "error: failed to load model", "not the expected JSON"},
	}
	for _, c := range bad {
		s := fixtureSpec()
		c.spec(&s)
		in := out
		if c.out != "" {
			in = []byte(c.out)
		}
		if _, err := parseLlamaBench(in, s); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want one mentioning %q", c.name, err, c.want)
		}
	}
}

func TestLlamaBenchArgs(t *testing.T) {
	got := strings.Join(llamaBenchArgs(Spec{Model: "m.gguf", Threads: 2, Prompt: 128, Gen: 64, Reps: 3, KV: "f32"}), " ")
	want := "-m m.gguf -t 2 -p 128 -n 64 -r 3 -ctk f32 -ctv f32 -o json"
	if got != want {
		t.Errorf("args %q, want %q", got, want)
	}
}

func TestCheckLlamaBench(t *testing.T) {
	dir := t.TempDir()
	if err := checkLlamaBench(filepath.Join(dir, "llama-bench")); err == nil || !strings.Contains(err.Error(), "cmake --build") {
		t.Errorf("absent: %v", err)
	}
	if err := checkLlamaBench(dir); err == nil || !strings.Contains(err.Error(), "not an executable") {
		t.Errorf("directory: %v", err)
	}
	plain := filepath.Join(dir, "plain")
	if err := os.WriteFile(plain, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := checkLlamaBench(plain); err == nil || !strings.Contains(err.Error(), "not an executable") {
		t.Errorf("not executable: %v", err)
	}
}

func TestMedianRatioTable(t *testing.T) {
	if m := benchstat.Median([]float64{3, 1, 2}); m != 2 {
		t.Errorf("median odd = %v", m)
	}
	if m := benchstat.Median([]int64{4, 1, 3, 2}); m != 2.5 {
		t.Errorf("median even = %v", m)
	}
	if !math.IsNaN(benchstat.Median([]float64(nil))) {
		t.Error("median of nothing is not NaN")
	}
	if r := ratio(50, 40); r != "1.25×" {
		t.Errorf("ratio %q", r)
	}
	rows := []Row{{
		File: "m.gguf", Type: "Q4_0", Threads: 2,
		Ours:   Side{PP: []float64{90, 100, 110}, TG: []float64{20, 22, 21}, RSS: []int64{700 << 20, 710 << 20, 690 << 20}},
		Theirs: Side{PP: []float64{120, 125, 200}, TG: []float64{20, 20, 20}, RSS: []int64{650 << 20, 650 << 20, 650 << 20}},
	}, {
		File: "n.gguf", Type: "F32", Threads: 1,
		Ours: Side{TG: []float64{5}, RSS: []int64{-1}}, Theirs: Side{TG: []float64{10}, RSS: []int64{1 << 20}},
	}}
	var b strings.Builder
	if err := WriteTable(&b, rows, benchstat.Median[float64]); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(b.String()), "\n")
	want := []string{
		"| m.gguf | Q4_0 | 2 | 100.0 | 125.0 | 0.80× | 21.0 | 20.0 | 1.05× | 700 MiB | 650 MiB |",
		"| n.gguf | F32 | 1 | – | – | – | 5.00 | 10.0 | 0.50× | – | 1 MiB |",
	}
	if len(lines) != 4 || !slices.Equal(lines[2:], want) {
		t.Errorf("table:\n%s\nwant rows:\n%s", b.String(), strings.Join(want, "\n"))
	}
	stat, err := parseStat("best")
	if err != nil {
		t.Fatal(err)
	}
	b.Reset()
	if err := WriteTable(&b, rows[:1], stat); err != nil {
		t.Fatal(err)
	}
	if row := "| m.gguf | Q4_0 | 2 | 110.0 | 200.0 | 0.55× | 22.0 | 20.0 | 1.10× | 700 MiB | 650 MiB |"; !strings.Contains(b.String(), row) {
		t.Errorf("best-of table:\n%s\nwant %s", b.String(), row)
	}
	if _, err := parseStat("mean"); err == nil {
		t.Error("-stat mean accepted")
	}
}

func TestFileTypeName(t *testing.T) {
	models := testdata.Dir(t, "models")
	if got, err := fileTypeName(filepath.Join(models, "stories260K.gguf")); err != nil || got != "F32 (guessed)" {
		t.Errorf("stories260K: %q, %v", got, err)
	}
	for id, want := range map[uint32]string{15: "Q4_K_M", 2: "Q4_0", 99: "file type 99"} {
		w := gguf.NewWriter()
		w.Set("general.file_type", id)
		if err := w.AddTensor("x", gguf.F32, []uint64{4}, make([]byte, 16)); err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(t.TempDir(), "m.gguf")
		if err := w.WriteFile(path); err != nil {
			t.Fatal(err)
		}
		if got, err := fileTypeName(path); err != nil || got != want {
			t.Errorf("file_type %d: %q, %v; want %q", id, got, err, want)
		}
	}
	if _, err := fileTypeName(filepath.Join(t.TempDir(), "absent.gguf")); err == nil {
		t.Error("absent file accepted")
	}
}

// TestRunOurs measures our engine in process on the shared stories260K
// model.
func TestRunOurs(t *testing.T) {
	path := filepath.Join(testdata.Dir(t, "models"), "stories260K.gguf")
	res, err := runOurs(context.Background(), Spec{Model: path, Threads: 1, Prompt: 16, Gen: 8, Reps: 2, KV: "f16", Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.PP) != 2 || len(res.TG) != 2 || slices.Min(res.PP) <= 0 || slices.Min(res.TG) <= 0 {
		t.Errorf("samples %+v", res)
	}
	if _, err := runOurs(context.Background(), Spec{Model: path, Threads: 1, Prompt: 16, Reps: 1, KV: "q8"}); err == nil {
		t.Error("unknown cache type accepted")
	}
	// More tokens than the model's context.
	if _, err := runOurs(context.Background(), Spec{Model: path, Threads: 1, Prompt: 1 << 20, Reps: 1, KV: "f32"}); err == nil {
		t.Error("a prompt longer than the context was accepted")
	}
}

// TestCompare runs the whole comparison with our side as a real child
// process (this test binary) and a stand-in llama-bench that prints the
// fixture.
func TestCompare(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("the stand-in llama-bench is a shell script")
	}
	path := filepath.Join(testdata.Dir(t, "models"), "stories260K.gguf")
	abs, err := filepath.Abs(fixture)
	if err != nil {
		t.Fatal(err)
	}
	bench := filepath.Join(t.TempDir(), "llama-bench")
	if err := os.WriteFile(bench, []byte("#!/bin/sh\nexec cat '"+abs+"'\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv(childEnv, "1")
	var log strings.Builder
	c := Compare{LlamaBench: bench, Models: []string{path}, Threads: []int{1}, Rounds: 2, Reps: 2,
		Prompt: 128, Gen: 64, KV: "f16", Seed: 1, Self: []string{os.Args[0]}, Log: &log,
		ProfileDir: t.TempDir()}
	rows, err := c.Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 1 {
		t.Fatalf("%d rows", len(rows))
	}
	r := rows[0]
	if r.Type != "F32 (guessed)" || r.Threads != 1 || r.File != "stories260K.gguf" {
		t.Errorf("row %+v", r)
	}
	if len(r.Ours.PP) != 4 || len(r.Ours.TG) != 4 || len(r.Theirs.PP) != 4 || len(r.Theirs.TG) != 4 {
		t.Errorf("sample counts: ours %d+%d, theirs %d+%d", len(r.Ours.PP), len(r.Ours.TG), len(r.Theirs.PP), len(r.Theirs.TG))
	}
	if runtime.GOOS == "linux" && (slices.Min(r.Ours.RSS) < 1<<20 || slices.Min(r.Theirs.RSS) < 1<<10) {
		t.Errorf("peak RSS ours %v, theirs %v", r.Ours.RSS, r.Theirs.RSS)
	}
	if c.Build != "c392e5094" {
		t.Errorf("build %q", c.Build)
	}
	for _, suffix := range []string{"-pp.pprof", "-tg.pprof"} {
		if st, err := os.Stat(filepath.Join(c.ProfileDir, "stories260K-t1"+suffix)); err != nil || st.Size() == 0 {
			t.Errorf("profile %s: %v", suffix, err)
		}
	}
	if n := strings.Count(log.String(), "\n"); n != 4 {
		t.Errorf("%d progress lines:\n%s", n, log.String())
	}

	// A failing llama-bench is reported with its standard error.
	failing := filepath.Join(t.TempDir(), "llama-bench")
	if err := os.WriteFile(failing, []byte("#!/bin/sh\necho 'error: failed to load model' >&2\nexit 1\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	c.LlamaBench, c.Rounds, c.ProfileDir = failing, 1, ""
	if _, err := c.Run(context.Background()); err == nil || !strings.Contains(err.Error(), "failed to load model") {
		t.Errorf("failing llama-bench: %v", err)
	}
}

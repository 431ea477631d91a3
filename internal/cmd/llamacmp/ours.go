package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"runtime"
	"runtime/pprof"
	"time"

	"github.com/batuta-go/stack/realizar/gguf"
	"github.com/batuta-go/stack/realizar/model"
)

// Spec is one measurement, the same for both engines.
type Spec struct {
	Model   string `json:"model"`
	Threads int    `json:"threads"`
	Prompt  int    `json:"prompt"` // tokens of the prompt-processing test, one batch from an empty cache
	Gen     int    `json:"gen"`    // tokens of the generation test, one at a time from an empty cache
	Reps    int    `json:"reps"`   // timed repetitions of each test
	KV      string `json:"kv"`     // key/value cache type: f16 (llama-bench's default) or f32
	Seed    uint64 `json:"seed"`   // random token ids
	// Profile, when set, is a file prefix: our side writes
	// Profile+"-pp.pprof" and Profile+"-tg.pprof" (CPU profiles of the
	// timed repetitions).
	Profile string `json:"profile,omitempty"`
}

// Samples are the tokens/second of each timed repetition.
type Samples struct {
	PP []float64 `json:"pp"`
	TG []float64 `json:"tg"`
	// Build is llama-bench's build_commit (empty for ours).
	Build string `json:"-"`
}

// runOurs measures our engine in this process, as llama-bench measures
// llama.cpp: load, then for prompt processing one warm-up pass and Reps
// timed passes of Prompt random tokens in one Eval from an empty cache;
// for generation one warm-up token and Reps timed runs of Gen
// single-token Evals from an empty cache. The first token of each test is
// BOS when the vocabulary adds one, the others uniform random ids.
func runOurs(ctx context.Context, s Spec) (Samples, error) {
	kv, err := parseKV(s.KV)
	if err != nil {
		return Samples{}, err
	}
	f, err := gguf.Open(s.Model)
	if err != nil {
		return Samples{}, err
	}
	defer f.Close()
	m, err := model.Load(model.GGUFSource(f), model.Options{Threads: s.Threads, KVType: kv})
	if err != nil {
		return Samples{}, fmt.Errorf("%s: %w", s.Model, err)
	}
	defer m.Close()
	st, err := m.NewState(max(s.Prompt, s.Gen))
	if err != nil {
		return Samples{}, err
	}
	toks := newTokenSource(f, m.Config.VocabSize, s.Seed)
	logits := make([]float32, m.Config.VocabSize)

	var out Samples
	if s.Prompt > 0 {
		prompt := make([]int32, s.Prompt)
		pass := func() error {
			st.Reset()
			toks.fill(prompt)
			return st.Eval(ctx, prompt, logits)
		}
		if err := pass(); err != nil {
			return out, fmt.Errorf("prompt warm-up: %w", err)
		}
		out.PP, err = timed(s, "-pp.pprof", s.Prompt, pass)
		if err != nil {
			return out, fmt.Errorf("prompt processing: %w", err)
		}
	}
	if s.Gen > 0 {
		one := make([]int32, 1)
		gen := func(n int) error {
			st.Reset()
			one[0] = toks.first()
			for range n {
				if err := st.Eval(ctx, one, logits); err != nil {
					return err
				}
				one[0] = toks.next()
			}
			return nil
		}
		if err := gen(1); err != nil {
			return out, fmt.Errorf("generation warm-up: %w", err)
		}
		out.TG, err = timed(s, "-tg.pprof", s.Gen, func() error { return gen(s.Gen) })
		if err != nil {
			return out, fmt.Errorf("generation: %w", err)
		}
	}
	return out, nil
}

// timed runs pass s.Reps times and returns tokens/second of each, under a
// CPU profile when s.Profile is set.
func timed(s Spec, suffix string, tokens int, pass func() error) (ts []float64, err error) {
	if s.Profile != "" {
		pf, err := os.Create(s.Profile + suffix)
		if err != nil {
			return nil, err
		}
		if err := pprof.StartCPUProfile(pf); err != nil {
			pf.Close()
			return nil, err
		}
		defer func() {
			pprof.StopCPUProfile()
			err = errors.Join(err, pf.Close())
		}()
	}
	for range s.Reps {
		start := time.Now()
		if err := pass(); err != nil {
			return nil, err
		}
		ts = append(ts, float64(tokens)/time.Since(start).Seconds())
	}
	return ts, nil
}

func parseKV(s string) (model.KVType, error) {
	switch s {
	case "f16":
		return model.KVF16, nil
	case "f32":
		return model.KVF32, nil
	}
	return 0, fmt.Errorf("unknown cache type %q (f16 or f32)", s)
}

// tokenSource yields llama-bench's kind of input: BOS first when the
// vocabulary adds it, then uniform random ids.
type tokenSource struct {
	rng   *rand.Rand
	vocab int
	bos   int32
	add   bool
}

func newTokenSource(f *gguf.File, vocab int, seed uint64) *tokenSource {
	t := &tokenSource{rng: rand.New(rand.NewPCG(seed, 0x6c6c616d61)), vocab: vocab}
	id, err := f.Uint("tokenizer.ggml.bos_token_id")
	t.add = err == nil && id < uint64(vocab)
	if add, err := f.Bool("tokenizer.ggml.add_bos_token"); err == nil {
		t.add = t.add && add
	}
	t.bos = int32(id)
	return t
}

func (t *tokenSource) next() int32 { return int32(t.rng.IntN(t.vocab)) }

func (t *tokenSource) first() int32 {
	if t.add {
		return t.bos
	}
	return t.next()
}

func (t *tokenSource) fill(dst []int32) {
	for i := range dst {
		dst[i] = t.next()
	}
	if len(dst) > 0 {
		dst[0] = t.first()
	}
}

// child is our side run as a separate process (so that its peak resident
// memory is measured as llama-bench's is): it reads a Spec as JSON from
// in, limits the Go scheduler to Spec.Threads CPUs (llama-bench -t N uses
// N threads; the garbage collector must not borrow another core), and
// writes Samples as JSON to out.
func child(ctx context.Context, in io.Reader, out io.Writer) error {
	var s Spec
	if err := json.NewDecoder(in).Decode(&s); err != nil {
		return fmt.Errorf("reading the spec: %w", err)
	}
	if s.Threads < 1 || s.Reps < 1 || s.Prompt < 0 || s.Gen < 0 {
		return fmt.Errorf("bad spec %+v", s)
	}
	runtime.GOMAXPROCS(s.Threads)
	res, err := runOurs(ctx, s)
	if err != nil {
		return err
	}
	return json.NewEncoder(out).Encode(res)
}

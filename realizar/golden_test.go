package realizar

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/batuta-go/stack/internal/testdata"
	"github.com/batuta-go/stack/realizar/sample"
)

type goldenGenerate struct {
	NPredict int `json:"n_predict"`
	Cases    []struct {
		Prompt       string  `json:"prompt"`
		PromptIDs    []int32 `json:"prompt_ids"`
		GeneratedIDs []int32 `json:"generated_ids"`
		Continuation string  `json:"continuation"`
		StoppedOnEOG bool    `json:"stopped_on_eog"`
	} `json:"cases"`
}

func loadGolden(t *testing.T) goldenGenerate {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(testdata.Dir(t, "golden"), "stories260K_generate.json"))
	if err != nil {
		t.Fatal(err)
	}
	var g goldenGenerate
	if err := json.Unmarshal(b, &g); err != nil {
		t.Fatal(err)
	}
	if len(g.Cases) == 0 || g.NPredict <= 0 {
		t.Fatal("stories260K_generate.json has no cases")
	}
	return g
}

func loadStories(t *testing.T) *LLM {
	t.Helper()
	l, err := Load(filepath.Join(testdata.Dir(t, "models"), "stories260K.gguf"), Options{Threads: 1})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	return l
}

// TestStoriesGolden generates greedily from every prompt of
// golden/stories260K_generate.json and compares the prompt ids, the
// generated ids and the streamed text with llama.cpp's.
func TestStoriesGolden(t *testing.T) {
	g := loadGolden(t)
	l := loadStories(t)
	for _, c := range g.Cases {
		t.Run(c.Prompt, func(t *testing.T) {
			if got := l.Tokenize(c.Prompt, true, false); !slices.Equal(got, c.PromptIDs) {
				t.Fatalf("prompt ids %v, want %v", got, c.PromptIDs)
			}
			var ids []int32
			var text strings.Builder
			var last Token
			for tok, err := range l.Generate(context.Background(), c.Prompt, sample.Params{MaxTokens: g.NPredict}) {
				if err != nil {
					t.Fatal(err)
				}
				ids = append(ids, tok.ID)
				text.WriteString(tok.Text)
				last = tok
			}
			if !slices.Equal(ids, c.GeneratedIDs) {
				t.Errorf("generated ids\n got %v\nwant %v", ids, c.GeneratedIDs)
			}
			if text.String() != c.Continuation {
				t.Errorf("continuation\n got %q\nwant %q", text.String(), c.Continuation)
			}
			if got := l.Detokenize(c.GeneratedIDs); got != c.Continuation {
				t.Errorf("Detokenize\n got %q\nwant %q", got, c.Continuation)
			}
			wantStop := StopMaxTokens
			if c.StoppedOnEOG {
				wantStop = StopEOG
			}
			if last.Stats.Stop != wantStop || last.Stats.PromptTokens != len(c.PromptIDs) || last.Stats.GeneratedTokens != len(ids) {
				t.Errorf("stats %+v", last.Stats)
			}
		})
	}
}

// TestStoriesSampling runs the real model with sampling on: reproducible
// from the seed, stop strings cut the text, and concurrent generations on
// one LLM agree with sequential ones.
func TestStoriesSampling(t *testing.T) {
	l := loadStories(t)
	p := sample.Defaults(1234)
	p.MaxTokens = 24
	gen := func(p sample.Params) (string, []int32) {
		var s strings.Builder
		var ids []int32
		for tok, err := range l.Generate(context.Background(), "Once upon a time", p) {
			if err != nil {
				t.Fatal(err)
			}
			s.WriteString(tok.Text)
			ids = append(ids, tok.ID)
		}
		return s.String(), ids
	}
	a, aids := gen(p)
	b, bids := gen(p)
	if a != b || !slices.Equal(aids, bids) {
		t.Fatalf("same seed, different text:\n%q\n%q", a, b)
	}
	done := make(chan string, 4)
	for range 4 {
		go func() {
			s, _ := gen(p)
			done <- s
		}()
	}
	for range 4 {
		if s := <-done; s != a {
			t.Fatalf("concurrent generation differs:\n%q\n%q", s, a)
		}
	}
	// Greedy with a stop string taken from the golden continuation.
	g := loadGolden(t)
	c := g.Cases[0]
	cut := strings.Index(c.Continuation, " named")
	if cut <= 0 {
		t.Fatal("golden continuation changed; pick another stop string")
	}
	var s strings.Builder
	var last Token
	for tok, err := range l.Generate(context.Background(), c.Prompt, sample.Params{MaxTokens: g.NPredict, Stop: []string{" named"}}) {
		if err != nil {
			t.Fatal(err)
		}
		s.WriteString(tok.Text)
		last = tok
	}
	if s.String() != c.Continuation[:cut] || last.Stats.Stop != StopString {
		t.Fatalf("stop string: got %q (%v), want %q", s.String(), last.Stats.Stop, c.Continuation[:cut])
	}
}

func TestStoriesEmbedAndErrors(t *testing.T) {
	l := loadStories(t)
	v, err := l.Embed(context.Background(), "Once upon a time", MeanPooling|Normalized)
	if err != nil {
		t.Fatal(err)
	}
	if len(v) != l.EmbeddingLength() {
		t.Fatalf("embedding of %d values, want %d", len(v), l.EmbeddingLength())
	}
	var ss float64
	for _, x := range v {
		ss += float64(x) * float64(x)
	}
	if ss < 0.999 || ss > 1.001 {
		t.Fatalf("normalized embedding has norm² %v", ss)
	}
	last, err := l.Embed(context.Background(), "Once upon a time", LastPooling)
	if err != nil {
		t.Fatal(err)
	}
	if slices.Equal(last, v) {
		t.Fatal("last and mean pooling agree")
	}
	if _, err := Load(filepath.Join(t.TempDir(), "missing.gguf"), Options{}); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("missing file: %v", err)
	}
	if _, err := Load(t.TempDir(), Options{}); !errors.Is(err, ErrUnsupported) {
		t.Fatalf("a directory without config.json: %v", err)
	}
	bad := filepath.Join(t.TempDir(), "bad.gguf")
	if err := os.WriteFile(bad, []byte("GGUF not really"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(bad, Options{}); err == nil {
		t.Fatal("a broken file loaded")
	}
	if _, err := Load(filepath.Join(testdata.Dir(t, "models"), "stories260K.gguf"), Options{Threads: -1}); err == nil {
		t.Fatal("negative Threads accepted")
	}
}

package model

import (
	"bytes"
	"context"
	"testing"

	"github.com/batuta-go/stack/realizar/gguf"
)

// FuzzLoad feeds mutated GGUF files of small random models (one per
// architecture) to Load, and evaluates a few tokens with whatever loads:
// a bad file must give an error, never a panic or a giant allocation.
func FuzzLoad(f *testing.F) {
	specs := refSpecs()
	for _, name := range []string{"llama", "qwen3", "phi3", "gemma2", "qwen2", "llama-q8_0"} {
		// Small enough (a few KB) for the mutator to reach every part.
		s := specs[name]
		s.L, s.V, s.E, s.F, s.H, s.KVH, s.D = 1, 16, 32, 32, 2, 1, 16
		f.Add(s.build(f).file)
	}
	ctx := context.Background()
	f.Fuzz(func(t *testing.T, data []byte) {
		g, err := gguf.Parse(bytes.NewReader(data), int64(len(data)))
		if err != nil {
			return
		}
		m, err := Load(GGUFSource(g), Options{Threads: 1})
		if err != nil {
			return
		}
		defer m.Close()
		st, err := m.NewState(min(4, m.Config.ContextLength))
		if err != nil {
			t.Fatalf("NewState on a loaded model: %v", err)
		}
		logits := make([]float32, m.Config.VocabSize)
		tokens := []int32{0, int32(m.Config.VocabSize - 1)}
		if err := st.Eval(ctx, tokens[:min(len(tokens), st.MaxTokens())], logits); err != nil {
			t.Fatalf("Eval on a loaded model: %v", err)
		}
	})
}

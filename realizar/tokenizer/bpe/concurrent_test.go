package bpe

import (
	"slices"
	"sync"
	"testing"
)

// TestConcurrentEncode encodes from several goroutines at once (run with
// -race): the model's cache and scratch buffers must not be shared unsafely.
func TestConcurrentEncode(t *testing.T) {
	m := fuzzModels()["llama-bpe"]
	texts := []string{"Hello world, the weather is fine.", "  12345 \n\n tab\there", "你好世界 and more words", "I'm O'Neil's friend"}
	want := make([][]int32, len(texts))
	for i, s := range texts {
		want[i] = m.Encode(nil, s)
	}
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Go(func() {
			for r := 0; r < 50; r++ {
				i := (g + r) % len(texts)
				if got := m.Encode(nil, texts[i]); !slices.Equal(got, want[i]) {
					t.Errorf("goroutine %d: Encode(%q) = %v, want %v", g, texts[i], got, want[i])
					return
				}
			}
		})
	}
	wg.Wait()
}

package model

import (
	"context"
	"os"
	"testing"
)

// benchTokens is a fixed prompt of in-vocabulary ids.
func benchTokens(n, vocab int) []int32 {
	t := make([]int32, n)
	for i := range t {
		t[i] = int32((i*7919 + 1) % vocab)
	}
	return t
}

// BenchmarkDecode measures generation on stories260K: one token per Eval
// after a 16-token prompt, the cache reset every 64 tokens. It reports
// tokens/s.
func BenchmarkDecode(b *testing.B) {
	for _, threads := range []int{1, 2} {
		b.Run(threadsName(threads), func(b *testing.B) {
			m := openModelB(b, Options{Threads: threads})
			ctx := context.Background()
			st, err := m.NewState(128)
			if err != nil {
				b.Fatal(err)
			}
			logits := make([]float32, m.Config.VocabSize)
			prompt := benchTokens(16, m.Config.VocabSize)
			b.ReportAllocs()
			b.ResetTimer()
			for i := range b.N {
				if st.Pos() >= 16+64 || i == 0 {
					b.StopTimer()
					st.Reset()
					if err := st.Eval(ctx, prompt, nil); err != nil {
						b.Fatal(err)
					}
					b.StartTimer()
				}
				if err := st.Eval(ctx, []int32{int32(i % m.Config.VocabSize)}, logits); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "tokens/s")
		})
	}
}

// BenchmarkPrefill measures prompt processing on stories260K: a 128-token
// prompt in one Eval. It reports tokens/s.
func BenchmarkPrefill(b *testing.B) {
	for _, threads := range []int{1, 2} {
		b.Run(threadsName(threads), func(b *testing.B) {
			m := openModelB(b, Options{Threads: threads})
			ctx := context.Background()
			st, err := m.NewState(128)
			if err != nil {
				b.Fatal(err)
			}
			logits := make([]float32, m.Config.VocabSize)
			prompt := benchTokens(128, m.Config.VocabSize)
			b.ReportAllocs()
			b.ResetTimer()
			for range b.N {
				st.Reset()
				if err := st.Eval(ctx, prompt, logits); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.N*len(prompt))/b.Elapsed().Seconds(), "tokens/s")
		})
	}
}

func threadsName(n int) string {
	if n == 1 {
		return "1thread"
	}
	return string(rune('0'+n)) + "threads"
}

// BenchmarkGGUF measures prompt processing (128 tokens in one Eval) and
// generation (64 tokens after it) on the GGUF file named by
// $BATUTA_BENCH_GGUF (a TinyLlama-shape model from internal/cmd/mkmodel,
// say), at 1 and 2 threads, with llama-bench's default float16 cache. It
// is skipped when the variable is unset.
func BenchmarkGGUF(b *testing.B) {
	path := os.Getenv("BATUTA_BENCH_GGUF")
	if path == "" {
		b.Skip("set $BATUTA_BENCH_GGUF to a GGUF model file")
	}
	for _, threads := range []int{1, 2} {
		m := openModel(b, path, Options{Threads: threads, KVType: KVF16})
		ctx := context.Background()
		st, err := m.NewState(128 + 64)
		if err != nil {
			b.Fatal(err)
		}
		logits := make([]float32, m.Config.VocabSize)
		prompt := benchTokens(128, m.Config.VocabSize)
		b.Run("pp128/"+threadsName(threads), func(b *testing.B) {
			b.ReportAllocs()
			for range b.N {
				st.Reset()
				if err := st.Eval(ctx, prompt, logits); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.N*len(prompt))/b.Elapsed().Seconds(), "tokens/s")
		})
		b.Run("tg64/"+threadsName(threads), func(b *testing.B) {
			b.ReportAllocs()
			n := 0
			for range b.N {
				b.StopTimer()
				st.Reset()
				b.StartTimer()
				for i := range 64 {
					if err := st.Eval(ctx, []int32{int32(i)}, logits); err != nil {
						b.Fatal(err)
					}
					n++
				}
			}
			b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "tokens/s")
		})
	}
}

package mat

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// benchShapes are the products the benchmarks time: square sizes, then
// the LLM shapes of the issue (m×k×n: one token and a prompt of 128 and
// 512 tokens through 2048→5632 and 5632→2048 projections).
var benchShapes = [][3]int{
	{64, 64, 64}, {128, 128, 128}, {256, 256, 256}, {512, 512, 512}, {1024, 1024, 1024}, {2048, 2048, 2048},
	{1, 2048, 5632}, {1, 5632, 2048}, {128, 2048, 2048}, {512, 2048, 5632},
}

func benchGemm[T Float](b *testing.B, m, k, n int) {
	rng := rand.New(rand.NewPCG(1, 1))
	fill := func(r, c int) *Dense[T] {
		d := NewDense[T](r, c, nil)
		for i := range d.data {
			d.data[i] = T(rng.NormFloat64())
		}
		return d
	}
	a, bm, c := fill(m, k), fill(k, n), fill(m, n)
	b.ResetTimer()
	for b.Loop() {
		Gemm(c, NoTrans, NoTrans, 1, a, bm, 0)
	}
	b.ReportMetric(2*float64(m)*float64(n)*float64(k)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOPS")
}

func benchGemmShapes[T Float](b *testing.B) {
	forEachISABench(b, func(b *testing.B) {
		for _, s := range benchShapes {
			b.Run(fmt.Sprintf("%dx%dx%d", s[0], s[1], s[2]), func(b *testing.B) {
				benchGemm[T](b, s[0], s[1], s[2])
			})
		}
	})
}

// BenchmarkGemm32 times float32 GEMM, m×k×n, on the thread count of
// SetThreads (GOMAXPROCS by default; run with -cpu 1,2 to compare).
func BenchmarkGemm32(b *testing.B) { benchGemmShapes[float32](b) }

// BenchmarkGemm64 is BenchmarkGemm32 for float64.
func BenchmarkGemm64(b *testing.B) { benchGemmShapes[float64](b) }

package mat

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/batuta-go/stack/trueno"
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

// BenchmarkGemv32 times y = A·x and y = Aᵀ·x; the bytes are those of A,
// so MB/s is the matrix read bandwidth (4096² float32 is 64 MiB, far past
// the L2 and L3 caches).
func BenchmarkGemv32(b *testing.B) {
	forEachISABench(b, func(b *testing.B) {
		for _, n := range []int{256, 1024, 4096} {
			for _, t := range transposes {
				b.Run(fmt.Sprintf("%s/%dx%d", t, n, n), func(b *testing.B) {
					rng := rand.New(rand.NewPCG(1, 1))
					a := NewDense[float32](n, n, nil)
					for i := range a.data {
						a.data[i] = float32(rng.NormFloat64())
					}
					x, y := make([]float32, n), make([]float32, n)
					b.SetBytes(int64(4 * n * n))
					for b.Loop() {
						Gemv(y, t, 1, a, x, 0)
					}
				})
			}
		}
	})
}

// BenchmarkGemmHalf32 times float32 activations times float16 weights
// stored out×in (y = x·Wᵀ), the projection of an F16 model.
func BenchmarkGemmHalf32(b *testing.B) {
	forEachISABench(b, func(b *testing.B) {
		for _, s := range [][3]int{{1, 2048, 5632}, {128, 2048, 2048}, {512, 2048, 5632}} {
			m, k, n := s[0], s[1], s[2]
			b.Run(fmt.Sprintf("%dx%dx%d", m, k, n), func(b *testing.B) {
				x := NewDense[float32](m, k, nil)
				w := NewHalfDense[trueno.Float16](n, k, nil)
				for i := range w.data {
					w.data[i] = 0x3c00 // 1.0
				}
				y := NewDense[float32](m, n, nil)
				for b.Loop() {
					GemmHalf(y, NoTrans, Trans, 1, x, w, 0)
				}
				b.ReportMetric(2*float64(m)*float64(n)*float64(k)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOPS")
			})
		}
	})
}

package trueno

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/batuta-go/stack/internal/kerneltest"
)

// ewBenchSizes are the lengths every element-wise benchmark runs at: in L1,
// in L2, in L2/L3, and beyond the caches.
var ewBenchSizes = []int{64, 1 << 10, 1 << 14, 1 << 20}

// benchElementwise runs f on every path under test and every size, with
// b.SetBytes counting the bytes read and written per call: slices slices of
// float32 touched once each.
func benchElementwise(b *testing.B, slices int, f func(dst, x, y []float32)) {
	forEachISABench(b, func(b *testing.B) {
		for _, n := range ewBenchSizes {
			b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
				rng := rand.New(rand.NewPCG(1, 2))
				x := kerneltest.Rand32(rng, n, 1, false)
				y := kerneltest.Rand32(rng, n, 1, false)
				for i := range x {
					x[i] += 2 // keep square roots and reciprocals away from NaN and Inf
				}
				dst := make([]float32, n)
				b.SetBytes(int64(4 * n * slices))
				for b.Loop() {
					f(dst, x, y)
				}
			})
		}
	})
}

func BenchmarkAddTo(b *testing.B) { benchElementwise(b, 3, AddTo) }
func BenchmarkSubTo(b *testing.B) { benchElementwise(b, 3, SubTo) }
func BenchmarkMulTo(b *testing.B) { benchElementwise(b, 3, MulTo) }
func BenchmarkDivTo(b *testing.B) { benchElementwise(b, 3, DivTo) }

func BenchmarkScale(b *testing.B) {
	// -1 keeps the values from drifting to 0 or Inf.
	benchElementwise(b, 2, func(_, x, _ []float32) { Scale(-1, x) })
}

func BenchmarkScaleTo(b *testing.B) {
	benchElementwise(b, 2, func(dst, x, _ []float32) { ScaleTo(dst, 0.5, x) })
}

func BenchmarkAddConstTo(b *testing.B) {
	benchElementwise(b, 2, func(dst, x, _ []float32) { AddConstTo(dst, 0.5, x) })
}

func BenchmarkAxpy(b *testing.B) {
	benchElementwise(b, 3, func(_, x, y []float32) { Axpy(1e-3, x, y) })
}

func BenchmarkAxpyTo(b *testing.B) {
	benchElementwise(b, 3, func(dst, x, y []float32) { AxpyTo(dst, 0.5, x, y) })
}

func BenchmarkAbsTo(b *testing.B)  { benchElementwise(b, 2, func(d, x, _ []float32) { AbsTo(d, x) }) }
func BenchmarkNegTo(b *testing.B)  { benchElementwise(b, 2, func(d, x, _ []float32) { NegTo(d, x) }) }
func BenchmarkSqrtTo(b *testing.B) { benchElementwise(b, 2, func(d, x, _ []float32) { SqrtTo(d, x) }) }
func BenchmarkRecipTo(b *testing.B) {
	benchElementwise(b, 2, func(d, x, _ []float32) { RecipTo(d, x) })
}
func BenchmarkReLUTo(b *testing.B) { benchElementwise(b, 2, func(d, x, _ []float32) { ReLUTo(d, x) }) }

func BenchmarkClampTo(b *testing.B) {
	benchElementwise(b, 2, func(d, x, _ []float32) { ClampTo(d, x, -1, 1) })
}

func BenchmarkLeakyReLUTo(b *testing.B) {
	benchElementwise(b, 2, func(d, x, _ []float32) { LeakyReLUTo(d, x, 0.01) })
}

package trueno

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

var f64BenchSizes = []int{64, 1 << 10, 16 << 10, 1 << 20}

var f64Sink float64

// benchF64 runs op over vectors of every benchmark size on every path,
// counting bytes bytes per element.
func benchF64(b *testing.B, seed uint64, bytes int, op func(x, y []float64)) {
	forEachISABench(b, func(b *testing.B) {
		for _, n := range f64BenchSizes {
			rng := rand.New(rand.NewPCG(seed, uint64(n)))
			x, y := f64Rand(rng, n, 1, false), f64Rand(rng, n, 1, false)
			b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
				b.SetBytes(int64(bytes * n))
				for b.Loop() {
					op(x, y)
				}
			})
		}
	})
}

func BenchmarkDot64(b *testing.B) {
	benchF64(b, 1, 16, func(x, y []float64) { f64Sink = Dot64(x, y) })
}

func BenchmarkAxpy64(b *testing.B) {
	benchF64(b, 2, 24, func(x, y []float64) { Axpy64(1e-9, x, y) })
}

func BenchmarkSum64(b *testing.B) {
	benchF64(b, 3, 8, func(x, _ []float64) { f64Sink = Sum64(x) })
}

func BenchmarkScaleTo64(b *testing.B) {
	benchF64(b, 4, 16, func(x, y []float64) { ScaleTo64(y, 1.5, x) })
}

func BenchmarkL2Norm64(b *testing.B) {
	benchF64(b, 5, 8, func(x, _ []float64) { f64Sink = L2Norm64(x) })
}

package trueno

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

var f64BenchSizes = []int{64, 1 << 10, 16 << 10, 1 << 20}

var f64Sink float64

func BenchmarkDot64(b *testing.B) {
	forEachISABench(b, func(b *testing.B) {
		for _, n := range f64BenchSizes {
			rng := rand.New(rand.NewPCG(1, uint64(n)))
			x, y := f64Rand(rng, n, 1, false), f64Rand(rng, n, 1, false)
			b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
				b.SetBytes(int64(16 * n))
				for b.Loop() {
					f64Sink = Dot64(x, y)
				}
			})
		}
	})
}

func BenchmarkAxpy64(b *testing.B) {
	forEachISABench(b, func(b *testing.B) {
		for _, n := range f64BenchSizes {
			rng := rand.New(rand.NewPCG(2, uint64(n)))
			x, y := f64Rand(rng, n, 1, false), f64Rand(rng, n, 1, false)
			b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
				b.SetBytes(int64(24 * n))
				for b.Loop() {
					Axpy64(1e-9, x, y)
				}
			})
		}
	})
}

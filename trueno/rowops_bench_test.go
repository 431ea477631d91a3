package trueno

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/batuta-go/stack/internal/kerneltest"
)

var rowopsBenchSizes = []int{64, 1 << 10, 16 << 10, 1 << 20}

// BenchmarkRMSNormTo: one row of n values; the bytes are x, w and dst once
// each (x is read twice, by the sum of squares and by the apply step).
func BenchmarkRMSNormTo(b *testing.B) {
	forEachISABench(b, func(b *testing.B) {
		for _, n := range rowopsBenchSizes {
			rng := rand.New(rand.NewPCG(1, uint64(n)))
			x, w := kerneltest.Rand32(rng, n, 1, false), kerneltest.Rand32(rng, n, 1, false)
			dst := make([]float32, n)
			b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
				b.SetBytes(int64(12 * n))
				for b.Loop() {
					RMSNormTo(dst, x, w, 1e-6)
				}
			})
		}
	})
}

// BenchmarkLayerNormTo: one row with weight and bias; the bytes are x, w,
// b and dst once each.
func BenchmarkLayerNormTo(b *testing.B) {
	forEachISABench(b, func(b *testing.B) {
		for _, n := range rowopsBenchSizes {
			rng := rand.New(rand.NewPCG(2, uint64(n)))
			x, w, bias := kerneltest.Rand32(rng, n, 1, false), kerneltest.Rand32(rng, n, 1, false), kerneltest.Rand32(rng, n, 1, false)
			dst := make([]float32, n)
			b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
				b.SetBytes(int64(16 * n))
				for b.Loop() {
					LayerNormTo(dst, x, w, bias, 1e-5)
				}
			})
		}
	})
}

// BenchmarkRoPE: n = heads·headDim values with headDim 128 (64 for the
// smallest size), both layouts, in place; the bytes are x read and written.
func BenchmarkRoPE(b *testing.B) {
	forEachISABench(b, func(b *testing.B) {
		for _, layout := range []struct {
			name string
			f    func(x []float32, headDim int, cos, sin []float32)
		}{{"normal", RoPE}, {"neox", RoPENeoX}} {
			for _, n := range rowopsBenchSizes {
				hd := min(128, n)
				rng := rand.New(rand.NewPCG(3, uint64(n)))
				x := kerneltest.Rand32(rng, n, 1, false)
				cos, sin := make([]float32, hd/2), make([]float32, hd/2)
				RoPEAngles(cos, sin, 1234, 10000, 1)
				b.Run(fmt.Sprintf("%s/n=%d", layout.name, n), func(b *testing.B) {
					b.SetBytes(int64(8 * n))
					for b.Loop() {
						layout.f(x, hd, cos, sin)
					}
				})
			}
		}
	})
}

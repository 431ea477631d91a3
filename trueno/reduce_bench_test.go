package trueno

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/batuta-go/stack/internal/kerneltest"
)

var reduceBenchSizes = []int{64, 1 << 10, 16 << 10, 1 << 20}

// reduceSink keeps results alive so the calls are not optimised away.
var reduceSink float32
var reduceSinkInt int

// reduceBench runs f per path and size, counting the bytes of the nx input
// slices it reads.
func reduceBench(b *testing.B, sizes []int, nx int, f func(x, y []float32)) {
	rng := rand.New(rand.NewPCG(7, 8))
	forEachISABench(b, func(b *testing.B) {
		for _, n := range sizes {
			x := kerneltest.Rand32(rng, n, 1, false)
			y := kerneltest.Rand32(rng, n, 1, false)
			b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
				b.SetBytes(int64(4 * n * nx))
				for b.Loop() {
					f(x, y)
				}
			})
		}
	})
}

func BenchmarkSum(b *testing.B) {
	reduceBench(b, reduceBenchSizes, 1, func(x, _ []float32) { reduceSink = Sum(x) })
}

func BenchmarkDot(b *testing.B) {
	reduceBench(b, reduceBenchSizes, 2, func(x, y []float32) { reduceSink = Dot(x, y) })
}

// BenchmarkDotLarge is Dot on 16 Mi floats (128 MiB read per call), far
// beyond the caches: memory-bound.
func BenchmarkDotLarge(b *testing.B) {
	reduceBench(b, []int{16 << 20}, 2, func(x, y []float32) { reduceSink = Dot(x, y) })
}

func BenchmarkMin(b *testing.B) {
	reduceBench(b, reduceBenchSizes, 1, func(x, _ []float32) { reduceSink = Min(x) })
}

func BenchmarkMax(b *testing.B) {
	reduceBench(b, reduceBenchSizes, 1, func(x, _ []float32) { reduceSink = Max(x) })
}

func BenchmarkArgmin(b *testing.B) {
	reduceBench(b, reduceBenchSizes, 1, func(x, _ []float32) { reduceSinkInt = Argmin(x) })
}

func BenchmarkArgmax(b *testing.B) {
	reduceBench(b, reduceBenchSizes, 1, func(x, _ []float32) { reduceSinkInt = Argmax(x) })
}

func BenchmarkL1Norm(b *testing.B) {
	reduceBench(b, reduceBenchSizes, 1, func(x, _ []float32) { reduceSink = L1Norm(x) })
}

func BenchmarkL2Norm(b *testing.B) {
	reduceBench(b, reduceBenchSizes, 1, func(x, _ []float32) { reduceSink = L2Norm(x) })
}

func BenchmarkLInfNorm(b *testing.B) {
	reduceBench(b, reduceBenchSizes, 1, func(x, _ []float32) { reduceSink = LInfNorm(x) })
}

func BenchmarkMean(b *testing.B) {
	reduceBench(b, reduceBenchSizes, 1, func(x, _ []float32) { reduceSink = Mean(x) })
}

// BenchmarkVariance counts the bytes of its two passes.
func BenchmarkVariance(b *testing.B) {
	reduceBench(b, reduceBenchSizes, 2, func(x, _ []float32) { reduceSink = Variance(x) })
}

package trueno

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/batuta-go/stack/internal/kerneltest"
)

var transcendBenchSizes = []int{64, 1 << 10, 1 << 14, 1 << 20}

func benchTranscend(b *testing.B, f func(dst, x []float32), scale float64, positive bool) {
	forEachISABench(b, func(b *testing.B) {
		benchTranscendSizes(b, f, scale, positive)
	})
}

func benchTranscendSizes(b *testing.B, f func(dst, x []float32), scale float64, positive bool) {
	for _, n := range transcendBenchSizes {
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			x := kerneltest.Rand32(rand.New(rand.NewPCG(1, uint64(n))), n, scale, false)
			if positive {
				for i, v := range x {
					x[i] = float32(math.Abs(float64(v))) + 1e-3
				}
			}
			dst := make([]float32, n)
			b.SetBytes(int64(8 * n))
			for b.Loop() {
				f(dst, x)
			}
		})
	}
}

func BenchmarkExpTo(b *testing.B)           { benchTranscend(b, ExpTo, 10, false) }
func BenchmarkLogTo(b *testing.B)           { benchTranscend(b, LogTo, 10, true) }
func BenchmarkTanhTo(b *testing.B)          { benchTranscend(b, TanhTo, 2, false) }
func BenchmarkSigmoidTo(b *testing.B)       { benchTranscend(b, SigmoidTo, 4, false) }
func BenchmarkSiLUTo(b *testing.B)          { benchTranscend(b, SiLUTo, 4, false) }
func BenchmarkGELUTo(b *testing.B)          { benchTranscend(b, GELUTo, 2, false) }
func BenchmarkGELUErfTo(b *testing.B)       { benchTranscend(b, GELUErfTo, 2, false) }
func BenchmarkSoftplusTo(b *testing.B)      { benchTranscend(b, SoftplusTo, 4, false) }
func BenchmarkSoftmaxTo(b *testing.B)       { benchTranscend(b, SoftmaxTo, 3, false) }
func BenchmarkLogSoftmaxTo(b *testing.B)    { benchTranscend(b, LogSoftmaxTo, 3, false) }
func BenchmarkExpMathLoop(b *testing.B)     { benchTranscendSizes(b, expMathLoop, 10, false) }
func BenchmarkSoftmaxMathLoop(b *testing.B) { benchTranscendSizes(b, softmaxMathLoop, 3, false) }

// expMathLoop is the plain Go loop ExpTo is measured against.
func expMathLoop(dst, x []float32) {
	for i, v := range x {
		dst[i] = float32(math.Exp(float64(v)))
	}
}

// softmaxMathLoop is the plain Go softmax SoftmaxTo is measured against.
func softmaxMathLoop(dst, x []float32) {
	m := math.Inf(-1)
	for _, v := range x {
		m = math.Max(m, float64(v))
	}
	s := 0.0
	for i, v := range x {
		e := math.Exp(float64(v) - m)
		dst[i] = float32(e)
		s += e
	}
	for i := range dst {
		dst[i] = float32(float64(dst[i]) / s)
	}
}

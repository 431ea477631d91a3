package quant

import (
	"bytes"
	"math"
	"math/rand/v2"
	"testing"
)

// TestQuantizeAct checks the activation quantizer of every path against
// the reference bit for bit: random rows at several magnitudes, values
// that land exactly on a rounding tie, repeated maxima of both signs
// (Q8_K takes the first), all-zero and subnormal blocks, NaN and
// infinities.
func TestQuantizeAct(t *testing.T) {
	rng := rand.New(rand.NewPCG(13, 14))
	rows := map[string]func(n int) []float32{
		"normal": func(n int) []float32 {
			x := make([]float32, n)
			for i := range x {
				x[i] = float32(rng.NormFloat64())
			}
			return x
		},
		"scaled": func(n int) []float32 {
			x := make([]float32, n)
			for i := range x {
				x[i] = float32(rng.NormFloat64() * math.Pow(10, float64(rng.IntN(60)-30)))
			}
			return x
		},
		"ties": func(n int) []float32 {
			// max 127 makes d = 1: halves are exact ties.
			x := make([]float32, n)
			for i := range x {
				x[i] = float32(rng.IntN(254)-127) + 0.5*float32(rng.IntN(2))
			}
			for i := 0; i < n; i += 32 {
				x[i+rng.IntN(32)] = 127
			}
			return x
		},
		"signed-max": func(n int) []float32 {
			x := make([]float32, n)
			for i := range x {
				x[i] = float32(rng.IntN(7) - 3)
			}
			for i := 0; i < n; i += 32 {
				x[i+rng.IntN(32)], x[i+rng.IntN(32)] = 5, -5
			}
			return x
		},
		"zero-subnormal": func(n int) []float32 {
			x := make([]float32, n)
			for i := range x {
				if i/256%2 == 1 {
					x[i] = math.Float32frombits(uint32(rng.IntN(1 << 20)))
					if rng.IntN(2) == 0 {
						x[i] = -x[i]
					}
				}
			}
			return x
		},
		"special": func(n int) []float32 {
			x := make([]float32, n)
			for i := range x {
				x[i] = float32(rng.NormFloat64())
			}
			x[rng.IntN(n)] = float32(math.Inf(1 - 2*rng.IntN(2)))
			x[rng.IntN(n)] = float32(math.NaN())
			return x
		},
	}
	forEachISA(t, func(t *testing.T) {
		for _, dt := range []Type{Q8_0, Q8_K} {
			for name, row := range rows {
				for _, nb := range []int{0, 1, 3} {
					n := nb * 256
					for rep := range 20 {
						x := row(max(n, 256))[:n]
						if n == 0 && name == "special" {
							continue
						}
						got, want := make([]byte, dt.RowBytes(n)), make([]byte, dt.RowBytes(n))
						quantizeAct(dt, got, x)
						quantizeGeneric(dt, want, x)
						if !bytes.Equal(got, want) {
							for i := range got {
								if got[i] != want[i] {
									t.Fatalf("%s %s n=%d rep %d: byte %d = %#x, reference %#x", dt, name, n, rep, i, got[i], want[i])
								}
							}
						}
					}
				}
			}
		}
	})
}

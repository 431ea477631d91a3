package trueno

import (
	"encoding/binary"
	"fmt"
	"math"
	"testing"

	"github.com/batuta-go/stack/internal/kerneltest"
)

// FuzzReduce decodes the fuzz bytes into two float32 slices of any bit
// patterns (NaN, infinities, subnormals) and any length, runs every
// reduction on every path under test and compares: the selecting kernels
// bit for bit with the references, the summing ones with the exact value
// within their error bound.
func FuzzReduce(f *testing.F) {
	le := func(v ...float32) []byte {
		b := make([]byte, 4*len(v))
		for i, x := range v {
			binary.LittleEndian.PutUint32(b[4*i:], math.Float32bits(x))
		}
		return b
	}
	inf, nan := float32(math.Inf(1)), float32(math.NaN())
	f.Add([]byte{})
	f.Add(le(1, 2))
	f.Add(le(1, -2, 3, 0, 4, -5, 6, float32(math.Copysign(0, -1)), 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, -3))
	f.Add(le(nan, 1, -inf, inf, 0x1p-140, -0x1p-149, 3e38, -3e38, 1e-30, 1e30, 7))
	f.Add(le(kerneltest.Specials32...))
	long := make([]float32, 131)
	for i := range long {
		long[i] = float32(i%17) - 8
	}
	long[77] = -inf
	f.Add(le(long...))
	f.Fuzz(func(t *testing.T, data []byte) {
		all := make([]float32, len(data)/4)
		for i := range all {
			all[i] = math.Float32frombits(binary.LittleEndian.Uint32(data[4*i:]))
		}
		// x is the whole input (an odd length when it is), y its second
		// half repeated, for Dot.
		x := all
		y := make([]float32, len(x))
		for i := range y {
			y[i] = all[(len(all)/2+i)%len(all)]
		}
		forEachISA(t, func(t *testing.T) {
			reduceCheckSelect(t, fmt.Sprint(x), x)
			reduceFuzzSum(t, "Sum", Sum(x), x, nil, func(v, _ float64) float64 { return v })
			reduceFuzzSum(t, "L1Norm", L1Norm(x), x, nil, func(v, _ float64) float64 { return math.Abs(v) })
			reduceFuzzSum(t, "Dot", Dot(x, y), x, y, func(v, w float64) float64 { return v * w })
			for _, c := range reduceSumCases() {
				switch c.name {
				case "L2Norm", "Mean", "Variance":
					// Always within their bounds: their fallbacks
					// take care of overflow.
					want, bound := c.ref(x, y)
					reduceCheckClose(t, fmt.Sprintf("%s(%v)", c.name, x), c.f(x, y), want, bound)
				}
			}
		})
	})
}

// reduceFuzzSum checks a summing kernel on arbitrary data: NaN when a term
// is NaN, the IEEE sum of the infinite terms when there are some, else the
// exact sum within the error bound. When the finite terms can overflow a
// partial sum (or a product can overflow before it is added), the result
// depends on the summation order and is not checked.
func reduceFuzzSum(t *testing.T, what string, got float32, x, y []float32, term func(v, w float64) float64) {
	t.Helper()
	var want, abs float64
	for i, v := range x {
		w := 0.0
		if y != nil {
			w = float64(y[i])
		}
		tm := term(float64(v), w)
		if !math.IsInf(tm, 0) && !math.IsNaN(tm) {
			abs += math.Abs(tm)
		}
		want += tm
	}
	if abs > math.MaxFloat32/2 {
		return
	}
	reduceCheckClose(t, fmt.Sprintf("%s(%v, %v)", what, x, y), got, want, reduceSumBound(len(x), want, abs))
}

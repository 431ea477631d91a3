package trueno

import (
	"encoding/binary"
	"math"
	"testing"

	"github.com/batuta-go/stack/internal/kerneltest"
)

// f64EachISA runs f with every dispatcher forced onto each path under test
// in turn (without subtests, which fuzz targets cannot run in parallel
// workers), restoring the dispatch state at the end.
func f64EachISA(t *testing.T, f func(i ISA)) {
	t.Helper()
	oldISA, oldMin := isa, simdMin
	defer func() { isa, simdMin = oldISA, oldMin }()
	for _, i := range isasUnderTest(t) {
		if err := SetISA(i); err != nil {
			t.Fatal(err)
		}
		f(i)
	}
}

// f64Decode splits fuzz bytes into a scalar and two equal-length vectors
// of arbitrary float64 bit patterns.
func f64Decode(data []byte) (a float64, x, y []float64) {
	word := func(i int) float64 { return math.Float64frombits(binary.LittleEndian.Uint64(data[8*i:])) }
	words := len(data) / 8
	if words == 0 {
		return 0, nil, nil
	}
	a = word(0)
	n := (words - 1) / 2
	x, y = make([]float64, n), make([]float64, n)
	for i := range n {
		x[i], y[i] = word(1+i), word(1+n+i)
	}
	return a, x, y
}

// f64Finite reports whether every value is finite and Σ|terms| stays far
// enough below MaxFloat64 that no summation order overflows.
func f64Finite(absSum float64, vs ...[]float64) bool {
	for _, v := range vs {
		for _, e := range v {
			if math.IsNaN(e) || math.IsInf(e, 0) {
				return false
			}
		}
	}
	return absSum < math.MaxFloat64/4
}

func f64HasNaN(vs ...[]float64) bool {
	for _, v := range vs {
		for _, e := range v {
			if e != e {
				return true
			}
		}
	}
	return false
}

func FuzzF64(f *testing.F) {
	seed := func(vals ...float64) []byte {
		b := make([]byte, 0, 8*len(vals))
		for _, v := range vals {
			b = binary.LittleEndian.AppendUint64(b, math.Float64bits(v))
		}
		return b
	}
	f.Add(seed(2, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21))
	f.Add(seed(math.NaN(), math.Inf(1), -0.0, 1e300, 1e-310, 5, math.Inf(-1), 0, 1e300, 7, 2, 3))
	f.Add(seed(-0.5, math.MaxFloat64, math.SmallestNonzeroFloat64, 1, -1, 1e-200, 1e200, 3, 4, 5, 6, 7, 8, 9, 10, 11))
	f.Add([]byte{1, 2, 3})
	f.Fuzz(func(t *testing.T, data []byte) {
		a, x, y := f64Decode(data)
		n := len(x)
		ones := make([]float64, n)
		for i := range ones {
			ones[i] = 1
		}
		wantAxpy := make([]float64, n)
		copy(wantAxpy, y)
		axpy64Generic(a, x, wantAxpy)
		wantScale := make([]float64, n)
		scaleTo64Generic(wantScale, a, x)
		absDot, absSum := f64AbsDot(x, y), f64AbsDot(x, ones)

		f64EachISA(t, func(i ISA) {
			got := append([]float64(nil), y...)
			Axpy64(a, x, got)
			for j := range got {
				if !kerneltest.Same64(got[j], wantAxpy[j]) {
					t.Fatalf("%s Axpy64: y[%d] = %v, want %v", i, j, got[j], wantAxpy[j])
				}
			}
			ScaleTo64(got, a, x)
			for j := range got {
				if !kerneltest.Same64(got[j], wantScale[j]) {
					t.Fatalf("%s ScaleTo64: [%d] = %v, want %v", i, j, got[j], wantScale[j])
				}
			}

			dot, sum := Dot64(x, y), Sum64(x)
			switch {
			case f64HasNaN(x, y):
				if !math.IsNaN(dot) {
					t.Fatalf("%s Dot64 with a NaN input = %v", i, dot)
				}
			case f64Finite(absDot, x, y):
				f64CheckReduce(t, i.String()+" Dot64", n, dot, f64Dot2(x, y), absDot)
			}
			switch {
			case f64HasNaN(x):
				if !math.IsNaN(sum) {
					t.Fatalf("%s Sum64 with a NaN input = %v", i, sum)
				}
			case f64Finite(absSum, x):
				f64CheckReduce(t, i.String()+" Sum64", n, sum, f64Dot2(x, ones), absSum)
			}
			f64CheckNorm(t, i.String()+" L2Norm64", x, L2Norm64(x))
		})
	})
}

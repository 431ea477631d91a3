package trueno

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/batuta-go/stack/internal/kerneltest"
)

// TestSoftmaxLimits checks the documented limits of SoftmaxTo and
// LogSoftmaxTo on every path, bit for bit.
func TestSoftmaxLimits(t *testing.T) {
	ln2, ln3 := float32(math.Ln2), log32(3)
	cases := []struct {
		x, soft, logsoft []float32
	}{
		{[]float32{-tInf, 0, 0}, []float32{0, 0.5, 0.5}, []float32{-tInf, -ln2, -ln2}},
		{[]float32{1e30, 1e30, 0}, []float32{0.5, 0.5, 0}, []float32{-ln2, -ln2, -1e30}},
		{[]float32{math.MaxFloat32, -math.MaxFloat32, 0}, []float32{1, 0, 0}, []float32{0, -tInf, -math.MaxFloat32}},
		{[]float32{-tInf, -tInf, -tInf}, []float32{1.0 / 3, 1.0 / 3, 1.0 / 3}, []float32{-ln3, -ln3, -ln3}},
		{[]float32{tInf, 1, tInf}, []float32{0.5, 0, 0.5}, []float32{-ln2, -tInf, -ln2}},
		{[]float32{tInf}, []float32{1}, []float32{0}},
		{[]float32{tInf, -tInf}, []float32{1, 0}, []float32{0, -tInf}},
		{[]float32{tNegZero, tNegZero}, []float32{0.5, 0.5}, []float32{-ln2, -ln2}},
		{[]float32{tNegZero}, []float32{1}, []float32{tNegZero}}, // (-0 − 0) − ln 1
		{[]float32{5}, []float32{1}, []float32{0}},
		{[]float32{1, tNaN, 2}, []float32{tNaN, tNaN, tNaN}, []float32{tNaN, tNaN, tNaN}},
		{[]float32{tInf, tNaN}, []float32{tNaN, tNaN}, []float32{tNaN, tNaN}},
		{[]float32{-tInf, tNaN}, []float32{tNaN, tNaN}, []float32{tNaN, tNaN}},
		{[]float32{tNaN}, []float32{tNaN}, []float32{tNaN}},
		{[]float32{}, []float32{}, []float32{}},
	}
	forEachISA(t, func(t *testing.T) {
		for _, c := range cases {
			for _, f := range []struct {
				name string
				f    func(dst, x []float32)
				want []float32
			}{{"SoftmaxTo", SoftmaxTo, c.soft}, {"LogSoftmaxTo", LogSoftmaxTo, c.logsoft}} {
				got := make([]float32, len(c.x))
				f.f(got, c.x)
				for i := range got {
					if !kerneltest.Same32(got[i], f.want[i]) {
						t.Errorf("%s(%v)[%d] = %g, want %g", f.name, c.x, i, got[i], f.want[i])
					}
				}
			}
		}
	})
}

// TestSoftmaxAccuracy compares SoftmaxTo and LogSoftmaxTo with a float64
// softmax of the same rows. The bound is the error of the float32
// algorithm: the rounding of x[i] − m (relative |x[i] − m|·2⁻²⁴ after
// the exp), ExpTo's 1 ULP, the sum's γn and the roundings of 1/Σ and of
// the product (or of the log and the two subtractions).
func TestSoftmaxAccuracy(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for _, n := range []int{1, 2, 7, 16, 17, 100, 1000, 4097} {
		for _, scale := range []float64{0.1, 3, 30} {
			x := kerneltest.Rand32(rng, n, scale, false)
			m := math.Inf(-1)
			for _, v := range x {
				m = math.Max(m, float64(v))
			}
			s := 0.0
			for _, v := range x {
				s += math.Exp(float64(v) - m)
			}
			soft := make([]float32, n)
			logsoft := make([]float32, n)
			SoftmaxTo(soft, x)
			LogSoftmaxTo(logsoft, x)
			g := kerneltest.Gamma32(n)
			ls := math.Log(s)
			for i, v := range x {
				d := float64(v) - m
				want := math.Exp(d) / s
				tol := want*(math.Abs(d)*0x1p-24+4*0x1p-23+g) + 0x1p-149
				if e := math.Abs(float64(soft[i]) - want); e > tol {
					t.Errorf("SoftmaxTo n=%d scale=%g [%d]: got %g, want %g (error %g > %g)", n, scale, i, soft[i], want, e, tol)
				}
				lwant := d - ls
				ltol := (math.Abs(d)+math.Abs(lwant)+2*ls)*0x1p-23 + g
				if e := math.Abs(float64(logsoft[i]) - lwant); e > ltol {
					t.Errorf("LogSoftmaxTo n=%d scale=%g [%d]: got %g, want %g (error %g > %g)", n, scale, i, logsoft[i], lwant, e, ltol)
				}
			}
		}
	}
}

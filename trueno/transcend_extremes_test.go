package trueno

import (
	"math"
	"testing"

	"github.com/batuta-go/stack/internal/kerneltest"
)

var (
	tInf     = float32(math.Inf(1))
	tNaN     = float32(math.NaN())
	tNegZero = float32(math.Copysign(0, -1))
)

// TestTranscendExtremes checks the documented limits, bit for bit, on
// every path.
func TestTranscendExtremes(t *testing.T) {
	type row struct {
		x, want float32
	}
	cases := []struct {
		name string
		f    func(dst, x []float32)
		rows []row
	}{
		{"ExpTo", ExpTo, []row{
			{1000, tInf}, {-1000, 0}, {tInf, tInf}, {-tInf, 0}, {tNaN, tNaN},
			{0, 1}, {tNegZero, 1}, {89, tInf}, {88.73, tInf}, {-104, 0}, {-120, 0},
			{math.MaxFloat32, tInf}, {-math.MaxFloat32, 0}, {0x1p-149, 1},
		}},
		{"LogTo", LogTo, []row{
			{0, -tInf}, {tNegZero, -tInf}, {-1, tNaN}, {-0x1p-149, tNaN}, {-tInf, tNaN},
			{tInf, tInf}, {tNaN, tNaN}, {1, 0}, {math.MaxFloat32, 88.72284},
			{0x1p-149, -103.27893}, {0x1p-126, -87.33655},
		}},
		{"TanhTo", TanhTo, []row{
			{1000, 1}, {-1000, -1}, {tInf, 1}, {-tInf, -1}, {0, 0}, {tNegZero, tNegZero},
			{tNaN, tNaN}, {10, 1}, {-10, -1}, {0x1p-149, 0x1p-149}, {-0x1p-149, -0x1p-149},
		}},
		{"SigmoidTo", SigmoidTo, []row{
			{1000, 1}, {-1000, 0}, {tInf, 1}, {-tInf, 0}, {0, 0.5}, {tNegZero, 0.5},
			{tNaN, tNaN}, {20, 1}, {-104, 0},
		}},
		{"SiLUTo", SiLUTo, []row{
			{1000, 1000}, {-1000, tNegZero}, {tInf, tInf}, {-tInf, tNegZero}, {0, 0},
			{tNegZero, tNegZero}, {tNaN, tNaN}, {-110, tNegZero}, {math.MaxFloat32, math.MaxFloat32},
		}},
		{"GELUTo", GELUTo, []row{
			{1000, 1000}, {-1000, tNegZero}, {tInf, tInf}, {-tInf, tNegZero}, {0, 0},
			{tNegZero, tNegZero}, {tNaN, tNaN}, {-11, tNegZero}, {math.MaxFloat32, math.MaxFloat32},
			{-math.MaxFloat32, tNegZero},
		}},
		{"GELUErfTo", GELUErfTo, []row{
			{1000, 1000}, {-1000, tNegZero}, {tInf, tInf}, {-tInf, tNegZero}, {0, 0},
			{tNegZero, tNegZero}, {tNaN, tNaN}, {-15, tNegZero}, {math.MaxFloat32, math.MaxFloat32},
			{-math.MaxFloat32, tNegZero},
		}},
		{"SoftplusTo", SoftplusTo, []row{
			{1000, 1000}, {-1000, 0}, {tInf, tInf}, {-tInf, 0}, {tNaN, tNaN},
			{0, float32(math.Ln2)}, {tNegZero, float32(math.Ln2)}, {20, 20}, {-104, 0},
			{math.MaxFloat32, math.MaxFloat32},
		}},
	}
	forEachISA(t, func(t *testing.T) {
		for _, c := range cases {
			x := make([]float32, len(c.rows))
			for i, r := range c.rows {
				x[i] = r.x
			}
			// Also at every lane position, and through the tail.
			for _, rep := range []int{1, 37} {
				xs := make([]float32, 0, rep*len(x))
				for range rep {
					xs = append(xs, x...)
				}
				got := make([]float32, len(xs))
				c.f(got, xs)
				for i := range got {
					r := c.rows[i%len(c.rows)]
					if !kerneltest.Same32(got[i], r.want) {
						t.Errorf("%s(%g) = %g (%#08x), want %g (%#08x)", c.name, r.x, got[i], math.Float32bits(got[i]), r.want, math.Float32bits(r.want))
					}
				}
			}
		}
	})
}

// TestTranscendSubnormal checks that results below the normal range are
// accurate (not flushed to zero): exp, sigmoid, silu and softplus of
// large negative inputs, and log of subnormal inputs.
func TestTranscendSubnormal(t *testing.T) {
	forEachISA(t, func(t *testing.T) {
		for _, c := range ulpCases {
			var x []float32
			for v := float32(-87); v > -104; v -= 0.37 {
				x = append(x, v)
			}
			if c.name == "LogTo" {
				x = x[:0]
				for b := uint32(1); b < 1<<23; b = b*3 + 1 {
					x = append(x, math.Float32frombits(b))
				}
			}
			y := make([]float32, len(x))
			c.f(y, x)
			for i := range x {
				if u := kerneltest.ULPOf64(y[i], c.ref(float64(x[i]))); u > c.max {
					t.Errorf("%s(%g) = %g: %.2f ULP", c.name, x[i], y[i], u)
				}
			}
		}
	})
}

// TestTranscendThresholds pins the documented points where a kernel
// reaches its limit: at `from` the result is the limit (and stays there
// beyond, as the sweep shows), at the float32 just before it is not.
func TestTranscendThresholds(t *testing.T) {
	cases := []struct {
		name  string
		f     func(dst, x []float32)
		from  float32
		limit func(x float32) float32
	}{
		{"ExpTo", ExpTo, 88.72284, func(float32) float32 { return tInf }},
		{"ExpTo", ExpTo, -103.972084, func(float32) float32 { return 0 }},
		{"TanhTo", TanhTo, 9.010914, func(float32) float32 { return 1 }},
		{"TanhTo", TanhTo, -9.010914, func(float32) float32 { return -1 }},
		{"SigmoidTo", SigmoidTo, 16.635532, func(float32) float32 { return 1 }},
		{"SigmoidTo", SigmoidTo, -103.972084, func(float32) float32 { return 0 }},
		{"SiLUTo", SiLUTo, 16.635532, func(x float32) float32 { return x }},
		{"SiLUTo", SiLUTo, -108.66031, func(float32) float32 { return tNegZero }},
		{"GELUTo", GELUTo, 4.9619703, func(x float32) float32 { return x }},
		{"GELUTo", GELUTo, -10.770868, func(float32) float32 { return tNegZero }},
		{"GELUErfTo", GELUErfTo, 5.3475156, func(x float32) float32 { return x }},
		{"GELUErfTo", GELUErfTo, -14.356069, func(float32) float32 { return tNegZero }},
		{"SoftplusTo", SoftplusTo, 14.556091, func(x float32) float32 { return x }},
		{"SoftplusTo", SoftplusTo, -103.972084, func(float32) float32 { return 0 }},
	}
	forEachISA(t, func(t *testing.T) {
		for _, c := range cases {
			before := math.Nextafter32(c.from, 0)
			x := []float32{before, c.from}
			y := make([]float32, 2)
			c.f(y, x)
			if kerneltest.Same32(y[0], c.limit(before)) {
				t.Errorf("%s(%v) = %v is already the limit", c.name, before, y[0])
			}
			if !kerneltest.Same32(y[1], c.limit(c.from)) {
				t.Errorf("%s(%v) = %v, want the limit %v", c.name, c.from, y[1], c.limit(c.from))
			}
		}
	})
}

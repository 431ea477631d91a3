package trueno

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/batuta-go/stack/internal/kerneltest"
)

// f64Dense is the length up to which every length is tried: four unrolled
// AVX-512 blocks of float64 and then some, so every loop stage and tail
// length meets every path.
const f64Dense = 4 * 16 * 4

const f64U = 0x1p-53

// f64Specials are the float64 values every kernel must meet.
var f64Specials = []float64{
	0, math.Copysign(0, -1), 1, -1, 0.5, -2, math.Inf(1), math.Inf(-1), math.NaN(),
	math.SmallestNonzeroFloat64, -math.SmallestNonzeroFloat64, 0x1p-1022, -0x1p-1023,
	math.MaxFloat64, -math.MaxFloat64, 1e300, -1e-300, 3.141592653589793,
}

// f64Rand returns n normal values of the given scale, with a 1-in-16
// chance of a special value when specials is set.
func f64Rand(rng *rand.Rand, n int, scale float64, specials bool) []float64 {
	out := kerneltest.Rand64(rng, n, scale)
	if specials {
		for i := range out {
			if rng.IntN(16) == 0 {
				out[i] = f64Specials[rng.IntN(len(f64Specials))]
			}
		}
	}
	return out
}

// f64Ints returns n integers in [-lim, lim] as float64.
func f64Ints(rng *rand.Rand, n, lim int) []float64 {
	out := make([]float64, n)
	for i := range out {
		out[i] = float64(rng.IntN(2*lim+1) - lim)
	}
	return out
}

func f64Guard(v []float64, off int) *kerneltest.Guarded[float64] {
	return kerneltest.NewGuarded(len(v), off, func(i int) float64 { return v[i] })
}

// f64TwoSum and f64Dot2 are the compensated dot product of Ogita, Rump and
// Oishi: as accurate as if computed in twice the working precision and
// then rounded, the reference for the reductions.
func f64TwoSum(a, b float64) (s, e float64) {
	s = a + b
	z := s - a
	e = (a - (s - z)) + (b - z)
	return s, e
}

func f64Dot2(x, y []float64) float64 {
	var s, c float64
	for i := range x {
		p := float64(x[i] * y[i]) // rounded: no fusion into the sum below
		pe := math.FMA(x[i], y[i], -p)
		var se float64
		s, se = f64TwoSum(s, p)
		c += se + pe
	}
	return s + c
}

// f64AbsDot returns Σ|x[i]·y[i]|, the scale of the rounding-error bound.
func f64AbsDot(x, y []float64) float64 {
	var s float64
	for i := range x {
		s += math.Abs(x[i] * y[i])
	}
	return s
}

// f64CheckReduce fails unless got is within γn·Σ|terms| (plus an ulp of
// the result for the final rounding) of want.
func f64CheckReduce(t *testing.T, what string, n int, got, want, absSum float64) {
	t.Helper()
	bound := kerneltest.Gamma64(n+2)*absSum + 2*f64U*math.Abs(want)
	if !(math.Abs(got-want) <= bound) {
		t.Fatalf("%s: n=%d: got %v, want %v (error %g > bound %g)", what, n, got, want, math.Abs(got-want), bound)
	}
}

func TestDot64(t *testing.T) {
	forEachISA(t, func(t *testing.T) {
		rng := rand.New(rand.NewPCG(1, 64))
		for _, n := range kerneltest.SweepLengths(f64Dense) {
			for _, off := range kerneltest.Offsets {
				name := fmt.Sprintf("n=%d off=%d", n, off)
				// Integers: every order gives the exact value.
				x, y := f64Guard(f64Ints(rng, n, 1<<16), off), f64Guard(f64Ints(rng, n, 1<<16), off)
				if got, want := Dot64(x.S(), y.S()), f64Dot2(x.S(), y.S()); got != want {
					t.Fatalf("%s integers: got %v, want %v", name, got, want)
				}
				x.Check(t, name+" x")
				y.Check(t, name+" y")

				x, y = f64Guard(f64Rand(rng, n, 1, false), off), f64Guard(f64Rand(rng, n, 1, false), off)
				got := Dot64(x.S(), y.S())
				f64CheckReduce(t, name, n, got, f64Dot2(x.S(), y.S()), f64AbsDot(x.S(), y.S()))
				x.Check(t, name+" x")
				y.Check(t, name+" y")
			}
		}
		if got := Dot64([]float64{1, math.Inf(1), 2}, []float64{0, 0, 1}); !math.IsNaN(got) {
			t.Errorf("Inf·0: got %v, want NaN", got)
		}
	})
}

func TestSum64(t *testing.T) {
	forEachISA(t, func(t *testing.T) {
		rng := rand.New(rand.NewPCG(2, 64))
		for _, n := range kerneltest.SweepLengths(f64Dense) {
			for _, off := range kerneltest.Offsets {
				name := fmt.Sprintf("n=%d off=%d", n, off)
				ones := make([]float64, n)
				for i := range ones {
					ones[i] = 1
				}
				x := f64Guard(f64Ints(rng, n, 1<<30), off)
				if got, want := Sum64(x.S()), f64Dot2(x.S(), ones); got != want {
					t.Fatalf("%s integers: got %v, want %v", name, got, want)
				}
				x.Check(t, name)

				x = f64Guard(f64Rand(rng, n, 1e3, false), off)
				f64CheckReduce(t, name, n, Sum64(x.S()), f64Dot2(x.S(), ones), f64AbsDot(x.S(), ones))
				x.Check(t, name)
			}
		}
		for _, c := range []struct {
			x    []float64
			want float64
		}{
			{nil, 0},
			{[]float64{math.Inf(1), 1, 2, 3, 4, 5, 6, 7, 8, math.Inf(-1)}, math.NaN()},
			{[]float64{1, 2, 3, 4, 5, 6, 7, 8, 9, math.NaN()}, math.NaN()},
			{[]float64{1, 2, 3, 4, 5, 6, 7, 8, 9, math.Inf(-1)}, math.Inf(-1)},
		} {
			if got := Sum64(c.x); !kerneltest.Same64(got, c.want) {
				t.Errorf("Sum64(%v) = %v, want %v", c.x, got, c.want)
			}
		}
	})
}

// f64Axpy64Ref and f64Scale64Ref are the loops the documentation states,
// written out independently of the generic kernels.
func f64Axpy64Ref(a float64, x, y []float64) []float64 {
	out := make([]float64, len(y))
	for i := range y {
		out[i] = y[i] + float64(a*x[i])
	}
	return out
}

func TestAxpy64(t *testing.T) {
	forEachISA(t, func(t *testing.T) {
		rng := rand.New(rand.NewPCG(3, 64))
		for _, n := range kerneltest.SweepLengths(f64Dense) {
			for _, off := range kerneltest.Offsets {
				name := fmt.Sprintf("n=%d off=%d", n, off)
				a := f64Specials[rng.IntN(len(f64Specials))]
				if rng.IntN(2) == 0 {
					a = rng.NormFloat64()
				}
				xv, yv := f64Rand(rng, n, 1, true), f64Rand(rng, n, 1, true)
				want := f64Axpy64Ref(a, xv, yv)
				x, y := f64Guard(xv, off), f64Guard(yv, off)
				Axpy64(a, x.S(), y.S())
				for i, g := range y.S() {
					if !kerneltest.Same64(g, want[i]) {
						t.Fatalf("%s a=%v: y[%d] = %v, want %v (x %v, y %v)", name, a, i, g, want[i], xv[i], yv[i])
					}
				}
				x.Check(t, name+" x")
				y.Check(t, name+" y")

				// x and y the same slice.
				want = f64Axpy64Ref(a, xv, xv)
				x = f64Guard(xv, off)
				Axpy64(a, x.S(), x.S())
				for i, g := range x.S() {
					if !kerneltest.Same64(g, want[i]) {
						t.Fatalf("%s aliased: y[%d] = %v, want %v", name, i, g, want[i])
					}
				}
				x.Check(t, name+" aliased")
			}
		}
	})
}

func TestScaleTo64(t *testing.T) {
	forEachISA(t, func(t *testing.T) {
		rng := rand.New(rand.NewPCG(4, 64))
		for _, n := range kerneltest.SweepLengths(f64Dense) {
			for _, off := range kerneltest.Offsets {
				name := fmt.Sprintf("n=%d off=%d", n, off)
				a := f64Specials[rng.IntN(len(f64Specials))]
				if rng.IntN(2) == 0 {
					a = rng.NormFloat64()
				}
				xv := f64Rand(rng, n, 1, true)
				want := make([]float64, n)
				for i := range xv {
					want[i] = a * xv[i]
				}
				x, dst := f64Guard(xv, off), f64Guard(make([]float64, n), off)
				ScaleTo64(dst.S(), a, x.S())
				ScaleTo64(x.S(), a, x.S())
				for i := range want {
					if !kerneltest.Same64(dst.S()[i], want[i]) || !kerneltest.Same64(x.S()[i], want[i]) {
						t.Fatalf("%s a=%v: [%d] = %v (in place %v), want %v", name, a, i, dst.S()[i], x.S()[i], want[i])
					}
				}
				x.Check(t, name+" x")
				dst.Check(t, name+" dst")
			}
		}
	})
}

// f64NormRef returns ‖x‖ from the compensated sum of squares of x scaled
// by a power of two: NaN if x holds a NaN, else +Inf if it holds an
// infinity.
func f64NormRef(x []float64) float64 {
	var m float64
	for _, v := range x {
		m = math.Max(m, math.Abs(v)) // NaN if any is NaN
	}
	if math.IsNaN(m) || math.IsInf(m, 0) {
		return m
	}
	if m == 0 {
		return 0
	}
	_, e := math.Frexp(m)
	s := make([]float64, len(x))
	for i, v := range x {
		s[i] = math.Ldexp(v, -e)
	}
	return math.Ldexp(math.Sqrt(f64Dot2(s, s)), e)
}

func f64CheckNorm(t *testing.T, what string, x []float64, got float64) {
	t.Helper()
	want := f64NormRef(x)
	if math.IsNaN(want) || math.IsInf(want, 0) || want == 0 {
		if !kerneltest.Same64(got, want) {
			t.Fatalf("%s: got %v, want %v", what, got, want)
		}
		return
	}
	// √ halves the relative error of the sum of squares, then rounds once.
	bound := (kerneltest.Gamma64(len(x)+2)/2 + 2*f64U) * want
	if !(math.Abs(got-want) <= bound) {
		t.Fatalf("%s: n=%d: got %v, want %v (error %g > bound %g)", what, len(x), got, want, math.Abs(got-want), bound)
	}
}

func TestL2Norm64(t *testing.T) {
	forEachISA(t, func(t *testing.T) {
		rng := rand.New(rand.NewPCG(5, 64))
		for _, n := range kerneltest.SweepLengths(f64Dense) {
			for _, off := range kerneltest.Offsets {
				// Ordinary values (fast path), values whose squares
				// overflow, and values whose squares underflow.
				for _, scale := range []float64{1, 1e300, 1e-300, 1e-160} {
					name := fmt.Sprintf("n=%d off=%d scale=%g", n, off, scale)
					x := f64Guard(f64Rand(rng, n, scale, false), off)
					f64CheckNorm(t, name, x.S(), L2Norm64(x.S()))
					x.Check(t, name)
				}
			}
		}
		big := []float64{math.MaxFloat64, math.MaxFloat64 / 2, 3}
		f64CheckNorm(t, "near MaxFloat64", big, L2Norm64(big))
		for _, c := range []struct {
			x    []float64
			want float64
		}{
			{nil, 0},
			{make([]float64, 37), 0},
			{[]float64{3, 4}, 5},
			{[]float64{0, -math.SmallestNonzeroFloat64}, math.SmallestNonzeroFloat64},
			{[]float64{1, math.NaN(), 2}, math.NaN()},
			{[]float64{1, math.NaN(), math.Inf(-1), 2}, math.NaN()},
			{[]float64{1, math.Inf(-1), 2}, math.Inf(1)},
			{[]float64{math.MaxFloat64, math.MaxFloat64}, math.Inf(1)},
		} {
			if got := L2Norm64(c.x); !kerneltest.Same64(got, c.want) {
				t.Errorf("L2Norm64(%v) = %v, want %v", c.x, got, c.want)
			}
		}
	})
}

func TestF64LengthMismatch(t *testing.T) {
	for name, f := range map[string]func(){
		"Dot64":     func() { Dot64(make([]float64, 3), make([]float64, 4)) },
		"Axpy64":    func() { Axpy64(1, make([]float64, 5), make([]float64, 4)) },
		"ScaleTo64": func() { ScaleTo64(make([]float64, 2), 1, make([]float64, 4)) },
	} {
		func() {
			defer func() {
				msg, _ := recover().(string)
				if len(msg) < 8 || msg[:8] != "trueno: " {
					t.Errorf("%s: panic %q, want a trueno: length mismatch", name, msg)
				}
			}()
			f()
		}()
	}
}

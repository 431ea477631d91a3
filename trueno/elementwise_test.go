package trueno

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/batuta-go/stack/internal/kerneltest"
)

// ewCase is one element-wise kernel under test: its exported entry point,
// its reference, and the per-element rule its doc comment states, written
// independently of both (in float64 where that rounds the same way: one
// float64 operation on float32 inputs, rounded to float32, is the correctly
// rounded float32 operation).
type ewCase struct {
	name    string
	ins     int // slice inputs, x and maybe y
	inPlace int // 0: dst is its own slice; 1: dst is x (Scale); 2: dst is y (Axpy)
	// params are the scalar parameter sets to try, nil for none.
	params  [][]float32
	call    func(dst, x, y []float32, p []float32) // the exported function
	generic func(dst, x, y []float32, p []float32) // the reference
	elem    func(x, y float32, p []float32) float32
}

func f64(v float32) float64 { return float64(v) }

var negZero32 = float32(math.Copysign(0, -1))

var (
	inf32 = float32(math.Inf(1))
	nan32 = float32(math.NaN())
	// scalars for scale, add-constant and axpy
	ewScalars = [][]float32{{2.5}, {-0.75}, {1}, {0}, {negZero32}, {1e-30}, {3e38}, {inf32}, {nan32}}
	// bounds for clamp, lo <= hi
	ewBounds = [][]float32{{-1, 1}, {0, inf32}, {-inf32, 0}, {0, 0}, {negZero32, 0}, {0, negZero32}, {-0.5, -0.25}, {2, 2}, {-inf32, inf32}}
	ewAlphas = [][]float32{{0.01}, {0}, {negZero32}, {-0.5}, {1}, {2}, {nan32}}
)

var ewCases = []ewCase{
	{
		name: "AddTo", ins: 2,
		call:    func(d, x, y []float32, _ []float32) { AddTo(d, x, y) },
		generic: func(d, x, y []float32, _ []float32) { addToGeneric(d, x, y) },
		elem:    func(x, y float32, _ []float32) float32 { return float32(f64(x) + f64(y)) },
	},
	{
		name: "SubTo", ins: 2,
		call:    func(d, x, y []float32, _ []float32) { SubTo(d, x, y) },
		generic: func(d, x, y []float32, _ []float32) { subToGeneric(d, x, y) },
		elem:    func(x, y float32, _ []float32) float32 { return float32(f64(x) - f64(y)) },
	},
	{
		name: "MulTo", ins: 2,
		call:    func(d, x, y []float32, _ []float32) { MulTo(d, x, y) },
		generic: func(d, x, y []float32, _ []float32) { mulToGeneric(d, x, y) },
		elem:    func(x, y float32, _ []float32) float32 { return float32(f64(x) * f64(y)) },
	},
	{
		name: "DivTo", ins: 2,
		call:    func(d, x, y []float32, _ []float32) { DivTo(d, x, y) },
		generic: func(d, x, y []float32, _ []float32) { divToGeneric(d, x, y) },
		elem:    func(x, y float32, _ []float32) float32 { return float32(f64(x) / f64(y)) },
	},
	{
		name: "Scale", ins: 1, inPlace: 1, params: ewScalars,
		call:    func(d, x, y []float32, p []float32) { Scale(p[0], d) },
		generic: func(d, x, y []float32, p []float32) { scaleToGeneric(d, p[0], x) },
		elem:    func(x, y float32, p []float32) float32 { return float32(f64(p[0]) * f64(x)) },
	},
	{
		name: "ScaleTo", ins: 1, params: ewScalars,
		call:    func(d, x, y []float32, p []float32) { ScaleTo(d, p[0], x) },
		generic: func(d, x, y []float32, p []float32) { scaleToGeneric(d, p[0], x) },
		elem:    func(x, y float32, p []float32) float32 { return float32(f64(p[0]) * f64(x)) },
	},
	{
		name: "AddConstTo", ins: 1, params: ewScalars,
		call:    func(d, x, y []float32, p []float32) { AddConstTo(d, p[0], x) },
		generic: func(d, x, y []float32, p []float32) { addConstToGeneric(d, p[0], x) },
		elem:    func(x, y float32, p []float32) float32 { return float32(f64(x) + f64(p[0])) },
	},
	{
		name: "Axpy", ins: 2, inPlace: 2, params: ewScalars,
		call:    func(d, x, y []float32, p []float32) { Axpy(p[0], x, d) },
		generic: func(d, x, y []float32, p []float32) { axpyToGeneric(d, p[0], x, y) },
		elem: func(x, y float32, p []float32) float32 {
			return float32(f64(float32(f64(p[0])*f64(x))) + f64(y))
		},
	},
	{
		name: "AxpyTo", ins: 2, params: ewScalars,
		call:    func(d, x, y []float32, p []float32) { AxpyTo(d, p[0], x, y) },
		generic: func(d, x, y []float32, p []float32) { axpyToGeneric(d, p[0], x, y) },
		elem: func(x, y float32, p []float32) float32 {
			return float32(f64(float32(f64(p[0])*f64(x))) + f64(y))
		},
	},
	{
		name: "AbsTo", ins: 1,
		call:    func(d, x, y []float32, _ []float32) { AbsTo(d, x) },
		generic: func(d, x, y []float32, _ []float32) { absToGeneric(d, x) },
		elem:    func(x, y float32, _ []float32) float32 { return float32(math.Abs(f64(x))) },
	},
	{
		name: "NegTo", ins: 1,
		call:    func(d, x, y []float32, _ []float32) { NegTo(d, x) },
		generic: func(d, x, y []float32, _ []float32) { negToGeneric(d, x) },
		elem:    func(x, y float32, _ []float32) float32 { return -x },
	},
	{
		name: "ClampTo", ins: 1, params: ewBounds,
		call:    func(d, x, y []float32, p []float32) { ClampTo(d, x, p[0], p[1]) },
		generic: func(d, x, y []float32, p []float32) { clampToGeneric(d, x, p[0], p[1]) },
		elem: func(x, y float32, p []float32) float32 {
			switch {
			case x < p[0]:
				return p[0]
			case x > p[1]:
				return p[1]
			}
			return x
		},
	},
	{
		name: "SqrtTo", ins: 1,
		call:    func(d, x, y []float32, _ []float32) { SqrtTo(d, x) },
		generic: func(d, x, y []float32, _ []float32) { sqrtToGeneric(d, x) },
		elem:    func(x, y float32, _ []float32) float32 { return float32(math.Sqrt(f64(x))) },
	},
	{
		name: "RecipTo", ins: 1,
		call:    func(d, x, y []float32, _ []float32) { RecipTo(d, x) },
		generic: func(d, x, y []float32, _ []float32) { recipToGeneric(d, x) },
		elem:    func(x, y float32, _ []float32) float32 { return float32(1 / f64(x)) },
	},
	{
		name: "ReLUTo", ins: 1,
		call:    func(d, x, y []float32, _ []float32) { ReLUTo(d, x) },
		generic: func(d, x, y []float32, _ []float32) { reluToGeneric(d, x) },
		elem: func(x, y float32, _ []float32) float32 {
			if x < 0 {
				return 0
			}
			return x
		},
	},
	{
		name: "LeakyReLUTo", ins: 1, params: ewAlphas,
		call:    func(d, x, y []float32, p []float32) { LeakyReLUTo(d, x, p[0]) },
		generic: func(d, x, y []float32, p []float32) { leakyReLUToGeneric(d, x, p[0]) },
		elem: func(x, y float32, p []float32) float32 {
			if x > 0 {
				return x
			}
			return float32(f64(p[0]) * f64(x))
		},
	},
}

// paramSets returns the parameter sets of c, or one empty set.
func (c ewCase) paramSets() [][]float32 {
	if c.params == nil {
		return [][]float32{nil}
	}
	return c.params
}

// aliases are the ways dst may share storage with an input.
func (c ewCase) aliases() []int {
	switch {
	case c.inPlace != 0:
		return []int{c.inPlace}
	case c.ins == 2:
		return []int{0, 1, 2}
	}
	return []int{0, 1}
}

// ewDense is the length up to which every length is tried: four times the
// AVX-512 block of 4 unrolled 16-lane vectors.
const ewDense = 4 * 16 * 4

// checkCase runs c once on fresh guarded slices of length n and compares
// with c.elem, bit for bit.
func checkCase(t *testing.T, c ewCase, n, k, alias int, p []float32, rng *rand.Rand) {
	t.Helper()
	offs := kerneltest.Offsets
	xv := kerneltest.Rand32(rng, n, 3, true)
	yv := kerneltest.Rand32(rng, n, 3, true)
	gx := kerneltest.NewGuarded(n, offs[k%len(offs)], func(i int) float32 { return xv[i] })
	gy := kerneltest.NewGuarded(n, offs[(k+1)%len(offs)], func(i int) float32 { return yv[i] })
	gd := kerneltest.NewGuarded(n, offs[(k+2)%len(offs)], func(int) float32 { return 12345 })
	x, y, dst := gx.S(), gy.S(), gd.S()
	switch alias {
	case 1:
		dst = x
	case 2:
		dst = y
	}
	c.call(dst, x, y, p)
	where := fmt.Sprintf("%s n=%d off=%d alias=%d p=%v", c.name, n, offs[k%len(offs)], alias, p)
	gx.Check(t, where+" x")
	gy.Check(t, where+" y")
	gd.Check(t, where+" dst")
	for i := range n {
		want := c.elem(xv[i], yv[i], p)
		if !kerneltest.Same32(dst[i], want) {
			t.Fatalf("%s: [%d] f(%v, %v) = %v (%#08x), want %v (%#08x)", where, i,
				xv[i], yv[i], dst[i], math.Float32bits(dst[i]), want, math.Float32bits(want))
		}
	}
}

func TestElementwise(t *testing.T) {
	lengths := kerneltest.SweepLengths(ewDense)
	forEachISA(t, func(t *testing.T) {
		for _, c := range ewCases {
			t.Run(c.name, func(t *testing.T) {
				rng := rand.New(rand.NewPCG(1, uint64(len(c.name))))
				ps := c.paramSets()
				for li, n := range lengths {
					for k := range kerneltest.Offsets {
						for _, alias := range c.aliases() {
							// Every parameter set on the short lengths;
							// one, in turn, on the long ones.
							if n <= 2*ewDense/4 {
								for _, p := range ps {
									checkCase(t, c, n, k, alias, p, rng)
								}
							} else {
								checkCase(t, c, n, k, alias, ps[(li+k+alias)%len(ps)], rng)
							}
						}
					}
				}
			})
		}
	})
}

// TestElementwiseSpecials crosses every special value with every other
// (as x and y, and as the scalar parameter).
func TestElementwiseSpecials(t *testing.T) {
	sp := kerneltest.Specials32
	var xs, ys []float32
	for _, a := range sp {
		for _, b := range sp {
			xs, ys = append(xs, a), append(ys, b)
		}
	}
	forEachISA(t, func(t *testing.T) {
		for _, c := range ewCases {
			params := c.paramSets()
			if len(c.params) > 0 && len(c.params[0]) == 1 {
				params = nil
				for _, s := range sp {
					params = append(params, []float32{s})
				}
			}
			if c.name == "ClampTo" {
				for _, lo := range sp {
					for _, hi := range sp {
						if lo <= hi {
							params = append(params, []float32{lo, hi})
						}
					}
				}
			}
			for _, p := range params {
				x := append([]float32(nil), xs...)
				y := append([]float32(nil), ys...)
				dst := make([]float32, len(x))
				switch c.inPlace {
				case 1:
					dst = x
				case 2:
					dst = y
				}
				c.call(dst, x, y, p)
				for i := range dst {
					want := c.elem(xs[i], ys[i], p)
					if !kerneltest.Same32(dst[i], want) {
						t.Fatalf("%s p=%v: f(%v, %v) = %v (%#08x), want %v (%#08x)", c.name, p,
							xs[i], ys[i], dst[i], math.Float32bits(dst[i]), want, math.Float32bits(want))
					}
				}
			}
		}
	})
}

// TestElementwiseZeros pins the documented sign of zero results.
func TestElementwiseZeros(t *testing.T) {
	forEachISA(t, func(t *testing.T) {
		x := make([]float32, 37) // a masked tail on every path
		for i := range x {
			x[i] = negZero32
		}
		dst := make([]float32, len(x))
		bits := func(name string, want uint32) {
			t.Helper()
			for i, v := range dst {
				if math.Float32bits(v) != want {
					t.Fatalf("%s(-0)[%d] = %#08x, want %#08x", name, i, math.Float32bits(v), want)
				}
			}
		}
		ReLUTo(dst, x)
		bits("ReLUTo", signBit32)
		AbsTo(dst, x)
		bits("AbsTo", 0)
		NegTo(dst, x)
		bits("NegTo", 0)
		ClampTo(dst, x, 0, 1)
		bits("ClampTo", signBit32)
		LeakyReLUTo(dst, x, 0.1)
		bits("LeakyReLUTo", signBit32)
		LeakyReLUTo(dst, x, -0.1)
		bits("LeakyReLUTo", 0)
	})
}

func TestElementwisePanics(t *testing.T) {
	a, b := make([]float32, 3), make([]float32, 4)
	for _, tc := range []struct {
		name string
		f    func()
		want []string
	}{
		{"AddTo", func() { AddTo(a, a, b) }, []string{"3", "4"}},
		{"SubTo", func() { SubTo(a, b, a) }, []string{"3", "4"}},
		{"MulTo", func() { MulTo(b, a, a) }, []string{"3", "4"}},
		{"DivTo", func() { DivTo(a, a, b) }, []string{"3", "4"}},
		{"ScaleTo", func() { ScaleTo(a, 2, b) }, []string{"3", "4"}},
		{"AddConstTo", func() { AddConstTo(a, 2, b) }, []string{"3", "4"}},
		{"Axpy", func() { Axpy(2, a, b) }, []string{"3", "4"}},
		{"AxpyTo", func() { AxpyTo(a, 2, a, b) }, []string{"3", "4"}},
		{"AbsTo", func() { AbsTo(a, b) }, []string{"3", "4"}},
		{"NegTo", func() { NegTo(a, b) }, []string{"3", "4"}},
		{"ClampTo", func() { ClampTo(a, b, 0, 1) }, []string{"3", "4"}},
		{"SqrtTo", func() { SqrtTo(a, b) }, []string{"3", "4"}},
		{"RecipTo", func() { RecipTo(a, b) }, []string{"3", "4"}},
		{"ReLUTo", func() { ReLUTo(a, b) }, []string{"3", "4"}},
		{"LeakyReLUTo", func() { LeakyReLUTo(a, b, 0.1) }, []string{"3", "4"}},
		{"ClampTo", func() { ClampTo(a, a, 1, 0) }, []string{"invalid bounds"}},
		{"ClampTo", func() { ClampTo(a, a, nan32, 0) }, []string{"invalid bounds"}},
		{"ClampTo", func() { ClampTo(a, a, 0, nan32) }, []string{"invalid bounds"}},
	} {
		msg := func() (msg string) {
			defer func() { msg = fmt.Sprint(recover()) }()
			tc.f()
			return "no panic"
		}()
		if !strings.HasPrefix(msg, "trueno: "+tc.name+": ") {
			t.Errorf("%s: panic %q, want prefix %q", tc.name, msg, "trueno: "+tc.name+": ")
		}
		for _, w := range tc.want {
			if !strings.Contains(msg, w) {
				t.Errorf("%s: panic %q does not mention %q", tc.name, msg, w)
			}
		}
	}
}

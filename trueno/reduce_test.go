package trueno

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/batuta-go/stack/internal/kerneltest"
)

// reduceDense covers every length up to 4 × 16 lanes × the unroll of 8
// vectors of the summing kernels, so every combination of main loop,
// single-vector loop and tail is met.
const reduceDense = 4 * 16 * 8

func reduceLengths(t *testing.T) []int {
	return kerneltest.SweepLengths(reduceDense)
}

// reduceSumCase is one summing kernel: f computes it on (x, y) (y ignored
// by the unary ones) and ref its exact value in float64 together with the
// error bound the kernel must meet.
type reduceSumCase struct {
	name   string
	binary bool
	f      func(x, y []float32) float32
	ref    func(x, y []float32) (want, bound float64)
	// exact marks kernels that must be exact on small integer data, and
	// lim the magnitude of that data (keeping every partial sum below 2²⁴).
	exact bool
	lim   int
}

// reduceSumBound is the bound of an n-term float32 sum of terms whose
// absolute values add up to abs: γn·abs, plus n halves of the smallest
// subnormal for products that underflow, plus one float32 ULP of the
// result for its final rounding, plus the float64 reference's own error.
func reduceSumBound(n int, want, abs float64) float64 {
	ulp := math.Abs(want) * 0x1p-23
	return kerneltest.Gamma32(n)*abs + float64(n)*0x1p-150 + ulp + kerneltest.Gamma64(n)*abs
}

func reduceRefDot(x, y []float32) (sum, abs float64) {
	for i := range x {
		t := float64(x[i]) * float64(y[i])
		sum += t
		abs += math.Abs(t)
	}
	return sum, abs
}

func reduceRefSumOf(x []float32, f func(float64) float64) (sum, abs float64) {
	for _, v := range x {
		t := f(float64(v))
		sum += t
		abs += math.Abs(t)
	}
	return sum, abs
}

func reduceSumCases() []reduceSumCase {
	id := func(v float64) float64 { return v }
	return []reduceSumCase{
		{name: "Sum", f: func(x, _ []float32) float32 { return Sum(x) }, exact: true, lim: 200,
			ref: func(x, _ []float32) (float64, float64) {
				s, a := reduceRefSumOf(x, id)
				return s, reduceSumBound(len(x), s, a)
			}},
		{name: "Dot", binary: true, f: func(x, y []float32) float32 { return Dot(x, y) }, exact: true, lim: 15,
			ref: func(x, y []float32) (float64, float64) {
				s, a := reduceRefDot(x, y)
				return s, reduceSumBound(len(x), s, a)
			}},
		{name: "L1Norm", f: func(x, _ []float32) float32 { return L1Norm(x) }, exact: true, lim: 200,
			ref: func(x, _ []float32) (float64, float64) {
				s, a := reduceRefSumOf(x, math.Abs)
				return s, reduceSumBound(len(x), s, a)
			}},
		{name: "sumSq", f: func(x, _ []float32) float32 { return sumSq(x) }, exact: true, lim: 15,
			ref: func(x, _ []float32) (float64, float64) {
				s, a := reduceRefSumOf(x, func(v float64) float64 { return v * v })
				return s, reduceSumBound(len(x), s, a)
			}},
		{name: "sumSqScaled", f: func(x, _ []float32) float32 { return sumSqScaled(x, 0.25) }, exact: true, lim: 15,
			ref: func(x, _ []float32) (float64, float64) {
				s, a := reduceRefSumOf(x, func(v float64) float64 { return v * v / 16 })
				return s, reduceSumBound(len(x), s, a)
			}},
		{name: "sumSqDev", f: func(x, _ []float32) float32 { return sumSqDev(x, 3) }, exact: true, lim: 12,
			ref: func(x, _ []float32) (float64, float64) {
				s, a := reduceRefSumOf(x, func(v float64) float64 { return (v - 3) * (v - 3) })
				// Each difference is rounded once more than a plain sum term.
				return s, reduceSumBound(len(x)+1, s, a)
			}},
		{name: "L2Norm", f: func(x, _ []float32) float32 { return L2Norm(x) },
			ref: func(x, _ []float32) (float64, float64) {
				s, _ := reduceRefSumOf(x, func(v float64) float64 { return v * v })
				w := math.Sqrt(s)
				// √(S(1+δ)) = √S(1+δ/2+...): half the sum's relative
				// error, plus the rounding of the root.
				return w, w*(kerneltest.Gamma32(len(x)+2)/2+0x1p-23) + 0x1p-149
			}},
		{name: "Mean", f: func(x, _ []float32) float32 { return Mean(x) },
			ref: func(x, _ []float32) (float64, float64) {
				s, a := reduceRefSumOf(x, id)
				n := float64(len(x))
				if len(x) == 0 {
					return math.NaN(), 0
				}
				w := s / n
				return w, reduceSumBound(len(x), s, a)/n + math.Abs(w)*0x1p-23
			}},
		{name: "Variance", f: func(x, _ []float32) float32 { return Variance(x) },
			ref: func(x, _ []float32) (float64, float64) {
				if len(x) == 0 {
					return math.NaN(), 0
				}
				n := float64(len(x))
				s, a := reduceRefSumOf(x, func(v float64) float64 { return v })
				mu := s / n
				// The computed mean's error e shifts the sum of squared
				// deviations by n·e² and every deviation by e.
				e := reduceSumBound(len(x), s, a)/n + math.Abs(mu)*0x1p-23
				var ss, dev float64
				for _, v := range x {
					d := float64(v) - mu
					ss += d * d
					dev += (math.Abs(d) + e) * (math.Abs(d) + e)
				}
				w := ss / n
				return w, kerneltest.Gamma32(len(x)+3)*dev/n + e*e + w*0x1p-23 + 0x1p-149
			}},
	}
}

// reduceCheckClose fails unless got is within bound of want, treating NaN
// and infinities exactly.
func reduceCheckClose(t *testing.T, what string, got float32, want, bound float64) {
	t.Helper()
	switch {
	case math.IsNaN(want):
		if got == got {
			t.Fatalf("%s = %v, want NaN", what, got)
		}
	case math.IsInf(want, 0):
		if float64(got) != want {
			t.Fatalf("%s = %v, want %v", what, got, want)
		}
	default:
		g := float64(got)
		if math.IsInf(g, 0) && math.Abs(want) >= math.MaxFloat32 && (g > 0) == (want > 0) {
			return // overflowed, as it must
		}
		if !(math.Abs(g-want) <= bound) {
			t.Fatalf("%s = %v, want %v within %g (off by %g)", what, got, want, bound, math.Abs(g-want))
		}
	}
}

func TestReduceSumKernels(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	lens := reduceLengths(t)
	maxN := lens[len(lens)-1]
	randX := kerneltest.Rand32(rng, maxN, 1, false)
	randY := kerneltest.Rand32(rng, maxN, 1, false)
	// Data with a large common offset: Variance's cancellation case.
	shifted := make([]float32, maxN)
	for i := range shifted {
		shifted[i] = 1000 + randX[i]
	}
	for _, c := range reduceSumCases() {
		t.Run(c.name, func(t *testing.T) {
			intX := kerneltest.Ints32(rng, maxN, c.lim)
			intY := kerneltest.Ints32(rng, maxN, c.lim)
			forEachISA(t, func(t *testing.T) {
				for _, n := range lens {
					for _, off := range kerneltest.Offsets {
						type data struct {
							name string
							x, y []float32
						}
						sets := []data{{"rand", randX, randY}, {"shifted", shifted, randY}}
						if c.exact {
							sets = append(sets, data{"int", intX, intY})
						}
						for _, d := range sets {
							gx := kerneltest.NewGuarded(n, off, func(i int) float32 { return d.x[i] })
							gy := kerneltest.NewGuarded(n, (off+1)%4, func(i int) float32 { return d.y[i] })
							got := c.f(gx.S(), gy.S())
							gx.Check(t, c.name+" x")
							gy.Check(t, c.name+" y")
							what := fmt.Sprintf("%s(%s n=%d off=%d)", c.name, d.name, n, off)
							want, bound := c.ref(gx.S(), gy.S())
							if d.name == "int" {
								if float64(got) != want {
									t.Fatalf("%s = %v, want exactly %v", what, got, want)
								}
								continue
							}
							reduceCheckClose(t, what, got, want, bound)
						}
					}
				}
			})
		})
	}
}

// reduceSelectData returns the inputs of the selecting kernels: normal
// values, values with specials, many ties (small integers with both signs
// of zero), specials only, and signed zeros only.
func reduceSelectData(rng *rand.Rand, n int) map[string][]float32 {
	negZero := float32(math.Copysign(0, -1))
	ties := kerneltest.Ints32(rng, n, 3)
	zeros := make([]float32, n)
	specials := make([]float32, n)
	for i := range ties {
		if ties[i] == 0 && rng.IntN(2) == 0 {
			ties[i] = negZero
		}
		if rng.IntN(2) == 0 {
			zeros[i] = negZero
		}
		for {
			specials[i] = kerneltest.Specials32[rng.IntN(len(kerneltest.Specials32))]
			if specials[i] == specials[i] {
				break
			}
		}
	}
	return map[string][]float32{
		"rand":     kerneltest.Rand32(rng, n, 1, false),
		"mixed":    kerneltest.Rand32(rng, n, 100, true),
		"ties":     ties,
		"specials": specials,
		"zeros":    zeros,
	}
}

// reduceSelectCases are the selecting kernels next to their references.
var reduceSelectCases = []struct {
	name      string
	f, ref    func(x []float32) float32
	idx, ref2 func(x []float32) int
}{
	{name: "Min", f: Min, ref: minimumGeneric},
	{name: "Max", f: Max, ref: maximumGeneric},
	{name: "LInfNorm", f: LInfNorm, ref: absMaxGeneric},
	{name: "Argmin", idx: Argmin, ref2: argminGeneric},
	{name: "Argmax", idx: Argmax, ref2: argmaxGeneric},
}

// reduceCheckSelect runs every selecting kernel on x and compares it with
// the reference exactly: the same bits, the same index.
func reduceCheckSelect(t *testing.T, what string, x []float32) {
	t.Helper()
	for _, c := range reduceSelectCases {
		if len(x) == 0 && c.name != "LInfNorm" {
			continue
		}
		if c.f != nil {
			got, want := c.f(x), c.ref(x)
			if math.Float32bits(got) != math.Float32bits(want) && !(got != got && want != want) {
				t.Fatalf("%s(%s) = %v (%#08x), want %v (%#08x)", c.name, what, got, math.Float32bits(got), want, math.Float32bits(want))
			}
			continue
		}
		if got, want := c.idx(x), c.ref2(x); got != want {
			t.Fatalf("%s(%s) = %d, want %d", c.name, what, got, want)
		}
	}
}

func TestReduceSelectKernels(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	lens := reduceLengths(t)
	sets := reduceSelectData(rng, lens[len(lens)-1])
	forEachISA(t, func(t *testing.T) {
		for _, n := range lens {
			for _, off := range kerneltest.Offsets {
				for name, d := range sets {
					g := kerneltest.NewGuarded(n, off, func(i int) float32 { return d[i] })
					reduceCheckSelect(t, fmt.Sprintf("%s n=%d off=%d", name, n, off), g.S())
					g.Check(t, name)
				}
			}
		}
	})
}

// TestReduceSelectPositions moves the deciding element through every
// position of every short length, so that each lane, each accumulator of
// the unrolled loop and each tail element once holds it.
func TestReduceSelectPositions(t *testing.T) {
	nan := float32(math.NaN())
	negZero := float32(math.Copysign(0, -1))
	maxN := 2*16*4 + 17
	if testing.Short() {
		maxN = 70
	}
	forEachISA(t, func(t *testing.T) {
		for n := 1; n <= maxN; n++ {
			g := kerneltest.NewGuarded[float32](n, 1, nil)
			x := g.S()
			fill := func(v float32) {
				for i := range x {
					x[i] = v
				}
			}
			for p := 0; p < n; p++ {
				// A unique extreme at p; then a tie at p and the end.
				for i := range x {
					x[i] = float32(i%7) - 3
				}
				x[p] = 10
				reduceCheckSelect(t, fmt.Sprintf("max at %d of %d", p, n), x)
				x[p] = -10
				reduceCheckSelect(t, fmt.Sprintf("min at %d of %d", p, n), x)
				x[n-1] = -10
				reduceCheckSelect(t, fmt.Sprintf("min at %d and %d of %d", p, n-1, n), x)
				// A NaN at p, then another one later.
				x[p] = nan
				reduceCheckSelect(t, fmt.Sprintf("NaN at %d of %d", p, n), x)
				x[n-1] = nan
				reduceCheckSelect(t, fmt.Sprintf("NaN at %d and %d of %d", p, n-1, n), x)
				// Signed zeros: one +0 among −0, one −0 among +0.
				fill(negZero)
				x[p] = 0
				reduceCheckSelect(t, fmt.Sprintf("+0 at %d among -0, n=%d", p, n), x)
				fill(0)
				x[p] = negZero
				reduceCheckSelect(t, fmt.Sprintf("-0 at %d among +0, n=%d", p, n), x)
				// Infinities at p.
				fill(1)
				x[p] = float32(math.Inf(-1))
				reduceCheckSelect(t, fmt.Sprintf("-Inf at %d of %d", p, n), x)
				x[p] = float32(math.Inf(1))
				reduceCheckSelect(t, fmt.Sprintf("+Inf at %d of %d", p, n), x)
			}
			g.Check(t, "x")
		}
	})
}

// TestReduceSelectGeneric checks the references themselves against their
// definitions written another way: Min and Max through a sort-free
// two-step rule, Argmin and Argmax as "first NaN, else first index equal
// to the extreme".
func TestReduceSelectGeneric(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for trial := 0; trial < 2000; trial++ {
		n := 1 + rng.IntN(40)
		var x []float32
		for _, d := range reduceSelectData(rng, n) {
			x = d
			if rng.IntN(3) == 0 {
				break
			}
		}
		if rng.IntN(4) == 0 {
			x[rng.IntN(n)] = float32(math.NaN())
		}
		hasNaN := slicesContainNaN(x)
		// Min: NaN if any; else the least value, −0 when the least is a
		// zero and some zero is −0.
		lo, hi := x[0], x[0]
		for _, v := range x {
			if v < lo {
				lo = v
			}
			if v > hi {
				hi = v
			}
		}
		var negZ, posZ bool
		for _, v := range x {
			if v == 0 {
				negZ = negZ || math.Signbit(float64(v))
				posZ = posZ || !math.Signbit(float64(v))
			}
		}
		if lo == 0 {
			lo = 0
			if negZ {
				lo = float32(math.Copysign(0, -1))
			}
		}
		if hi == 0 {
			hi = float32(math.Copysign(0, -1))
			if posZ {
				hi = 0
			}
		}
		wantArgmin, wantArgmax := -1, -1
		for i, v := range x {
			if hasNaN {
				if v != v {
					wantArgmin, wantArgmax = i, i
					break
				}
				continue
			}
			if wantArgmin < 0 && v == lo {
				wantArgmin = i
			}
			if wantArgmax < 0 && v == hi {
				wantArgmax = i
			}
		}
		var linf float32
		for _, v := range x {
			linf = float32(math.Max(float64(linf), math.Abs(float64(v))))
		}
		if hasNaN {
			lo, hi, linf = float32(math.NaN()), float32(math.NaN()), float32(math.NaN())
		}
		for _, c := range []struct {
			name      string
			got, want float32
		}{{"min", minimumGeneric(x), lo}, {"max", maximumGeneric(x), hi}, {"absMax", absMaxGeneric(x), linf}} {
			if !kerneltest.Same32(c.got, c.want) {
				t.Fatalf("%sGeneric(%v) = %v, want %v", c.name, x, c.got, c.want)
			}
		}
		if got := argminGeneric(x); got != wantArgmin {
			t.Fatalf("argminGeneric(%v) = %d, want %d", x, got, wantArgmin)
		}
		if got := argmaxGeneric(x); got != wantArgmax {
			t.Fatalf("argmaxGeneric(%v) = %d, want %d", x, got, wantArgmax)
		}
	}
}

func slicesContainNaN(x []float32) bool { return reduceFirstNaN(x) >= 0 }

// TestReduceSpecials pins the documented special cases on every path.
func TestReduceSpecials(t *testing.T) {
	inf, nan := float32(math.Inf(1)), float32(math.NaN())
	nz := float32(math.Copysign(0, -1))
	f := func(v ...float32) []float32 { return v }
	forEachISA(t, func(t *testing.T) {
		for _, c := range []struct {
			name      string
			got, want float32
		}{
			{"Max(-0,+0)", Max(f(nz, 0)), 0},
			{"Max(+0,-0)", Max(f(0, nz)), 0},
			{"Max(-0,-0)", Max(f(nz, nz)), nz},
			{"Min(+0,-0)", Min(f(0, nz)), nz},
			{"Min(-0,+0)", Min(f(nz, 0)), nz},
			{"Min(+0,+0)", Min(f(0, 0)), 0},
			{"Max(1,NaN,2)", Max(f(1, nan, 2)), nan},
			{"Min(1,NaN,2)", Min(f(1, nan, 2)), nan},
			{"Max(-Inf)", Max(f(-inf)), -inf},
			{"Min(+Inf,1)", Min(f(inf, 1)), 1},
			{"LInfNorm()", LInfNorm(nil), 0},
			{"LInfNorm(-0)", LInfNorm(f(nz)), 0},
			{"LInfNorm(-3,2)", LInfNorm(f(-3, 2)), 3},
			{"LInfNorm(-Inf,NaN)", LInfNorm(f(-inf, nan)), nan},
			{"Sum()", Sum(nil), 0},
			{"Sum(Inf,-Inf)", Sum(f(inf, -inf)), nan},
			{"Sum(Inf,1)", Sum(f(inf, 1)), inf},
			{"Dot()", Dot(nil, nil), 0},
			{"Dot(Inf·0)", Dot(f(inf), f(0)), nan},
			{"L1Norm()", L1Norm(nil), 0},
			{"L1Norm(-Inf,1)", L1Norm(f(-inf, 1)), inf},
			{"L2Norm()", L2Norm(nil), 0},
			{"L2Norm(0,-0)", L2Norm(f(0, nz)), 0},
			{"L2Norm(3,4)", L2Norm(f(3, 4)), 5},
			{"L2Norm(3e30,4e30)", L2Norm(f(3e30, 4e30)), 5e30},
			{"L2Norm(3e-30,4e-30)", L2Norm(f(3e-30, 4e-30)), 5e-30},
			{"L2Norm(3e-40,-4e-40)", L2Norm(f(3e-40, -4e-40)), 5e-40},
			{"L2Norm(3e38,3e38)", L2Norm(f(3e38, 3e38)), inf},
			{"L2Norm(smallest)", L2Norm(f(math.SmallestNonzeroFloat32)), math.SmallestNonzeroFloat32},
			{"L2Norm(-Inf,1)", L2Norm(f(-inf, 1)), inf},
			{"L2Norm(Inf,NaN)", L2Norm(f(inf, nan)), nan},
			{"Mean()", Mean(nil), nan},
			{"Mean(1,2)", Mean(f(1, 2)), 1.5},
			{"Mean(3e38,3e38)", Mean(f(3e38, 3e38)), 3e38},
			{"Mean(Inf,-Inf)", Mean(f(inf, -inf)), nan},
			{"Mean(-Inf,1)", Mean(f(-inf, 1)), -inf},
			{"Variance()", Variance(nil), nan},
			{"Variance(1,2,3,4)", Variance(f(1, 2, 3, 4)), 1.25},
			{"Variance(7)", Variance(f(7)), 0},
			{"Variance(Inf,1)", Variance(f(inf, 1)), nan},
			{"Variance(±2⁶³ twice)", Variance(f(0x1p63, -0x1p63, 0x1p63, -0x1p63)), 0x1p126},
			{"Variance(3e38,-3e38)", Variance(f(3e38, -3e38)), inf},
		} {
			if math.Float32bits(c.got) != math.Float32bits(c.want) && !(c.got != c.got && c.want != c.want) {
				t.Errorf("%s = %v, want %v", c.name, c.got, c.want)
			}
		}
		for _, c := range []struct {
			name      string
			got, want int
		}{
			{"Argmax(0,-0)", Argmax(f(0, nz)), 0},
			{"Argmax(-0,0)", Argmax(f(nz, 0)), 0},
			{"Argmin(0,-0)", Argmin(f(0, nz)), 0},
			{"Argmin(3,1,1)", Argmin(f(3, 1, 1)), 1},
			{"Argmax(1,NaN,2,NaN)", Argmax(f(1, nan, 2, nan)), 1},
			{"Argmin(NaN)", Argmin(f(nan)), 0},
			{"Argmin(2,-Inf,-Inf)", Argmin(f(2, -inf, -inf)), 1},
		} {
			if c.got != c.want {
				t.Errorf("%s = %d, want %d", c.name, c.got, c.want)
			}
		}
	})
}

func TestReducePanics(t *testing.T) {
	for _, c := range []struct {
		name string
		f    func()
	}{
		{"Min", func() { Min(nil) }},
		{"Max", func() { Max([]float32{}) }},
		{"Argmin", func() { Argmin(nil) }},
		{"Argmax", func() { Argmax(nil) }},
		{"Dot", func() { Dot(make([]float32, 2), make([]float32, 3)) }},
	} {
		func() {
			defer func() {
				msg, _ := recover().(string)
				if len(msg) < 8 || msg[:8] != "trueno: " {
					t.Errorf("%s: panic %q, want a \"trueno: \" panic", c.name, msg)
				}
			}()
			c.f()
		}()
	}
}

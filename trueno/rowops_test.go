package trueno

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/batuta-go/stack/internal/kerneltest"
)

// rowopsDense is the length up to which every length is tried: four
// unrolled AVX-512 blocks and a tail.
const rowopsDense = 4*16*4 + 17

const rowopsU = 0x1p-24

func rowopsGuard(v []float32, off int) *kerneltest.Guarded[float32] {
	return kerneltest.NewGuarded(len(v), off, func(i int) float32 { return v[i] })
}

// rowopsScalar returns a random scale: usually a normal value, sometimes a
// special one.
func rowopsScalar(rng *rand.Rand) float32 {
	if rng.IntN(4) == 0 {
		return kerneltest.Specials32[rng.IntN(len(kerneltest.Specials32))]
	}
	return float32(rng.NormFloat64())
}

// rowopsApplyCase is one element-wise apply step: the kernel under test
// and the loop its documentation states, written out here again.
type rowopsApplyCase struct {
	name   string
	inputs int // x, then w and/or b
	run    func(dst []float32, in [][]float32, a, b float32)
	want   func(in [][]float32, i int, a, b float32) float32
}

var rowopsApplyCases = []rowopsApplyCase{
	{"rmsNormApply", 2,
		func(dst []float32, in [][]float32, s, _ float32) { rmsNormApply(dst, in[0], in[1], s) },
		func(in [][]float32, i int, s, _ float32) float32 {
			return float32(in[0][i]*s) * in[1][i]
		}},
	{"rmsNormScale", 1,
		func(dst []float32, in [][]float32, s, _ float32) { rmsNormScale(dst, in[0], s) },
		func(in [][]float32, i int, s, _ float32) float32 { return in[0][i] * s }},
	{"layerNormApplyWB", 3,
		func(dst []float32, in [][]float32, m, r float32) { layerNormApplyWB(dst, in[0], in[1], in[2], m, r) },
		func(in [][]float32, i int, m, r float32) float32 {
			t := float32(float32(in[0][i]-m) * r)
			return float32(t*in[1][i]) + in[2][i]
		}},
	{"layerNormApplyW", 2,
		func(dst []float32, in [][]float32, m, r float32) { layerNormApplyW(dst, in[0], in[1], m, r) },
		func(in [][]float32, i int, m, r float32) float32 {
			t := float32(float32(in[0][i]-m) * r)
			return t * in[1][i]
		}},
	{"layerNormApplyB", 2,
		func(dst []float32, in [][]float32, m, r float32) { layerNormApplyB(dst, in[0], in[1], m, r) },
		func(in [][]float32, i int, m, r float32) float32 {
			t := float32(float32(in[0][i]-m) * r)
			return t + in[1][i]
		}},
	{"layerNormApply", 1,
		func(dst []float32, in [][]float32, m, r float32) { layerNormApply(dst, in[0], m, r) },
		func(in [][]float32, i int, m, r float32) float32 {
			return float32(in[0][i]-m) * r
		}},
}

// TestRowOpsApply checks the element-wise steps of RMSNorm and LayerNorm
// bit for bit against their stated loops, on every path, length and
// offset, with special values mixed in, also in place (dst == x).
func TestRowOpsApply(t *testing.T) {
	for _, c := range rowopsApplyCases {
		t.Run(c.name, func(t *testing.T) {
			forEachISA(t, func(t *testing.T) {
				rng := rand.New(rand.NewPCG(7, uint64(c.inputs)))
				for _, n := range kerneltest.SweepLengths(rowopsDense) {
					for _, off := range kerneltest.Offsets {
						name := fmt.Sprintf("n=%d off=%d", n, off)
						a, b := rowopsScalar(rng), rowopsScalar(rng)
						vals := make([][]float32, c.inputs)
						ins := make([]*kerneltest.Guarded[float32], c.inputs)
						in := make([][]float32, c.inputs)
						for j := range ins {
							vals[j] = kerneltest.Rand32(rng, n, 1, true)
							ins[j] = rowopsGuard(vals[j], off)
							in[j] = ins[j].S()
						}
						dst := rowopsGuard(make([]float32, n), off)
						c.run(dst.S(), in, a, b)
						for i, g := range dst.S() {
							if want := c.want(vals, i, a, b); !kerneltest.Same32(g, want) {
								t.Fatalf("%s (%v, %v): [%d] = %v, want %v (inputs %v)", name, a, b, i, g, want, rowopsAt(vals, i))
							}
						}
						dst.Check(t, name+" dst")
						// In place: dst is x.
						c.run(in[0], in, a, b)
						for i, g := range in[0] {
							if want := c.want(vals, i, a, b); !kerneltest.Same32(g, want) {
								t.Fatalf("%s in place: [%d] = %v, want %v", name, i, g, want)
							}
						}
						for j, g := range ins {
							g.Check(t, fmt.Sprintf("%s input %d", name, j))
						}
					}
				}
			})
		})
	}
}

func rowopsAt(vals [][]float32, i int) []float32 {
	out := make([]float32, len(vals))
	for j, v := range vals {
		out[j] = v[i]
	}
	return out
}

// rowopsRMSRef is RMSNorm computed in float64 from the float32 inputs.
func rowopsRMSRef(x, w []float32, eps float32) []float64 {
	var ss float64
	for _, v := range x {
		ss += float64(v) * float64(v)
	}
	s := 1 / math.Sqrt(ss/float64(len(x))+float64(eps))
	out := make([]float64, len(x))
	for i, v := range x {
		out[i] = float64(v) * s
		if w != nil {
			out[i] *= float64(w[i])
		}
	}
	return out
}

// rowopsCheckClose fails unless got[i] is within bound(i) of want[i].
func rowopsCheckClose(t *testing.T, what string, got []float32, want []float64, bound func(i int) float64) {
	t.Helper()
	for i, g := range got {
		if d := math.Abs(float64(g) - want[i]); !(d <= bound(i)) {
			t.Fatalf("%s: [%d] = %v, want %v (error %g > bound %g)", what, i, g, want[i], d, bound(i))
		}
	}
}

func TestRMSNormTo(t *testing.T) {
	forEachISA(t, func(t *testing.T) {
		rng := rand.New(rand.NewPCG(8, 1))
		for _, n := range kerneltest.SweepLengths(rowopsDense) {
			if n == 0 {
				continue
			}
			for _, off := range kerneltest.Offsets {
				for _, scale := range []float64{1, 1e-3, 1e20} {
					name := fmt.Sprintf("n=%d off=%d scale=%g", n, off, scale)
					xv := kerneltest.Rand32(rng, n, scale, false)
					wv := kerneltest.Rand32(rng, n, 1, false)
					const eps = 1e-6
					x, w := rowopsGuard(xv, off), rowopsGuard(wv, off)
					dst := rowopsGuard(make([]float32, n), off)
					RMSNormTo(dst.S(), x.S(), w.S(), eps)
					// The scale's relative error: half that of the
					// float32 sum of squares (γn), plus the roundings of
					// the division, square root and conversion; then two
					// rounded products.
					rel := kerneltest.Gamma32(n+2)/2 + 4*rowopsU
					want := rowopsRMSRef(xv, wv, eps)
					rowopsCheckClose(t, name, dst.S(), want, func(i int) float64 {
						return rel*math.Abs(want[i]) + 0x1p-148
					})
					// Without a weight, in place.
					want = rowopsRMSRef(xv, nil, eps)
					RMSNormTo(x.S(), x.S(), nil, eps)
					rowopsCheckClose(t, name+" nil w in place", x.S(), want, func(i int) float64 {
						return rel*math.Abs(want[i]) + 0x1p-148
					})
					x.Check(t, name+" x")
					w.Check(t, name+" w")
					dst.Check(t, name+" dst")
				}
			}
		}
		// An infinite element: the scale is 0, that element NaN.
		x := []float32{1, float32(math.Inf(1)), -2}
		RMSNormTo(x, x, nil, 1e-5)
		if x[0] != 0 || !math.IsNaN(float64(x[1])) || x[2] != 0 || !math.Signbit(float64(x[2])) {
			t.Errorf("RMSNormTo with +Inf: %v, want [0 NaN -0]", x)
		}
		RMSNormTo(nil, nil, nil, 1e-5)
	})
}

// rowopsLNRef is LayerNorm computed in float64 from the float32 inputs,
// with the float64 mean and standard deviation it used.
func rowopsLNRef(x, w, b []float32, eps float32) (out []float64, mean, rstd float64) {
	for _, v := range x {
		mean += float64(v)
	}
	mean /= float64(len(x))
	var ss float64
	for _, v := range x {
		d := float64(v) - mean
		ss += d * d
	}
	rstd = 1 / math.Sqrt(ss/float64(len(x))+float64(eps))
	out = make([]float64, len(x))
	for i, v := range x {
		out[i] = (float64(v) - mean) * rstd
		if w != nil {
			out[i] *= float64(w[i])
		}
		if b != nil {
			out[i] += float64(b[i])
		}
	}
	return out, mean, rstd
}

func TestLayerNormTo(t *testing.T) {
	forEachISA(t, func(t *testing.T) {
		rng := rand.New(rand.NewPCG(9, 1))
		for _, n := range kerneltest.SweepLengths(rowopsDense) {
			if n == 0 {
				continue
			}
			for _, off := range kerneltest.Offsets {
				const eps = 1e-5
				scale := 2.0
				if n%5 == 4 {
					scale = 1e20 // squared deviations beyond float32
				}
				xv := kerneltest.Rand32(rng, n, scale, false)
				for i := range xv {
					xv[i] += float32(0.375 * scale) // a mean away from zero
				}
				wv := kerneltest.Rand32(rng, n, 1, false)
				bv := kerneltest.Rand32(rng, n, 1, false)
				var absSum float64
				for _, v := range xv {
					absSum += math.Abs(float64(v))
				}
				for _, c := range []struct {
					name string
					w, b []float32
				}{{"wb", wv, bv}, {"w", wv, nil}, {"b", nil, bv}, {"none", nil, nil}} {
					name := fmt.Sprintf("n=%d off=%d %s", n, off, c.name)
					x := rowopsGuard(xv, off)
					var w, b []float32
					var gw, gb *kerneltest.Guarded[float32]
					if c.w != nil {
						gw = rowopsGuard(c.w, off)
						w = gw.S()
					}
					if c.b != nil {
						gb = rowopsGuard(c.b, off)
						b = gb.S()
					}
					dst := rowopsGuard(make([]float32, n), off)
					LayerNormTo(dst.S(), x.S(), w, b, eps)
					want, mean, rstd := rowopsLNRef(xv, c.w, c.b, eps)
					// The float32 mean is off by at most γn·Σ|x|/n plus
					// its rounding; that and the rounding of x−m shift
					// every normalised value; the variance is within
					// γ(n+3) plus the square of the mean's error, so r
					// within half that plus a few roundings; then up to
					// three rounded operations.
					dm := kerneltest.Gamma32(n+1)*absSum/float64(n) + rowopsU*math.Abs(mean)
					rel := kerneltest.Gamma32(n+3)/2 + dm*dm*rstd*rstd + 6*rowopsU
					bound := func(i int) float64 {
						wi, bi := 1.0, 0.0
						if c.w != nil {
							wi = float64(c.w[i])
						}
						if c.b != nil {
							bi = float64(c.b[i])
						}
						d := math.Abs(float64(xv[i]) - mean)
						return math.Abs(wi)*rstd*(dm+rowopsU*d) + rel*math.Abs(want[i]-bi) + 2*rowopsU*math.Abs(want[i]) + 0x1p-140
					}
					rowopsCheckClose(t, name, dst.S(), want, bound)
					LayerNormTo(x.S(), x.S(), w, b, eps)
					rowopsCheckClose(t, name+" in place", x.S(), want, bound)
					x.Check(t, name+" x")
					dst.Check(t, name+" dst")
					if gw != nil {
						gw.Check(t, name+" w")
					}
					if gb != nil {
						gb.Check(t, name+" b")
					}
				}
			}
		}
		// A constant row has zero variance: (x−m)·r is exactly 0.
		x := []float32{3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3}
		LayerNormTo(x, x, nil, []float32{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}, 1e-5)
		for i, v := range x {
			if v != float32(i+1) {
				t.Fatalf("constant row: %v", x)
			}
		}
		x = []float32{1, 2, float32(math.Inf(-1)), 4}
		LayerNormTo(x, x, nil, nil, 1e-5)
		for _, v := range x {
			if !math.IsNaN(float64(v)) {
				t.Fatalf("row with -Inf: %v, want all NaN", x)
			}
		}
		LayerNormTo(nil, nil, nil, nil, 1e-5)
	})
}

// rowopsRoPEShapes are the (head dimension, heads, rotated pairs) tried:
// every even head dimension up to 160 (so every tail length of every
// path) whole and partial, the usual model shapes, and long heads whose
// pair counts are powers of two ±1.
func rowopsRoPEShapes() [][3]int {
	var out [][3]int
	for hd := 2; hd <= 160; hd += 2 {
		heads := 1 + hd%3
		out = append(out, [3]int{hd, heads, hd / 2}, [3]int{hd, heads, hd / 4}, [3]int{hd, 2, hd/2 - 1})
	}
	out = append(out, [3]int{64, 0, 32}, [3]int{80, 32, 40}, [3]int{96, 32, 48}, [3]int{128, 32, 64},
		[3]int{80, 32, 16}, [3]int{6, 7, 3}, [3]int{256, 8, 128}, [3]int{128, 1, 0})
	for p := 64; p <= 65536; p *= 2 {
		out = append(out, [3]int{2 * (p - 1), 1, p - 1}, [3]int{2 * p, 1, p}, [3]int{2 * (p + 1), 2, p + 1})
	}
	return out
}

// rowopsRoPEWant is the documented rotation, written out for the tests:
// pair i of a head is (i0(i), i1(i)).
func rowopsRoPEWant(x []float32, headDim int, cos, sin []float32, neox bool) []float32 {
	out := append([]float32(nil), x...)
	p := len(cos)
	for h := 0; h < len(x); h += headDim {
		for i := 0; i < p; i++ {
			j0, j1 := h+2*i, h+2*i+1
			if neox {
				j0, j1 = h+i, h+p+i
			}
			x0, x1 := x[j0], x[j1]
			// The conversions keep the compiler from fusing a product
			// into the subtraction or the addition.
			a, b := float32(x0*cos[i]), float32(x1*sin[i])
			c, d := float32(x0*sin[i]), float32(x1*cos[i])
			out[j0], out[j1] = a-b, c+d
		}
	}
	return out
}

func rowopsRoPEFuncs() []struct {
	name string
	neox bool
	f    func(x []float32, headDim int, cos, sin []float32)
} {
	return []struct {
		name string
		neox bool
		f    func(x []float32, headDim int, cos, sin []float32)
	}{{"RoPE", false, RoPE}, {"RoPENeoX", true, RoPENeoX}}
}

// TestRoPE checks both layouts bit for bit against the stated rotation on
// every path and shape, with special values in x and the tables, and with
// guards around x and the tables.
func TestRoPE(t *testing.T) {
	for _, r := range rowopsRoPEFuncs() {
		t.Run(r.name, func(t *testing.T) {
			forEachISA(t, func(t *testing.T) {
				rng := rand.New(rand.NewPCG(10, 1))
				for _, sh := range rowopsRoPEShapes() {
					hd, heads, p := sh[0], sh[1], sh[2]
					for _, off := range kerneltest.Offsets {
						name := fmt.Sprintf("headDim=%d heads=%d pairs=%d off=%d", hd, heads, p, off)
						xv := kerneltest.Rand32(rng, hd*heads, 1, true)
						cv := kerneltest.Rand32(rng, p, 1, true)
						sv := kerneltest.Rand32(rng, p, 1, true)
						want := rowopsRoPEWant(xv, hd, cv, sv, r.neox)
						x, c, s := rowopsGuard(xv, off), rowopsGuard(cv, off), rowopsGuard(sv, off)
						r.f(x.S(), hd, c.S(), s.S())
						for i, g := range x.S() {
							if !kerneltest.Same32(g, want[i]) {
								t.Fatalf("%s: x[%d] = %v, want %v", name, i, g, want[i])
							}
						}
						x.Check(t, name+" x")
						c.Check(t, name+" cos")
						s.Check(t, name+" sin")
					}
				}
			})
		})
	}
}

// TestRoPEGeometry checks the rotation against float64: each pair agrees
// with the exact rotation by the rounded table values, keeps its length,
// and rotating back by the negated angle returns the input.
func TestRoPEGeometry(t *testing.T) {
	for _, r := range rowopsRoPEFuncs() {
		t.Run(r.name, func(t *testing.T) {
			forEachISA(t, func(t *testing.T) {
				rng := rand.New(rand.NewPCG(11, 1))
				for _, hd := range []int{6, 64, 80, 96, 128} {
					heads, p := 4, hd/2
					cos, sin := make([]float32, p), make([]float32, p)
					nsin := make([]float32, p)
					for _, pos := range []int{0, 1, 7, 100, 4095} {
						RoPEAngles(cos, sin, pos, 10000, 1)
						for i := range sin {
							nsin[i] = -sin[i]
						}
						x0 := kerneltest.Rand32(rng, hd*heads, 1, false)
						x := append([]float32(nil), x0...)
						r.f(x, hd, cos, sin)
						for h := 0; h < heads; h++ {
							for i := 0; i < p; i++ {
								j0, j1 := h*hd+2*i, h*hd+2*i+1
								if r.neox {
									j0, j1 = h*hd+i, h*hd+p+i
								}
								a, b := float64(x0[j0]), float64(x0[j1])
								c, s := float64(cos[i]), float64(sin[i])
								w0, w1 := a*c-b*s, a*s+b*c
								// Two rounded products and a rounded sum.
								bnd := 2 * rowopsU * (math.Abs(a*c) + math.Abs(b*s) + math.Abs(a*s) + math.Abs(b*c))
								if math.Abs(float64(x[j0])-w0) > bnd || math.Abs(float64(x[j1])-w1) > bnd {
									t.Fatalf("hd=%d pos=%d pair %d: (%v, %v), want (%v, %v)", hd, pos, i, x[j0], x[j1], w0, w1)
								}
								n0 := math.Hypot(a, b)
								n1 := math.Hypot(float64(x[j0]), float64(x[j1]))
								// cos²+sin² of the rounded tables is 1
								// within a few float32 ulps.
								if math.Abs(n1-n0) > 8*rowopsU*n0 {
									t.Fatalf("hd=%d pos=%d pair %d: length %v, was %v", hd, pos, i, n1, n0)
								}
							}
						}
						r.f(x, hd, cos, nsin)
						for i := range x {
							if d := math.Abs(float64(x[i] - x0[i])); d > 16*rowopsU*(1+math.Abs(float64(x0[i]))) {
								t.Fatalf("hd=%d pos=%d: back-rotated x[%d] = %v, was %v", hd, pos, i, x[i], x0[i])
							}
						}
					}
				}
			})
		})
	}
}

func TestRoPEAngles(t *testing.T) {
	cos, sin := make([]float32, 64), make([]float32, 64)
	RoPEAngles(cos, sin, 0, 10000, 1)
	for i := range cos {
		if cos[i] != 1 || sin[i] != 0 {
			t.Fatalf("pos 0: cos[%d], sin[%d] = %v, %v", i, i, cos[i], sin[i])
		}
	}
	for _, c := range []struct {
		pos         int
		theta, freq float64
	}{{1, 10000, 1}, {17, 10000, 1}, {4095, 500000, 1}, {100, 10000, 0.25}} {
		RoPEAngles(cos, sin, c.pos, c.theta, c.freq)
		for i := range cos {
			// theta^(−2i/d) with d = 2·len(cos) = 128 rotated dimensions.
			a := float64(c.pos) * c.freq / math.Pow(c.theta, float64(i)/64)
			if cos[i] != float32(math.Cos(a)) || sin[i] != float32(math.Sin(a)) {
				t.Fatalf("%+v: pair %d: %v, %v, want %v, %v", c, i, cos[i], sin[i], math.Cos(a), math.Sin(a))
			}
		}
	}
	// Partial rotary: the frequencies follow the rotated dimensions.
	cos, sin = make([]float32, 16), make([]float32, 16)
	RoPEAngles(cos, sin, 3, 10000, 1)
	if a := 3 / math.Pow(10000, 2.0/32); sin[1] != float32(math.Sin(a)) {
		t.Fatalf("partial: sin[1] = %v, want %v", sin[1], math.Sin(a))
	}
}

func TestRowOpsPanics(t *testing.T) {
	x := make([]float32, 12)
	c := make([]float32, 3)
	for name, f := range map[string]func(){
		"RMSNormTo dst":   func() { RMSNormTo(make([]float32, 11), x, nil, 1e-5) },
		"RMSNormTo w":     func() { RMSNormTo(x, x, make([]float32, 13), 1e-5) },
		"RMSNormTo empty": func() { RMSNormTo(x, x, []float32{}, 1e-5) },
		"LayerNormTo w":   func() { LayerNormTo(x, x, make([]float32, 2), nil, 1e-5) },
		"LayerNormTo b":   func() { LayerNormTo(x, x, nil, make([]float32, 2), 1e-5) },
		"RoPE odd":        func() { RoPE(x, 3, c[:1], c[:1]) },
		"RoPE zero":       func() { RoPE(x, 0, nil, nil) },
		"RoPE multiple":   func() { RoPE(x, 8, c, c) },
		"RoPE tables":     func() { RoPE(x, 6, c, c[:2]) },
		"RoPENeoX pairs":  func() { RoPENeoX(x, 4, c, c) },
		"RoPEAngles":      func() { RoPEAngles(c, c[:1], 0, 10000, 1) },
	} {
		func() {
			defer func() {
				msg, _ := recover().(string)
				if !strings.HasPrefix(msg, "trueno: ") {
					t.Errorf("%s: panic %q, want one starting with trueno: ", name, msg)
				}
			}()
			f()
		}()
	}
}

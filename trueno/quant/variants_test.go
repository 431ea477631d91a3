package quant

import (
	"encoding/binary"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/batuta-go/stack/internal/kerneltest"
	"github.com/batuta-go/stack/trueno"
)

// Every path against the reference on random blocks: random level bytes,
// scales drawn from ordinary, extreme, zero, subnormal and non-finite
// float16 values, whole zero blocks.

// scaleFields lists the byte offsets of a block's float16 scale fields:
// the first is the scale d, the second (when present) the minimum, which
// Dot subtracts (or adds) as a separate term.
var scaleFields = map[Type][]int{
	Q4_0: {0}, Q4_1: {0, 2}, Q5_0: {0}, Q5_1: {0, 2}, Q8_0: {0}, Q8_1: {0, 2},
	Q2_K: {80, 82}, Q3_K: {108}, Q4_K: {0, 2}, Q5_K: {0, 2}, Q6_K: {208},
	IQ4_NL: {0}, IQ4_XS: {0},
}

// specialHalves are float16 bit patterns for scales: 0, -0, the smallest
// subnormal, the largest finite, infinities and NaNs, 1, -2.
var specialHalves = []uint16{0x0000, 0x8000, 0x0001, 0x7bff, 0xfbff, 0x7c00, 0xfc00, 0x7e00, 0xfe01, 0x3c00, 0xc000}

// randomRow returns nb random blocks of type t. kind 0 keeps scales sane
// (|d| ≤ 1), 1 draws them from specialHalves or any bit pattern, 2 zeroes
// whole blocks now and then.
func randomRow(rng *rand.Rand, t Type, nb, kind int) []byte {
	bb := t.BlockBytes()
	row := make([]byte, nb*bb)
	for i := range row {
		row[i] = byte(rng.Uint32())
	}
	for b := range nb {
		blk := row[b*bb : (b+1)*bb]
		switch {
		case kind == 2 && rng.IntN(3) == 0:
			clear(blk)
			continue
		case t == F16 || t == BF16:
			if kind == 0 {
				v := float32(rng.NormFloat64())
				if t == F16 {
					putF16(blk, v)
				} else {
					binary.LittleEndian.PutUint16(blk, bf16From(v))
				}
			}
			continue
		case t == Q8_K:
			d := float32(rng.NormFloat64() * 1e-3)
			if kind == 1 {
				d = []float32{0, float32(math.Inf(1)), float32(math.NaN()), math.MaxFloat32, 1e-45}[rng.IntN(5)]
			}
			putF32(blk, d)
			// Keep bsums consistent with qs, as the quantizer writes them.
			for j := range 16 {
				var s int16
				for _, q := range blk[4+16*j : 4+16*j+16] {
					s += int16(int8(q))
				}
				binary.LittleEndian.PutUint16(blk[260+2*j:], uint16(s))
			}
			continue
		}
		for _, off := range scaleFields[t] {
			var h uint16
			switch kind {
			case 1:
				if rng.IntN(2) == 0 {
					h = specialHalves[rng.IntN(len(specialHalves))]
				} else {
					h = uint16(rng.Uint32())
				}
			default:
				h = uint16(trueno.Float16From(float32(rng.NormFloat64() * 0.01)))
			}
			binary.LittleEndian.PutUint16(blk[off:], h)
		}
	}
	return row
}

// companionRow is a random row of t.DotType() for nb blocks of t.
func companionRow(rng *rand.Rand, t Type, nb, kind int) []byte {
	dt := t.DotType()
	n := nb * t.BlockSize()
	return randomRow(rng, dt, n/dt.BlockSize(), kind)
}

// dotTolerance bounds |Dot on any path − reference|. A path may split a
// block's integer sum into lanes, round lanes × scale, and add in any
// order, so the bound is (nb+16)·2⁻²³ times Σ|scale part of x_i · y_i| +
// Σ|min part of x_i · y_i| (each part found by dequantizing x with the
// other field zeroed), plus Σ|m·s| per block for Q4_1 and Q5_1, whose min
// term uses the s field of Q8_1: a bound in terms of absolute products,
// like the README's abs_sum, that no summation order can exceed.
func dotTolerance(t Type, n int, x, y []byte) float64 {
	nb := n / t.BlockSize()
	Y := make([]float32, n)
	dequantizeGeneric(t.DotType(), Y, y)
	part := func(zero int) []float32 {
		xz := append([]byte(nil), x...)
		if zero >= 0 {
			for b := range nb {
				binary.LittleEndian.PutUint16(xz[b*t.BlockBytes()+zero:], 0)
			}
		}
		X := make([]float32, n)
		dequantizeGeneric(t, X, xz)
		return X
	}
	absDot := func(X []float32) float64 {
		var s float64
		for i := range X {
			s += math.Abs(float64(X[i]) * float64(Y[i]))
		}
		return s
	}
	var mag float64
	f := scaleFields[t]
	switch {
	case t == Q4_1 || t == Q5_1:
		mag = absDot(part(f[1]))
		for b := range nb {
			m := getF16(x[b*t.BlockBytes()+2:])
			s := getF16(y[b*36+2:])
			mag += math.Abs(float64(m) * float64(s))
		}
	case len(f) == 2 && t != Q8_1:
		mag = absDot(part(f[1])) + absDot(part(f[0]))
	default:
		mag = absDot(part(-1))
	}
	if mag > math.MaxFloat32/2 {
		// Some path may overflow where another does not.
		return math.Inf(1)
	}
	// Products that underflow lose up to 2⁻¹⁴⁹ each, before being scaled
	// by integer sums below 2²⁸ per block.
	return float64(nb+16)*0x1p-23*mag + float64(nb+16)*float64(nb)*0x1p-120
}

// checkDot compares got with the reference want for the rows x, y.
func checkDot(t *testing.T, typ Type, n int, x, y []byte, got, want float32) {
	t.Helper()
	if got == want || math.IsNaN(float64(got)) && math.IsNaN(float64(want)) {
		return
	}
	tol := dotTolerance(typ, n, x, y)
	if nonFiniteScale(typ, n, x, y) {
		// Every path returns NaN or an infinity; which one depends on
		// the order of the terms.
		if finite(got) || finite(want) {
			t.Errorf("%s n=%d: non-finite scale: Dot = %g, reference %g", typ, n, got, want)
		}
		return
	}
	if math.IsInf(tol, 0) || math.IsNaN(tol) {
		return // a term overflows on some path: only the reference is defined
	}
	if d := math.Abs(float64(got) - float64(want)); !(d <= tol) {
		t.Errorf("%s n=%d: Dot = %g, reference %g, off by %g > %g", typ, n, got, want, d, tol)
	}
}

func finite(f float32) bool { return !math.IsNaN(float64(f)) && !math.IsInf(float64(f), 0) }

// nonFiniteScale reports whether a scale field of x or y (a value, for F16
// and BF16) is NaN or infinite.
func nonFiniteScale(t Type, n int, x, y []byte) bool {
	X, Y := make([]float32, n), make([]float32, n)
	if t == F16 || t == BF16 {
		dequantizeGeneric(t, X, x)
		dequantizeGeneric(t, Y, y)
		for i := range X {
			if !finite(X[i]) || !finite(Y[i]) {
				return true
			}
		}
		return false
	}
	half := func(b []byte) bool { return binary.LittleEndian.Uint16(b)&0x7c00 == 0x7c00 }
	bb := t.BlockBytes()
	for b := range n / t.BlockSize() {
		for _, off := range scaleFields[t] {
			if half(x[b*bb+off:]) {
				return true
			}
		}
	}
	dt := t.DotType()
	for b := range n / dt.BlockSize() {
		yb := y[b*dt.BlockBytes():]
		switch dt {
		case Q8_K:
			if !finite(getF32(yb)) {
				return true
			}
		case Q8_1:
			if half(yb) || half(yb[2:]) {
				return true
			}
		default:
			if half(yb) {
				return true
			}
		}
	}
	return false
}

func allTypes() []Type { return Types() }

func TestVariantsRandom(t *testing.T) {
	forEachISA(t, func(t *testing.T) {
		rng := rand.New(rand.NewPCG(1, 2))
		for _, typ := range allTypes() {
			bs := typ.BlockSize()
			for _, nb := range []int{0, 1, 2, 3, 4, 5, 7, 8, 9, 16, 17, 33} {
				if bs == 1 {
					nb *= 37
				}
				n := nb * bs
				for kind := range 3 {
					x := randomRow(rng, typ, nb, kind)
					// Dequantize, bit-exact, into a guarded slice.
					for _, off := range kerneltest.Offsets {
						g := kerneltest.NewGuarded[float32](n, off, nil)
						Dequantize(typ, g.S(), x)
						g.Check(t, typ.String()+" Dequantize")
						want := make([]float32, n)
						dequantizeGeneric(typ, want, x)
						for i, w := range want {
							if !kerneltest.Same32(g.S()[i], w) {
								t.Fatalf("%s nb=%d kind=%d: Dequantize[%d] = %g, reference %g", typ, nb, kind, i, g.S()[i], w)
							}
						}
					}
					y := companionRow(rng, typ, nb, kind)
					want := dotGeneric(typ, n, x, y)
					checkDot(t, typ, n, x, y, Dot(typ, n, x, y), want)
					if pre := make([]byte, preBytes(n)); prepare(typ, n, y, pre) {
						checkDot(t, typ, n, x, y, dotPre(typ, n, x, y, pre), want)
					}
				}
			}
		}
	})
}

// TestQuantizeRoundTrip checks that dequantizing a quantized row comes
// back within the type's resolution, on every path.
func TestQuantizeRoundTrip(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	x := make([]float32, 4*QK)
	for i := range x {
		x[i] = float32(rng.NormFloat64())
	}
	for _, typ := range allTypes() {
		q := make([]byte, typ.RowBytes(len(x)))
		Quantize(typ, q, x)
		back := make([]float32, len(x))
		Dequantize(typ, back, q)
		var num, den float64
		for i := range x {
			num += math.Pow(float64(back[i]-x[i]), 2)
			den += math.Pow(float64(x[i]), 2)
		}
		if rel := math.Sqrt(num / den); rel > 0.45 {
			t.Errorf("%s: relative RMS error %.3f", typ, rel)
		}
	}
}

// TestQuantizeNonFinite: NaN, infinite and huge inputs give unspecified
// blocks, but never a panic or a write outside dst.
func TestQuantizeNonFinite(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	specials := []float32{float32(math.NaN()), float32(math.Inf(1)), float32(math.Inf(-1)), math.MaxFloat32, -math.MaxFloat32, 1e-45, 0}
	for _, typ := range allTypes() {
		for trial := range 20 {
			x := make([]float32, 2*QK)
			for i := range x {
				x[i] = float32(rng.NormFloat64())
				if rng.IntN(8) == 0 || trial == 0 {
					x[i] = specials[rng.IntN(len(specials))]
				}
			}
			g := kerneltest.NewGuarded[byte](typ.RowBytes(len(x)), 3, nil)
			Quantize(typ, g.S(), x)
			g.Check(t, typ.String()+" Quantize")
			Dequantize(typ, make([]float32, len(x)), g.S())
		}
	}
}

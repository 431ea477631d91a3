package trueno

import (
	"fmt"
	"math"
	"strings"
	"testing"
	"unsafe"

	"github.com/batuta-go/stack/internal/kerneltest"
)

// refFloat16 is an independent reference for Float16From: it rounds in
// float64 arithmetic with math.RoundToEven instead of manipulating bits.
func refFloat16(b uint32) uint16 {
	f := float64(math.Float32frombits(b))
	var sign uint16
	if math.Signbit(f) {
		sign = 0x8000
	}
	a := math.Abs(f)
	switch {
	case math.IsNaN(f):
		return sign | 0x7e00 | uint16(b>>13)&0x3ff
	case a >= 65520: // halfway between 65504 and 2¹⁶ and beyond
		return sign | 0x7c00
	case a < 0x1p-14:
		return sign | uint16(math.RoundToEven(a*0x1p24))
	}
	frac, exp := math.Frexp(a) // a = 2·frac · 2^(exp-1), 2·frac in [1, 2)
	m := math.RoundToEven((2*frac - 1) * 1024)
	return sign | uint16((exp-1+15)<<10+int(m))
}

// refBFloat16 is refFloat16 for bfloat16.
func refBFloat16(b uint32) uint16 {
	f := float64(math.Float32frombits(b))
	var sign uint16
	if math.Signbit(f) {
		sign = 0x8000
	}
	a := math.Abs(f)
	switch {
	case math.IsNaN(f):
		return uint16(b>>16) | 0x40
	case a >= (2-1.0/256)*0x1p127:
		return sign | 0x7f80
	case a < 0x1p-126:
		return sign | uint16(math.RoundToEven(a*0x1p133))
	}
	frac, exp := math.Frexp(a)
	m := math.RoundToEven((2*frac - 1) * 128)
	return sign | uint16((exp-1+127)<<7+int(m))
}

// refFloat16ToFloat32 decodes h from its fields in float64.
func refFloat16ToFloat32(h uint16) uint32 {
	e, m := int(h>>10)&31, float64(h&0x3ff)
	sign := 1.0
	if h&0x8000 != 0 {
		sign = -1
	}
	switch {
	case e == 31 && m == 0:
		return math.Float32bits(float32(math.Inf(int(sign))))
	case e == 31:
		return uint32(h&0x8000)<<16 | 0x7fc00000 | uint32(h&0x3ff)<<13
	case e == 0:
		return math.Float32bits(float32(math.Copysign(m*0x1p-24, sign)))
	}
	return math.Float32bits(float32(math.Copysign((1+m/1024)*math.Ldexp(1, e-15), sign)))
}

// convertBoundaries are float32 bit patterns at the edges of both formats.
var convertBoundaries = []uint32{
	0x00000000, 0x80000000, 0x7f800000, 0xff800000, // zeros, infinities
	0x7f800001, 0x7fc00000, 0x7fffffff, 0xffc00001, 0x7fbfffff, 0xff812345, 0x7fa02000, 0x7f802000, 0x7f801fff, // NaNs
	0x477fe000, 0x477fefff, 0x477ff000, 0x477ff001, 0x47800000, 0xc77ff000, 0xc77fefff, // f16 max 65504, halfway to Inf
	0x33800000, 0x33000000, 0x33000001, 0x32ffffff, 0x33400000, 0x33c00000, 0x33a00000, // f16 smallest subnormal 2⁻²⁴, halfway cases
	0x38800000, 0x387fffff, 0x387fe000, 0x387fc000, 0x38801000, 0x38803000, 0x38802000, // f16 smallest normal 2⁻¹⁴
	0x3f800000, 0x3f801000, 0x3f803000, 0x3f800fff, 0x3f801001, 0x3f808000, 0x3f818000, 0x3f807fff, 0x3f808001, // ties at 1
	0x7f7f0000, 0x7f7f7fff, 0x7f7f8000, 0x7f7fffff, 0xff7f8000, 0x7f7e8000, // bf16 max, halfway to Inf, float32 max
	0x00000001, 0x00008000, 0x00018000, 0x00017fff, 0x00008001, 0x007fffff, 0x007f8000, 0x007f7fff, 0x00800000, 0x80400000, // float32 subnormals
}

// convertSweep returns the float32 bit patterns the conversions are
// checked on: the boundaries; for every sign and exponent, the patterns
// around each rounding position (just below, at and just above the
// halfway point, with an even and an odd last kept bit); and a stride
// through all 2³² patterns.
func convertSweep() []uint32 {
	out := append([]uint32(nil), convertBoundaries...)
	for sign := uint32(0); sign < 2; sign++ {
		for e := uint32(0); e < 256; e++ {
			for p := 0; p < 23; p++ {
				for _, hi := range []uint32{0, 1 << (p + 1), 0x7fffff &^ (1<<(p+1) - 1)} {
					for _, lo := range []uint32{1<<p - 1, 1 << p, 1<<p + 1} {
						out = append(out, sign<<31|e<<23|(hi|lo)&0x7fffff)
					}
				}
			}
		}
	}
	for b := uint64(0); b < 1<<32; b += 4099 {
		out = append(out, uint32(b))
	}
	return out
}

func TestConvertGenericAgainstReference(t *testing.T) {
	for _, b := range convertSweep() {
		if got, want := f32ToF16(b), refFloat16(b); got != want {
			t.Fatalf("f32ToF16(%#08x) = %#04x, reference %#04x", b, got, want)
		}
		if got, want := f32ToBF16(b), refBFloat16(b); got != want {
			t.Fatalf("f32ToBF16(%#08x) = %#04x, reference %#04x", b, got, want)
		}
	}
	for h := 0; h < 1<<16; h++ {
		if got, want := f16ToF32(uint16(h)), refFloat16ToFloat32(uint16(h)); got != want {
			t.Fatalf("f16ToF32(%#04x) = %#08x, reference %#08x", h, got, want)
		}
		// Widening is exact: rounding back returns the same bits, NaNs
		// aside (they come back quiet).
		if got := f32ToF16(f16ToF32(uint16(h))); got != uint16(h) && h&0x7c00 != 0x7c00 {
			t.Fatalf("f16 %#04x does not round-trip: %#04x", h, got)
		}
		if got := f32ToBF16(uint32(h) << 16); got != uint16(h) && h&0x7f80 != 0x7f80 {
			t.Fatalf("bf16 %#04x does not round-trip: %#04x", h, got)
		}
	}
}

func TestFloat16Scalar(t *testing.T) {
	for _, c := range []struct {
		f    float32
		h    Float16
		back float32
	}{
		{1, 0x3c00, 1}, {-2, 0xc000, -2}, {65504, 0x7bff, 65504}, {65520, 0x7c00, float32(math.Inf(1))},
		{0x1p-24, 0x0001, 0x1p-24}, {0x1p-25, 0x0000, 0}, {0x1.8p-25, 0x0001, 0x1p-24},
		{float32(math.Inf(-1)), 0xfc00, float32(math.Inf(-1))}, {1.0009765625, 0x3c01, 1.0009765625},
		{1.00048828125, 0x3c00, 1}, {1.00146484375, 0x3c02, 1.001953125},
	} {
		if got := Float16From(c.f); got != c.h {
			t.Errorf("Float16From(%g) = %#04x, want %#04x", c.f, got, c.h)
		}
		if got := c.h.Float32(); got != c.back {
			t.Errorf("Float16(%#04x).Float32() = %g, want %g", c.h, got, c.back)
		}
	}
	for _, c := range []struct {
		f    float32
		b    BFloat16
		back float32
	}{
		{1, 0x3f80, 1}, {-1, 0xbf80, -1}, {1.00390625, 0x3f80, 1}, {1.01171875, 0x3f82, 1.015625},
		{math.MaxFloat32, 0x7f80, float32(math.Inf(1))}, {0x1p-133, 0x0001, 0x1p-133}, {0x1p-134, 0, 0},
	} {
		if got := BFloat16From(c.f); got != c.b {
			t.Errorf("BFloat16From(%g) = %#04x, want %#04x", c.f, got, c.b)
		}
		if got := c.b.Float32(); got != c.back {
			t.Errorf("BFloat16(%#04x).Float32() = %g, want %g", c.b, got, c.back)
		}
	}
	nan := float32(math.NaN())
	if h := Float16From(nan); h&0x7c00 != 0x7c00 || h&0x3ff == 0 || !math.IsNaN(float64(h.Float32())) {
		t.Errorf("Float16From(NaN) = %#04x", h)
	}
	if b := BFloat16From(-nan); b&0x7f80 != 0x7f80 || b&0x7f == 0 || !math.IsNaN(float64(b.Float32())) {
		t.Errorf("BFloat16From(NaN) = %#04x", b)
	}
}

func halves[T Float16 | BFloat16](s []uint16) []T {
	out := make([]T, len(s))
	for i, v := range s {
		out[i] = T(v)
	}
	return out
}

// toFloat16 runs Float32ToFloat16 on float32 bit patterns.
func toFloat16(src []uint32) []uint16 {
	f := make([]float32, len(src))
	for i, b := range src {
		f[i] = math.Float32frombits(b)
	}
	out := make([]Float16, len(src))
	Float32ToFloat16(out, f)
	return bits16(out)
}

// toBFloat16 runs Float32ToBFloat16 on float32 bit patterns.
func toBFloat16(src []uint32) []uint16 {
	f := make([]float32, len(src))
	for i, b := range src {
		f[i] = math.Float32frombits(b)
	}
	out := make([]BFloat16, len(src))
	Float32ToBFloat16(out, f)
	return bits16(out)
}

func TestConvertAllPatterns(t *testing.T) {
	sweep := convertSweep()
	all16 := make([]uint16, 1<<16)
	for i := range all16 {
		all16[i] = uint16(i)
	}
	forEachISA(t, func(t *testing.T) {
		f := make([]float32, len(all16))
		Float16ToFloat32(f, halves[Float16](all16))
		for h, v := range f {
			if got, want := math.Float32bits(v), f16ToF32(uint16(h)); got != want {
				t.Fatalf("Float16ToFloat32(%#04x) = %#08x, want %#08x", h, got, want)
			}
		}
		BFloat16ToFloat32(f, halves[BFloat16](all16))
		for h, v := range f {
			if got, want := math.Float32bits(v), uint32(h)<<16; got != want {
				t.Fatalf("BFloat16ToFloat32(%#04x) = %#08x, want %#08x", h, got, want)
			}
		}
		got := toFloat16(sweep)
		for i, b := range sweep {
			if want := f32ToF16(b); got[i] != want {
				t.Fatalf("Float32ToFloat16(%#08x) = %#04x, want %#04x", b, got[i], want)
			}
		}
		forEachBF16Variant(t, func(name string) {
			got := toBFloat16(sweep)
			for i, b := range sweep {
				if want := f32ToBF16(b); got[i] != want {
					t.Fatalf("%s: Float32ToBFloat16(%#08x) = %#04x, want %#04x", name, b, got[i], want)
				}
			}
		})
	})
}

// convertInput is element i of a test input: values in the range of
// float16, mixed with specials, boundaries and subnormals of both formats.
func convertInput(i int) float32 {
	switch i % 7 {
	case 3:
		return kerneltest.Specials32[i/7%len(kerneltest.Specials32)]
	case 5:
		return math.Float32frombits(convertBoundaries[i/7%len(convertBoundaries)])
	}
	return math.Float32frombits(uint32(i)*2654435761 ^ 0x3c000000)
}

func TestConvertLengths(t *testing.T) {
	forEachISA(t, func(t *testing.T) {
		forEachBF16Variant(t, func(variant string) {
			for _, n := range kerneltest.SweepLengths(4 * 16 * 4) {
				for _, off := range kerneltest.Offsets {
					name := fmt.Sprintf("%s n=%d off=%d", variant, n, off)
					src := kerneltest.NewGuarded(n, off, convertInput)
					h := kerneltest.NewGuarded[uint16](n, off, nil)
					Float32ToFloat16(halves16[Float16](h.S()), src.S())
					checkBits(t, name+" Float32ToFloat16", h.S(), src.S(), f32ToF16)
					h.Check(t, name+" Float32ToFloat16 dst")
					src.Check(t, name+" Float32ToFloat16 src")

					back := kerneltest.NewGuarded[float32](n, off, nil)
					Float16ToFloat32(back.S(), halves16[Float16](h.S()))
					checkWiden(t, name+" Float16ToFloat32", back.S(), h.S(), f16ToF32)
					back.Check(t, name+" Float16ToFloat32 dst")
					h.Check(t, name+" Float16ToFloat32 src")

					Float32ToBFloat16(halves16[BFloat16](h.S()), src.S())
					checkBits(t, name+" Float32ToBFloat16", h.S(), src.S(), f32ToBF16)
					h.Check(t, name+" Float32ToBFloat16 dst")

					BFloat16ToFloat32(back.S(), halves16[BFloat16](h.S()))
					checkWiden(t, name+" BFloat16ToFloat32", back.S(), h.S(), func(h uint16) uint32 { return uint32(h) << 16 })
					back.Check(t, name+" BFloat16ToFloat32 dst")
				}
			}
		})
	})
}

// halves16 views bits as a slice of 16-bit floats without copying, so that
// the sentinels around a guarded slice stay in place.
func halves16[T Float16 | BFloat16](s []uint16) []T {
	if len(s) == 0 {
		return []T{}
	}
	return unsafe.Slice((*T)(unsafe.Pointer(unsafe.SliceData(s))), len(s))
}

func checkBits(t *testing.T, name string, got []uint16, src []float32, ref func(uint32) uint16) {
	t.Helper()
	for i, f := range src {
		if want := ref(math.Float32bits(f)); got[i] != want {
			t.Fatalf("%s: element %d (%#08x) = %#04x, want %#04x", name, i, math.Float32bits(f), got[i], want)
		}
	}
}

func checkWiden(t *testing.T, name string, got []float32, src []uint16, ref func(uint16) uint32) {
	t.Helper()
	for i, h := range src {
		if g, want := math.Float32bits(got[i]), ref(h); g != want {
			t.Fatalf("%s: element %d (%#04x) = %#08x, want %#08x", name, i, h, g, want)
		}
	}
}

func TestConvertLengthMismatch(t *testing.T) {
	for name, f := range map[string]func(){
		"Float32ToFloat16":  func() { Float32ToFloat16(make([]Float16, 3), make([]float32, 4)) },
		"Float16ToFloat32":  func() { Float16ToFloat32(make([]float32, 5), make([]Float16, 4)) },
		"Float32ToBFloat16": func() { Float32ToBFloat16(make([]BFloat16, 0), make([]float32, 1)) },
		"BFloat16ToFloat32": func() { BFloat16ToFloat32(make([]float32, 2), make([]BFloat16, 1)) },
	} {
		func() {
			defer func() {
				msg, _ := recover().(string)
				if !strings.HasPrefix(msg, "trueno: "+name+": length mismatch") {
					t.Errorf("%s: panic %q", name, msg)
				}
			}()
			f()
		}()
	}
}

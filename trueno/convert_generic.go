package trueno

import "math"

// f32ToF16 rounds the float32 with bits b to binary16, ties to even.
func f32ToF16(b uint32) uint16 {
	sign := uint16(b>>16) & 0x8000
	a := b & 0x7fffffff
	switch {
	case a > 0x7f800000: // NaN: quiet, top payload bits kept
		return sign | 0x7e00 | uint16(a>>13)&0x3ff
	case a >= 0x477ff000: // 65520 and up round to infinity
		return sign | 0x7c00
	case a >= 0x38800000: // 2⁻¹⁴ and up: a normal half
		a -= (127 - 15) << 23
		return sign | uint16((a+0xfff+(a>>13&1))>>13)
	case a <= 0x33000000: // 2⁻²⁵ (half the smallest subnormal) and below: zero
		return sign
	}
	// A subnormal half: the value in units of 2⁻²⁴, rounded to an integer.
	// A carry into 0x400 is the smallest normal half, correctly encoded.
	m := a&0x7fffff | 0x800000
	s := 126 - a>>23
	q, rem, half := m>>s, m&(1<<s-1), uint32(1)<<(s-1)
	if rem > half || rem == half && q&1 != 0 {
		q++
	}
	return sign | uint16(q)
}

// f16ToF32 widens the binary16 h to the bits of a float32, exactly.
func f16ToF32(h uint16) uint32 {
	sign := uint32(h&0x8000) << 16
	e, m := uint32(h>>10)&0x1f, uint32(h&0x3ff)
	switch {
	case e == 0x1f && m == 0:
		return sign | 0x7f800000
	case e == 0x1f: // NaN: quiet
		return sign | 0x7fc00000 | m<<13
	case e == 0: // zero or subnormal: m·2⁻²⁴, exact in float32
		return sign | math.Float32bits(float32(m)*(1.0/(1<<24)))
	}
	return sign | (e+127-15)<<23 | m<<13
}

// f32ToBF16 rounds the float32 with bits b to bfloat16, ties to even, by
// integer arithmetic on the bits (subnormals included).
func f32ToBF16(b uint32) uint16 {
	if b&0x7fffffff > 0x7f800000 { // NaN: quiet, top payload bits kept
		return uint16(b>>16) | 0x40
	}
	return uint16((b + 0x7fff + (b >> 16 & 1)) >> 16)
}

func float32ToFloat16Generic(dst []uint16, src []float32) {
	dst = dst[:len(src)]
	for i, f := range src {
		dst[i] = f32ToF16(math.Float32bits(f))
	}
}

func float16ToFloat32Generic(dst []float32, src []uint16) {
	dst = dst[:len(src)]
	for i, h := range src {
		dst[i] = math.Float32frombits(f16ToF32(h))
	}
}

func float32ToBFloat16Generic(dst []uint16, src []float32) {
	dst = dst[:len(src)]
	for i, f := range src {
		dst[i] = f32ToBF16(math.Float32bits(f))
	}
}

func bfloat16ToFloat32Generic(dst []float32, src []uint16) {
	dst = dst[:len(src)]
	for i, h := range src {
		dst[i] = math.Float32frombits(uint32(h) << 16)
	}
}

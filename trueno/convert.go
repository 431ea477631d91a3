package trueno

import (
	"math"
	"unsafe"
)

// Float16 is an IEEE 754 binary16 ("half") value, held as its bits: 1 sign
// bit, 5 exponent bits, 10 fraction bits; subnormals, infinities and NaNs
// as in IEEE 754.
type Float16 uint16

// BFloat16 is a bfloat16 ("brain float") value, held as its bits: the top
// 16 bits of a float32 (1 sign bit, 8 exponent bits, 7 fraction bits).
type BFloat16 uint16

// Float16From rounds f to the nearest Float16, ties to even. Values whose
// magnitude rounds beyond the largest finite half (65504) become ±Inf;
// results below 2⁻¹⁴ are subnormal halves, not flushed to zero. A NaN
// becomes a quiet NaN of the same sign that keeps the top 9 bits of the
// payload (what x86 F16C VCVTPS2PH and arm64 FCVTN produce).
func Float16From(f float32) Float16 { return Float16(f32ToF16(math.Float32bits(f))) }

// Float32 returns h as a float32, exactly. A NaN becomes a quiet NaN of
// the same sign with h's payload in the top fraction bits (a signalling
// NaN is quieted, as x86 VCVTPH2PS and arm64 FCVTL do).
func (h Float16) Float32() float32 { return math.Float32frombits(f16ToF32(uint16(h))) }

// BFloat16From rounds f to the nearest BFloat16, ties to even. Values whose
// magnitude rounds beyond the largest finite bfloat16 become ±Inf; float32
// subnormals keep their top fraction bits, rounded (never flushed to zero).
// A NaN becomes a quiet NaN of the same sign that keeps the top 6 bits of
// the payload.
func BFloat16From(f float32) BFloat16 { return BFloat16(f32ToBF16(math.Float32bits(f))) }

// Float32 returns b as a float32, exactly: its bits shifted into the top
// half of a float32. NaNs keep their bits, signalling ones included.
func (b BFloat16) Float32() float32 { return math.Float32frombits(uint32(b) << 16) }

// Float32ToFloat16 sets dst[i] = Float16From(src[i]) for every i. It panics
// if the lengths differ.
func Float32ToFloat16(dst []Float16, src []float32) {
	checkLen2("Float32ToFloat16", len(dst), len(src))
	float32ToFloat16(bits16(dst), src)
}

// Float16ToFloat32 sets dst[i] = src[i].Float32() for every i. It panics if
// the lengths differ.
func Float16ToFloat32(dst []float32, src []Float16) {
	checkLen2("Float16ToFloat32", len(dst), len(src))
	float16ToFloat32(dst, bits16(src))
}

// Float32ToBFloat16 sets dst[i] = BFloat16From(src[i]) for every i. It
// panics if the lengths differ.
func Float32ToBFloat16(dst []BFloat16, src []float32) {
	checkLen2("Float32ToBFloat16", len(dst), len(src))
	float32ToBFloat16(bits16(dst), src)
}

// BFloat16ToFloat32 sets dst[i] = src[i].Float32() for every i. It panics
// if the lengths differ.
func BFloat16ToFloat32(dst []float32, src []BFloat16) {
	checkLen2("BFloat16ToFloat32", len(dst), len(src))
	bfloat16ToFloat32(dst, bits16(src))
}

// bits16 views a slice of 16-bit floats as their bits, which is what the
// kernels take.
func bits16[T Float16 | BFloat16](s []T) []uint16 {
	return unsafe.Slice((*uint16)(unsafe.Pointer(unsafe.SliceData(s))), len(s))
}

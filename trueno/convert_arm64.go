//go:build gc && !purego

package trueno

func float32ToFloat16(dst []uint16, src []float32) {
	if len(src) >= simdMin && isa == NEON {
		float32ToFloat16NEON(dst, src)
		return
	}
	float32ToFloat16Generic(dst, src)
}

func float16ToFloat32(dst []float32, src []uint16) {
	if len(src) >= simdMin && isa == NEON {
		float16ToFloat32NEON(dst, src)
		return
	}
	float16ToFloat32Generic(dst, src)
}

func float32ToBFloat16(dst []uint16, src []float32) {
	if len(src) >= simdMin && isa == NEON {
		float32ToBFloat16NEON(dst, src)
		return
	}
	float32ToBFloat16Generic(dst, src)
}

func bfloat16ToFloat32(dst []float32, src []uint16) {
	if len(src) >= simdMin && isa == NEON {
		bfloat16ToFloat32NEON(dst, src)
		return
	}
	bfloat16ToFloat32Generic(dst, src)
}

//go:build gc && !purego

package mat

import "github.com/batuta-go/stack/trueno"

func kernel32(i trueno.ISA) kernel[float32] {
	if i == trueno.NEON {
		return newKernel(i, 8, 12, gemmKernelF32NEON)
	}
	return genericKernel32()
}

func kernel64(i trueno.ISA) kernel[float64] {
	if i == trueno.NEON {
		return newKernel(i, 8, 6, gemmKernelF64NEON)
	}
	return genericKernel64()
}

func gemvKernel32(i trueno.ISA) gemvKernel[float32] {
	if i == trueno.NEON {
		return gemvKernel[float32]{4, gemvDot4F32NEON, gemvAxpy4F32NEON}
	}
	return genericGemv[float32]()
}

func gemvKernel64(i trueno.ISA) gemvKernel[float64] {
	if i == trueno.NEON {
		return gemvKernel[float64]{2, gemvDot4F64NEON, gemvAxpy4F64NEON}
	}
	return genericGemv[float64]()
}

func halfDot4For(_ trueno.ISA, bf16 bool) halfDot4 {
	if bf16 {
		return halfDot4Generic(bf16Bits)
	}
	return halfDot4Generic(f16Bits)
}

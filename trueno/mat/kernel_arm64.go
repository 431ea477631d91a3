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

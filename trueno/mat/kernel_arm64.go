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

// GEMV on arm64 runs the pure-Go kernels (the Go compiler fuses their
// multiply-adds); NEON versions are a follow-up.
func gemvKernel32(trueno.ISA) gemvKernel[float32] { return genericGemv[float32]() }

func gemvKernel64(trueno.ISA) gemvKernel[float64] { return genericGemv[float64]() }

func halfDot4For(_ trueno.ISA, f HalfFormat) halfDot4 { return halfDot4Generic(halfConv(f)) }

//go:build gc && !purego

package mat

import (
	"github.com/batuta-go/stack/internal/cpu"
	"github.com/batuta-go/stack/trueno"
)

func kernel32(i trueno.ISA) kernel[float32] {
	switch i {
	case trueno.AVX512:
		k := newKernel(i, 14, 32, gemmKernelF32AVX512)
		k.packN = packT14F32AVX512
		k.packT = packT32F32AVX512
		k.direct = gemmKernelDirectF32AVX512
		k.directRows = []func(k int, a *float32, lda int, b *float32, ldb int, c *float32, ldc int, alpha, beta float32){
			nil, gemmKernelDirect1F32AVX512, gemmKernelDirect2F32AVX512, gemmKernelDirect3F32AVX512,
			gemmKernelDirect4F32AVX512, gemmKernelDirect5F32AVX512, gemmKernelDirect6F32AVX512,
			gemmKernelDirect7F32AVX512, gemmKernelDirect8F32AVX512, gemmKernelDirect9F32AVX512,
			gemmKernelDirect10F32AVX512, gemmKernelDirect11F32AVX512, gemmKernelDirect12F32AVX512,
			gemmKernelDirect13F32AVX512,
		}
		return k
	case trueno.AVX2:
		k := newKernel(i, 6, 16, gemmKernelF32AVX2)
		k.packT = packT16F32AVX2
		k.direct = gemmKernelDirectF32AVX2
		k.directRows = []func(k int, a *float32, lda int, b *float32, ldb int, c *float32, ldc int, alpha, beta float32){
			nil, gemmKernelDirect1F32AVX2, gemmKernelDirect2F32AVX2, gemmKernelDirect3F32AVX2,
			gemmKernelDirect4F32AVX2, gemmKernelDirect5F32AVX2,
		}
		return k
	}
	return genericKernel32()
}

func kernel64(i trueno.ISA) kernel[float64] {
	switch i {
	case trueno.AVX512:
		k := newKernel(i, 14, 16, gemmKernelF64AVX512)
		k.packN = packT14F64AVX512
		k.packT = packT16F64AVX512
		k.direct = gemmKernelDirectF64AVX512
		k.directRows = []func(k int, a *float64, lda int, b *float64, ldb int, c *float64, ldc int, alpha, beta float64){
			nil, gemmKernelDirect1F64AVX512, gemmKernelDirect2F64AVX512, gemmKernelDirect3F64AVX512,
			gemmKernelDirect4F64AVX512, gemmKernelDirect5F64AVX512, gemmKernelDirect6F64AVX512,
			gemmKernelDirect7F64AVX512, gemmKernelDirect8F64AVX512, gemmKernelDirect9F64AVX512,
			gemmKernelDirect10F64AVX512, gemmKernelDirect11F64AVX512, gemmKernelDirect12F64AVX512,
			gemmKernelDirect13F64AVX512,
		}
		return k
	case trueno.AVX2:
		k := newKernel(i, 6, 8, gemmKernelF64AVX2)
		k.packT = packT8F64AVX2
		k.direct = gemmKernelDirectF64AVX2
		k.directRows = []func(k int, a *float64, lda int, b *float64, ldb int, c *float64, ldc int, alpha, beta float64){
			nil, gemmKernelDirect1F64AVX2, gemmKernelDirect2F64AVX2, gemmKernelDirect3F64AVX2,
			gemmKernelDirect4F64AVX2, gemmKernelDirect5F64AVX2,
		}
		return k
	}
	return genericKernel64()
}

func gemvKernel32(i trueno.ISA) gemvKernel[float32] {
	switch i {
	case trueno.AVX512:
		return gemvKernel[float32]{16, gemvDot4F32AVX512, gemvAxpy4F32AVX512}
	case trueno.AVX2:
		return gemvKernel[float32]{8, gemvDot4F32AVX2, gemvAxpy4F32AVX2}
	}
	return genericGemv[float32]()
}

func gemvKernel64(i trueno.ISA) gemvKernel[float64] {
	switch i {
	case trueno.AVX512:
		return gemvKernel[float64]{8, gemvDot4F64AVX512, gemvAxpy4F64AVX512}
	case trueno.AVX2:
		return gemvKernel[float64]{4, gemvDot4F64AVX2, gemvAxpy4F64AVX2}
	}
	return genericGemv[float64]()
}

func halfDot4For(i trueno.ISA, bf16 bool) halfDot4 {
	switch {
	case i == trueno.AVX512 && !bf16:
		return halfDot4{16, gemvDot4F16AVX512}
	case i == trueno.AVX512:
		return halfDot4{16, gemvDot4BF16AVX512}
	case i == trueno.AVX2 && !bf16 && cpu.X86.HasF16C:
		return halfDot4{8, gemvDot4F16AVX2}
	case i == trueno.AVX2 && bf16:
		return halfDot4{8, gemvDot4BF16AVX2}
	}
	if bf16 {
		return halfDot4Generic(bf16Bits)
	}
	return halfDot4Generic(f16Bits)
}

//go:build !gc || purego || !(amd64 || arm64)

package mat

import "github.com/batuta-go/stack/trueno"

func kernel32(trueno.ISA) kernel[float32] { return genericKernel32() }

func kernel64(trueno.ISA) kernel[float64] { return genericKernel64() }

func gemvKernel32(trueno.ISA) gemvKernel[float32] { return genericGemv[float32]() }

func gemvKernel64(trueno.ISA) gemvKernel[float64] { return genericGemv[float64]() }

func halfDot4For(_ trueno.ISA, bf16 bool) halfDot4 {
	if bf16 {
		return halfDot4Generic(bf16Bits)
	}
	return halfDot4Generic(f16Bits)
}

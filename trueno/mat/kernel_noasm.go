//go:build !gc || purego || !(amd64 || arm64)

package mat

import "github.com/batuta-go/stack/trueno"

func kernel32(trueno.ISA) kernel[float32] { return genericKernel32() }

func kernel64(trueno.ISA) kernel[float64] { return genericKernel64() }

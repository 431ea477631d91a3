// Package cpu reports the instruction-set features that the kernels of the
// stack dispatch on. It is detected once, at package initialisation, through
// github.com/klauspost/cpuid/v2, and never changes afterwards.
package cpu

import "github.com/klauspost/cpuid/v2"

// X86 holds the x86-64 features the kernels use. All fields are false on
// other architectures.
var X86 struct {
	HasAVX2       bool // AVX2, FMA3, BMI1 and BMI2 together (the kernels use FMA, and BZHI for tail masks)
	HasF16C       bool // VCVTPH2PS / VCVTPS2PH
	HasAVX512     bool // AVX-512 F, BW, DQ and VL together (the "x86-64-v4" set)
	HasAVX512BF16 bool // VCVTNEPS2BF16, VDPBF16PS
	HasAVX512VNNI bool // VPDPBUSD on ZMM registers
	HasAVXVNNI    bool // VPDPBUSD, VEX encoded (YMM)
}

// ARM64 holds the arm64 features the kernels use. All fields are false on
// other architectures.
var ARM64 struct {
	HasASIMD   bool // Advanced SIMD (NEON); mandatory on ARMv8-A
	HasDotProd bool // SDOT / UDOT
	HasFP16    bool // half-precision arithmetic in vector registers
	HasBF16    bool // BFCVTN, BFDOT
}

// Name is the CPU's brand string, for reports and benchmark tables.
var Name string

func init() {
	c := &cpuid.CPU
	Name = c.BrandName
	X86.HasAVX2 = c.Supports(cpuid.AVX, cpuid.AVX2, cpuid.FMA3, cpuid.BMI1, cpuid.BMI2)
	X86.HasF16C = c.Supports(cpuid.AVX, cpuid.F16C)
	X86.HasAVX512 = X86.HasAVX2 && c.Supports(cpuid.AVX512F, cpuid.AVX512BW, cpuid.AVX512DQ, cpuid.AVX512VL)
	X86.HasAVX512BF16 = X86.HasAVX512 && c.Supports(cpuid.AVX512BF16)
	X86.HasAVX512VNNI = X86.HasAVX512 && c.Supports(cpuid.AVX512VNNI)
	X86.HasAVXVNNI = X86.HasAVX2 && c.Supports(cpuid.AVXVNNI)

	ARM64.HasASIMD = c.Supports(cpuid.ASIMD)
	ARM64.HasDotProd = ARM64.HasASIMD && c.Supports(cpuid.ASIMDDP)
	ARM64.HasFP16 = ARM64.HasASIMD && c.Supports(cpuid.FPHP, cpuid.ASIMDHP)
	ARM64.HasBF16 = ARM64.HasASIMD && c.Supports(cpuid.BF16)
}

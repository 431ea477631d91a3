package main

import "github.com/batuta-go/stack/asm/internal/a64"

// writeNEON writes the arm64 kernels. Each has a loop over 16 elements, a
// loop over 4 and a scalar tail that runs the same vector instructions on
// lane 0, so every length is handled without reading or writing past the
// slices. R0 = dst, R1 = src, R2 = elements left.
func writeNEON(asmPath, stubsPath string) error {
	f := a64.NewFile("go run ./convert")
	for _, k := range neonKernels {
		fn := f.Func(k.name, k.sig, k.name+" "+k.doc)
		fn.Go("MOVD %s, R0", fn.Arg("dst_base"))
		fn.Go("MOVD %s, R1", fn.Arg("src_base"))
		fn.Go("MOVD %s, R2", fn.Arg("src_len"))
		if k.setup != nil {
			k.setup(fn)
		}
		fn.Label("loop16")
		fn.Go("CMP $16, R2")
		fn.Go("BLT loop4")
		k.body16(fn)
		fn.Go("SUB $16, R2")
		fn.Go("B loop16")
		fn.Label("loop4")
		fn.Go("CMP $4, R2")
		fn.Go("BLT tail")
		k.body4(fn)
		fn.Go("SUB $4, R2")
		fn.Go("B loop4")
		fn.Label("tail")
		fn.Go("CBZ R2, done")
		k.one(fn)
		fn.Go("SUB $1, R2")
		fn.Go("B tail")
		fn.Label("done")
		fn.Ret()
	}
	return f.Write(asmPath, stubsPath)
}

type neonKernel struct {
	name, sig, doc string
	setup          func(fn *a64.Func)
	// body16, body4 and one convert 16, 4 and 1 elements, advancing R0
	// and R1.
	body16, body4, one func(fn *a64.Func)
}

var neonKernels = []neonKernel{
	{
		name: "float32ToFloat16NEON", sig: "func(dst []uint16, src []float32)",
		doc: "sets dst[i] to the binary16 bits of src[i], rounded to nearest even (FCVTN); len(dst) == len(src).",
		body16: func(fn *a64.Func) {
			fn.Go("VLD1.P 64(R1), [V0.S4, V1.S4, V2.S4, V3.S4]")
			fn.Op("fcvtn v4.4h, v0.4s")
			fn.Op("fcvtn2 v4.8h, v1.4s")
			fn.Op("fcvtn v5.4h, v2.4s")
			fn.Op("fcvtn2 v5.8h, v3.4s")
			fn.Go("VST1.P [V4.H8, V5.H8], 32(R0)")
		},
		body4: func(fn *a64.Func) {
			fn.Go("VLD1.P 16(R1), [V0.S4]")
			fn.Op("fcvtn v4.4h, v0.4s")
			fn.Go("VST1.P [V4.H4], 8(R0)")
		},
		one: func(fn *a64.Func) {
			fn.Go("FMOVS.P 4(R1), F0")
			fn.Op("fcvtn v4.4h, v0.4s")
			fn.Go("VMOV V4.H[0], R3")
			fn.Go("MOVH.P R3, 2(R0)")
		},
	},
	{
		name: "float16ToFloat32NEON", sig: "func(dst []float32, src []uint16)",
		doc: "sets dst[i] to the binary16 src[i] widened exactly (FCVTL); len(dst) == len(src).",
		body16: func(fn *a64.Func) {
			fn.Go("VLD1.P 32(R1), [V0.H8, V1.H8]")
			fn.Op("fcvtl v4.4s, v0.4h")
			fn.Op("fcvtl2 v5.4s, v0.8h")
			fn.Op("fcvtl v6.4s, v1.4h")
			fn.Op("fcvtl2 v7.4s, v1.8h")
			fn.Go("VST1.P [V4.S4, V5.S4, V6.S4, V7.S4], 64(R0)")
		},
		body4: func(fn *a64.Func) {
			fn.Go("VLD1.P 8(R1), [V0.H4]")
			fn.Op("fcvtl v4.4s, v0.4h")
			fn.Go("VST1.P [V4.S4], 16(R0)")
		},
		one: func(fn *a64.Func) {
			fn.Go("MOVHU.P 2(R1), R3")
			fn.Go("VMOV R3, V0.H[0]")
			fn.Op("fcvtl v4.4s, v0.4h")
			fn.Go("FMOVS.P F4, 4(R0)")
		},
	},
	{
		name: "float32ToBFloat16NEON", sig: "func(dst []uint16, src []float32)",
		doc: "sets dst[i] to the bfloat16 bits of src[i], rounded to nearest even by integer arithmetic (NaNs quieted); len(dst) == len(src).",
		setup: func(fn *a64.Func) {
			fn.Op("movi v16.4s, #0x7f, msl #8") // rounding bias 0x7fff
			fn.Op("movi v17.4s, #1")
			fn.Op("movi v18.4s, #0x40, lsl #16") // quiet-NaN bit
		},
		body16: func(fn *a64.Func) {
			fn.Go("VLD1.P 64(R1), [V0.S4, V1.S4, V2.S4, V3.S4]")
			for i := 0; i < 4; i++ {
				bf16RoundNEON(fn, i, 4+i)
			}
			fn.Op("uzp2 v8.8h, v4.8h, v5.8h")
			fn.Op("uzp2 v9.8h, v6.8h, v7.8h")
			fn.Go("VST1.P [V8.H8, V9.H8], 32(R0)")
		},
		body4: func(fn *a64.Func) {
			fn.Go("VLD1.P 16(R1), [V0.S4]")
			bf16RoundNEON(fn, 0, 4)
			fn.Op("shrn v8.4h, v4.4s, #16")
			fn.Go("VST1.P [V8.H4], 8(R0)")
		},
		one: func(fn *a64.Func) {
			fn.Go("FMOVS.P 4(R1), F0")
			bf16RoundNEON(fn, 0, 4)
			fn.Go("VMOV V4.H[1], R3")
			fn.Go("MOVH.P R3, 2(R0)")
		},
	},
	{
		name: "bfloat16ToFloat32NEON", sig: "func(dst []float32, src []uint16)",
		doc: "sets dst[i] to the float32 whose top half is src[i] and bottom half zero; len(dst) == len(src).",
		body16: func(fn *a64.Func) {
			fn.Go("VLD1.P 32(R1), [V0.H8, V1.H8]")
			fn.Op("shll v4.4s, v0.4h, #16")
			fn.Op("shll2 v5.4s, v0.8h, #16")
			fn.Op("shll v6.4s, v1.4h, #16")
			fn.Op("shll2 v7.4s, v1.8h, #16")
			fn.Go("VST1.P [V4.S4, V5.S4, V6.S4, V7.S4], 64(R0)")
		},
		body4: func(fn *a64.Func) {
			fn.Go("VLD1.P 8(R1), [V0.H4]")
			fn.Op("shll v4.4s, v0.4h, #16")
			fn.Go("VST1.P [V4.S4], 16(R0)")
		},
		one: func(fn *a64.Func) {
			fn.Go("MOVHU.P 2(R1), R3")
			fn.Go("LSLW $16, R3, R3")
			fn.Go("MOVW.P R3, 4(R0)")
		},
	},
}

// bf16RoundNEON leaves in vd the bfloat16 bits of the float32 lanes of vs,
// in the high half of each 32-bit lane: vs + 0x7fff + (vs>>16 & 1) rounds
// to nearest even, and NaN lanes (fcmeq false) take vs | quiet instead.
// It uses v16-v18 (constants), v12 and v13.
func bf16RoundNEON(fn *a64.Func, vs, vd int) {
	fn.Op("ushr v%d.4s, v%d.4s, #16", vd, vs)
	fn.Op("and v%d.16b, v%d.16b, v17.16b", vd, vd)
	fn.Op("add v%d.4s, v%d.4s, v16.4s", vd, vd)
	fn.Op("add v%d.4s, v%d.4s, v%d.4s", vd, vd, vs)
	fn.Op("fcmeq v12.4s, v%d.4s, v%d.4s", vs, vs)
	fn.Op("orr v13.16b, v%d.16b, v18.16b", vs)
	fn.Op("bif v%d.16b, v13.16b, v12.16b", vd)
}

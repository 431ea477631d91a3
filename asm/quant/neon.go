package main

import (
	"fmt"

	"github.com/batuta-go/stack/asm/internal/a64"
)

// The NEON kernels need the dot-product extension (SDOT): signed 8-bit
// products summed four at a time into int32 lanes, exact. As on x86, the
// int32 lanes of a block are converted to float32 and accumulated times
// the block's scale; the lanes are added at the end.
//
// Registers: R0 = x, R1 = y, R2 = blocks left; V7 the float accumulator.

const neonSig = "func(n int, x, y []byte) float32"

func neonHeader(f *a64.File, name, doc string, shift int) *a64.Func {
	fn := f.Func(name, neonSig, name+" "+doc)
	fn.Go("MOVD %s, R2", fn.Arg("n"))
	fn.Go("MOVD %s, R0", fn.Arg("x_base"))
	fn.Go("MOVD %s, R1", fn.Arg("y_base"))
	fn.Go("LSR $%d, R2", shift)
	fn.Op("eor v7.16b, v7.16b, v7.16b")
	return fn
}

// neonReturn adds the lanes of V7 and returns them.
func neonReturn(fn *a64.Func) {
	fn.Op("faddp v7.4s, v7.4s, v7.4s")
	fn.Op("faddp s7, v7.2s")
	fn.Go("FMOVS F7, %s", fn.Arg("ret"))
	fn.Ret()
}

// neonBlockScale finishes a 32-value block whose int32 lanes are in V4:
// V7 += float(V4) · dx · dy, the float16 scales in R4 and R5.
func neonBlockScale(fn *a64.Func) {
	fn.Op("scvtf v4.4s, v4.4s")
	fn.Op("ins v5.h[0], w4")
	fn.Op("ins v5.h[1], w5")
	fn.Op("fcvtl v5.4s, v5.4h")
	fn.Op("fmul v4.4s, v4.4s, v5.s[0]")
	fn.Op("fmla v7.4s, v4.4s, v5.s[1]")
}

func neonQ8_0(f *a64.File) {
	fn := neonHeader(f, "dotQ8_0NEON", "is dotQ8_0Generic: Q8_0 row x times Q8_0 row y, n values (SDOT).", 5)
	fn.Go("CBZ R2, done")
	fn.Label("loop")
	fn.Go("MOVHU.P 2(R0), R4")
	fn.Go("VLD1.P 32(R0), [V0.B16, V1.B16]")
	fn.Go("MOVHU.P 2(R1), R5")
	fn.Go("VLD1.P 32(R1), [V2.B16, V3.B16]")
	fn.Op("eor v4.16b, v4.16b, v4.16b")
	fn.Op("sdot v4.4s, v0.16b, v2.16b")
	fn.Op("sdot v4.4s, v1.16b, v3.16b")
	neonBlockScale(fn)
	fn.Go("SUBS $1, R2")
	fn.Go("BNE loop")
	fn.Label("done")
	neonReturn(fn)
}

func neonQ4_0(f *a64.File) {
	fn := neonHeader(f, "dotQ4_0NEON", "is dotQ4_0Generic: Q4_0 row x times Q8_0 row y, n values (SDOT).", 5)
	fn.Op("movi v30.16b, #0x0f")
	fn.Op("movi v31.16b, #8")
	fn.Go("CBZ R2, done")
	fn.Label("loop")
	fn.Go("MOVHU.P 2(R0), R4")
	fn.Go("VLD1.P 16(R0), [V0.B16]")
	fn.Go("MOVHU.P 2(R1), R5")
	fn.Go("VLD1.P 32(R1), [V2.B16, V3.B16]")
	// Levels u−8 in [−8, 7]: low nibbles are values 0-15, high 16-31.
	fn.Op("and v1.16b, v0.16b, v30.16b")
	fn.Op("ushr v0.16b, v0.16b, #4")
	fn.Op("sub v1.16b, v1.16b, v31.16b")
	fn.Op("sub v0.16b, v0.16b, v31.16b")
	fn.Op("eor v4.16b, v4.16b, v4.16b")
	fn.Op("sdot v4.4s, v1.16b, v2.16b")
	fn.Op("sdot v4.4s, v0.16b, v3.16b")
	neonBlockScale(fn)
	fn.Go("SUBS $1, R2")
	fn.Go("BNE loop")
	fn.Label("done")
	neonReturn(fn)
}

// neonSuperScale finishes a super-block whose int32 lanes are in V6:
// V7 += float(V6) · d · y.d, with d the float16 at (R3)+off and y.d the
// float32 at (R1). It leaves y.d in V21 lane 0 and the widened float16
// scale (with dmin beside it when pair) in V20 lanes 0 (and 1).
func neonSuperScale(fn *a64.Func, off int, pair bool) {
	if pair {
		fn.Go("MOVWU %d(R3), R4", off)
	} else {
		fn.Go("MOVHU %d(R3), R4", off)
	}
	fn.Op("ins v20.s[0], w4")
	fn.Op("fcvtl v20.4s, v20.4h")
	fn.Go("FMOVS (R1), F21")
	fn.Op("scvtf v6.4s, v6.4s")
	fn.Op("fmul v6.4s, v6.4s, v20.s[0]")
	fn.Op("fmla v7.4s, v6.4s, v21.s[0]")
}

// neonSuperScaleExact is neonSuperScale for lanes that start at a level
// offset times the bsums: their offset terms cancel only in the sum, so
// the lanes are added exactly in integers first (ADDV; the other lanes
// become zero), as the reference sums the super-block before its scale.
func neonSuperScaleExact(fn *a64.Func, off int) {
	fn.Op("addv s6, v6.4s")
	neonSuperScale(fn, off, false)
}

// neonQ4_K: scales and mins unpacked in general registers
// (get_scale_min_k4 on 32-bit words), widened to int32 lanes for MLA by
// element; level sums per 32-value sub-block with SDOT; the min term
// dmin·Σ m_j·(bsums of sub-block j) accumulated apart in V28.
//
// With q5, the same for Q5_K, a fifth bit per value from qh.
func neonQ4_K(f *a64.File, q5 bool) {
	name, blk, qs := "dotQ4_KNEON", 144, 16
	if q5 {
		name, blk, qs = "dotQ5_KNEON", 176, 48
	}
	fn := neonHeader(f, name, "is "+name[3:7]+"Generic: "+name[3:7]+" row x times Q8_K row y, n values (SDOT); y's bsums must be the sums of its quants.", 8)
	fn.Op("movi v31.16b, #0x10")
	fn.Op("movi v30.16b, #0x0f")
	fn.Op("eor v28.16b, v28.16b, v28.16b")
	fn.Go("CBZ R2, done")
	fn.Go("MOVD R0, R3")
	fn.Label("loop")
	neonUnpackK4(fn)
	fn.Op("ins v8.d[0], x8")
	fn.Op("ins v8.d[1], x13")
	fn.Op("uxtl v9.8h, v8.8b")    // scales
	fn.Op("uxtl2 v10.8h, v8.16b") // mins
	fn.Op("uxtl v11.4s, v9.4h")
	fn.Op("uxtl2 v12.4s, v9.8h")
	// Min term.
	fn.Go("ADD $260, R1, R6")
	fn.Go("VLD1 (R6), [V16.H8, V17.H8]")
	fn.Op("addp v18.8h, v16.8h, v17.8h")
	fn.Op("smull v19.4s, v18.4h, v10.4h")
	fn.Op("smlal2 v19.4s, v18.8h, v10.8h")
	fn.Op("addv s19, v19.4s")
	// Levels.
	fn.Op("eor v6.16b, v6.16b, v6.16b")
	fn.Go("ADD $%d, R3, R4", qs)
	fn.Go("ADD $4, R1, R5")
	if q5 {
		fn.Go("ADD $16, R3, R6")
		fn.Go("VLD1 (R6), [V22.B16, V23.B16]")
	}
	for k := range 4 {
		fn.Go("VLD1.P 32(R4), [V0.B16, V1.B16]")
		fn.Go("VLD1.P 64(R5), [V2.B16, V3.B16, V4.B16, V5.B16]")
		fn.Op("and v24.16b, v0.16b, v30.16b")
		fn.Op("and v25.16b, v1.16b, v30.16b")
		fn.Op("ushr v26.16b, v0.16b, #4")
		fn.Op("ushr v27.16b, v1.16b, #4")
		for h := range 2 {
			j := 2*k + h
			if q5 {
				// Bit j of qh[l] moved to bit 4.
				for p, q := range []int{22, 23} {
					switch {
					case j < 4:
						fn.Op("shl v16.16b, v%d.16b, #%d", q, 4-j)
						fn.Op("and v16.16b, v16.16b, v31.16b")
					case j == 4:
						fn.Op("and v16.16b, v%d.16b, v31.16b", q)
					default:
						fn.Op("ushr v16.16b, v%d.16b, #%d", q, j-4)
						fn.Op("and v16.16b, v16.16b, v31.16b")
					}
					fn.Op("orr v%d.16b, v%d.16b, v16.16b", 24+2*h+p, 24+2*h+p)
				}
			}
			sc := fmt.Sprintf("v%d.s[%d]", 11+j/4, j%4)
			fn.Op("eor v29.16b, v29.16b, v29.16b")
			fn.Op("sdot v29.4s, v%d.16b, v%d.16b", 24+2*h, 2+2*h)
			fn.Op("sdot v29.4s, v%d.16b, v%d.16b", 25+2*h, 3+2*h)
			fn.Op("mla v6.4s, v29.4s, %s", sc)
		}
	}
	neonSuperScale(fn, 0, true)
	fn.Op("scvtf v19.4s, v19.4s")
	fn.Op("fmul v19.4s, v19.4s, v20.s[1]")
	fn.Op("fmls v28.4s, v19.4s, v21.s[0]")
	fn.Go("ADD $%d, R3", blk)
	fn.Go("ADD $292, R1")
	fn.Go("SUBS $1, R2")
	fn.Go("BNE loop")
	fn.Label("done")
	fn.Op("fadd v7.4s, v7.4s, v28.4s")
	neonReturn(fn)
}

// neonUnpackK4 leaves the eight 6-bit scales of the Q4_K/Q5_K block at R3
// in the bytes of R8 and the eight mins in R13 (get_scale_min_k4 on
// 32-bit words; clobbers R9-R12).
func neonUnpackK4(fn *a64.Func) {
	fn.Go("MOVWU 4(R3), R8")
	fn.Go("MOVWU 8(R3), R9")
	fn.Go("MOVWU 12(R3), R10")
	// mins 4-7
	fn.Go("LSRW $4, R10, R11")
	fn.Go("ANDW $0x0f0f0f0f, R11")
	fn.Go("LSRW $6, R9, R12")
	fn.Go("ANDW $0x03030303, R12")
	fn.Go("ORRW R12<<4, R11, R11")
	// mins 0-3
	fn.Go("ANDW $0x3f3f3f3f, R9, R13")
	// scales 4-7
	fn.Go("ANDW $0x0f0f0f0f, R10, R9")
	fn.Go("LSRW $6, R8, R12")
	fn.Go("ANDW $0x03030303, R12")
	fn.Go("ORRW R12<<4, R9, R9")
	// scales 0-3
	fn.Go("ANDW $0x3f3f3f3f, R8")
	fn.Go("ORR R9<<32, R8, R8")
	fn.Go("ORR R11<<32, R13, R13")
}

// neonQ6_K: levels q in [0, 63] built from ql and qh, SDOT per 16-value
// sub-block, MLA by the signed sub-block scale; Σ (q−32)·y·sc =
// Σ q·y·sc − 32·Σ sc·bsums, the lanes added exactly before the float
// scale (neonSuperScaleExact).
func neonQ6_K(f *a64.File) {
	fn := neonHeader(f, "dotQ6_KNEON", "is dotQ6_KGeneric: Q6_K row x times Q8_K row y, n values (SDOT); y's bsums must be the sums of its quants.", 8)
	fn.Op("movi v30.16b, #0x0f")
	fn.Op("movi v31.16b, #0x30")
	fn.Go("CBZ R2, done")
	fn.Go("MOVD R0, R3")
	fn.Label("loop")
	fn.Go("ADD $192, R3, R6")
	fn.Go("VLD1 (R6), [V8.B16]")
	fn.Op("sxtl v9.8h, v8.8b")
	fn.Op("sxtl2 v8.8h, v8.16b")
	fn.Op("sxtl v10.4s, v9.4h")
	fn.Op("sxtl2 v11.4s, v9.8h")
	fn.Op("sxtl v12.4s, v8.4h")
	fn.Op("sxtl2 v13.4s, v8.8h")
	fn.Go("ADD $260, R1, R6")
	fn.Go("VLD1 (R6), [V16.H8, V17.H8]")
	fn.Op("smull v14.4s, v16.4h, v9.4h")
	fn.Op("smlal2 v14.4s, v16.8h, v9.8h")
	fn.Op("smlal v14.4s, v17.4h, v8.4h")
	fn.Op("smlal2 v14.4s, v17.8h, v8.8h")
	fn.Op("shl v14.4s, v14.4s, #5")
	fn.Op("eor v6.16b, v6.16b, v6.16b")
	fn.Op("sub v6.4s, v6.4s, v14.4s")
	fn.Go("MOVD R3, R4")
	fn.Go("ADD $128, R3, R7")
	fn.Go("ADD $4, R1, R5")
	for half := range 2 {
		fn.Go("VLD1.P 64(R4), [V0.B16, V1.B16, V2.B16, V3.B16]")
		fn.Go("VLD1.P 32(R7), [V4.B16, V5.B16]")
		for k := range 4 {
			fn.Go("VLD1.P 32(R5), [V18.B16, V19.B16]")
			for p := range 2 { // 16-value sub-block j = 8·half + 2k + p
				ql := p + 2*(k%2) // V0-V1 are ql[0:32], V2-V3 ql[32:64]
				qh := 4 + p
				if k < 2 {
					fn.Op("and v24.16b, v%d.16b, v30.16b", ql)
				} else {
					fn.Op("ushr v24.16b, v%d.16b, #4", ql)
				}
				switch k {
				case 0:
					fn.Op("shl v25.16b, v%d.16b, #4", qh)
					fn.Op("and v25.16b, v25.16b, v31.16b")
				case 1:
					fn.Op("shl v25.16b, v%d.16b, #2", qh)
					fn.Op("and v25.16b, v25.16b, v31.16b")
				case 2:
					fn.Op("and v25.16b, v%d.16b, v31.16b", qh)
				case 3:
					fn.Op("ushr v25.16b, v%d.16b, #2", qh)
					fn.Op("and v25.16b, v25.16b, v31.16b")
				}
				fn.Op("orr v24.16b, v24.16b, v25.16b")
				j := 8*half + 2*k + p
				fn.Op("eor v29.16b, v29.16b, v29.16b")
				fn.Op("sdot v29.4s, v24.16b, v%d.16b", 18+p)
				fn.Op("mla v6.4s, v29.4s, v%d.s[%d]", 10+j/4, j%4)
			}
		}
	}
	neonSuperScaleExact(fn, 208)
	fn.Go("ADD $210, R3")
	fn.Go("ADD $292, R1")
	fn.Go("SUBS $1, R2")
	fn.Go("BNE loop")
	fn.Label("done")
	neonReturn(fn)
}

var neonSyms = map[string]string{}

// neonData defines a constant table once per file.
func neonData(f *a64.File, name string, c []byte) string {
	if s, ok := neonSyms[name]; ok {
		return s
	}
	neonSyms[name] = f.Data(name, c)
	return neonSyms[name]
}

// neonLegacy is the NEON form of emitLegacy: levels (u, or u−offset, or
// IQ4_NL's table values) are signed bytes, so SDOT sums them exactly.
func neonLegacy(f *a64.File, L legacy) {
	name := "dot" + L.name + "NEON"
	fn := neonHeader(f, name, "is "+L.generic+", n values (SDOT).", 5)
	fn.Op("movi v30.16b, #0x0f")
	fn.Op("eor v25.16b, v25.16b, v25.16b")
	if L.offset != 0 {
		fn.Op("movi v31.16b, #%d", L.offset)
	}
	if L.qh != 0 {
		var c []byte
		for i := range 32 {
			c = append(c, byte(i/8))
		}
		for i := range 16 {
			c = append(c, byte(1<<(i%8)))
		}
		fn.Go("MOVD $%s, R3", neonData(f, "qhconst", c))
		fn.Go("VLD1 (R3), [V26.B16, V27.B16, V28.B16]")
		fn.Op("movi v29.16b, #0x10")
	}
	if L.table {
		var c []byte
		for _, v := range kvaluesIQ4NL {
			c = append(c, byte(v))
		}
		fn.Go("MOVD $%s, R3", neonData(f, "iq4nlvalues", c))
		fn.Go("VLD1 (R3), [V29.B16]")
	}
	fn.Go("CBZ R2, done")
	fn.Label("loop")
	fn.Go("MOVHU (R0), R4")
	if L.min {
		fn.Go("MOVHU 2(R0), R8")
	}
	if L.qh != 0 {
		fn.Go("MOVWU %d(R0), R6", L.qh)
	}
	fn.Go("ADD $%d, R0, R7", L.qs)
	fn.Go("VLD1 (R7), [V0.B16]")
	fn.Go("ADD $%d, R0", L.xBytes)
	fn.Go("MOVHU (R1), R5")
	if L.min {
		fn.Go("MOVHU 2(R1), R9")
	}
	fn.Go("ADD $%d, R1, R7", L.yBytes-32)
	fn.Go("VLD1 (R7), [V2.B16, V3.B16]")
	fn.Go("ADD $%d, R1", L.yBytes)
	fn.Op("and v1.16b, v0.16b, v30.16b")
	fn.Op("ushr v0.16b, v0.16b, #4")
	if L.qh != 0 {
		fn.Op("dup v16.4s, w6")
		fn.Op("tbl v17.16b, {v16.16b}, v26.16b")
		fn.Op("tbl v18.16b, {v16.16b}, v27.16b")
		fn.Op("cmtst v17.16b, v17.16b, v28.16b")
		fn.Op("cmtst v18.16b, v18.16b, v28.16b")
		fn.Op("and v17.16b, v17.16b, v29.16b")
		fn.Op("and v18.16b, v18.16b, v29.16b")
		fn.Op("orr v1.16b, v1.16b, v17.16b")
		fn.Op("orr v0.16b, v0.16b, v18.16b")
	}
	if L.table {
		fn.Op("tbl v1.16b, {v29.16b}, v1.16b")
		fn.Op("tbl v0.16b, {v29.16b}, v0.16b")
	}
	if L.offset != 0 {
		fn.Op("sub v1.16b, v1.16b, v31.16b")
		fn.Op("sub v0.16b, v0.16b, v31.16b")
	}
	fn.Op("eor v4.16b, v4.16b, v4.16b")
	fn.Op("sdot v4.4s, v1.16b, v2.16b")
	fn.Op("sdot v4.4s, v0.16b, v3.16b")
	neonBlockScale(fn)
	if L.min {
		// Lane 0 of V25 sums m·s; the other lanes are not used.
		fn.Op("ins v22.h[0], w8")
		fn.Op("ins v22.h[1], w9")
		fn.Op("fcvtl v22.4s, v22.4h")
		fn.Op("fmla v25.4s, v22.4s, v22.s[1]")
	}
	fn.Go("SUBS $1, R2")
	fn.Go("BNE loop")
	fn.Label("done")
	fn.Op("faddp v7.4s, v7.4s, v7.4s")
	fn.Op("faddp s7, v7.2s")
	if L.min {
		fn.Go("FADDS F25, F7")
	}
	fn.Go("FMOVS F7, %s", fn.Arg("ret"))
	fn.Ret()
}

// neonXorWords is the read-bandwidth probe of the benchmarks.
func neonXorWords(f *a64.File) {
	fn := f.Func("xorWordsNEON", "func(b []byte) uint64", "xorWordsNEON returns the XOR of the 64-bit words of b, len(b) a multiple of 128: a streaming read at full width, to measure read bandwidth.")
	fn.Go("MOVD %s, R0", fn.Arg("b_base"))
	fn.Go("MOVD %s, R2", fn.Arg("b_len"))
	fn.Go("LSR $7, R2")
	for i := 16; i < 24; i++ {
		fn.Op("eor v%d.16b, v%d.16b, v%d.16b", i, i, i)
	}
	fn.Go("CBZ R2, done")
	fn.Label("loop")
	fn.Go("VLD1.P 64(R0), [V0.B16, V1.B16, V2.B16, V3.B16]")
	fn.Go("VLD1.P 64(R0), [V4.B16, V5.B16, V6.B16, V7.B16]")
	for i := range 8 {
		fn.Op("eor v%d.16b, v%d.16b, v%d.16b", 16+i, 16+i, i)
	}
	fn.Go("SUBS $1, R2")
	fn.Go("BNE loop")
	fn.Label("done")
	for i := range 4 {
		fn.Op("eor v%d.16b, v%d.16b, v%d.16b", 16+i, 16+i, 20+i)
	}
	fn.Op("eor v16.16b, v16.16b, v17.16b")
	fn.Op("eor v18.16b, v18.16b, v19.16b")
	fn.Op("eor v16.16b, v16.16b, v18.16b")
	fn.Go("VMOV V16.D[0], R3")
	fn.Go("VMOV V16.D[1], R4")
	fn.Go("EOR R4, R3")
	fn.Go("MOVD R3, %s", fn.Arg("ret"))
	fn.Ret()
}

// writeNEON writes the arm64 kernels.
func writeNEON(asmPath, stubsPath string) error {
	f := a64.NewFile("go run ./quant")
	f.Package = "quant"
	neonQ8_0(f)
	neonQ4_0(f)
	neonQ4_K(f, false)
	neonQ4_K(f, true)
	neonQ6_K(f)
	for _, l := range legacies {
		neonLegacy(f, l)
	}
	neonIQ4_XS(f)
	neonQ2_K(f)
	neonQ3_K(f)
	neonFloatDot(f, false)
	neonFloatDot(f, true)
	neonDequantQ8(f, "Q8_0", 2)
	neonDequantQ8(f, "Q8_1", 4)
	for _, l := range neonDq32s {
		neonDequantLegacy(f, l)
	}
	neonDequantQ2_K(f)
	neonDequantQ3_K(f)
	neonDequantK45(f, false)
	neonDequantK45(f, true)
	neonDequantQ6_K(f)
	neonDequantQ8_K(f)
	neonDequantIQ4_XS(f)
	neonXorWords(f)
	return f.Write(asmPath, stubsPath)
}

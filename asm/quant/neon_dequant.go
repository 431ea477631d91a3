package main

import "github.com/batuta-go/stack/asm/internal/a64"

// NEON dequantization, bit-exact with the references: one float32 product
// per value (Q4_K: product, then the min subtracted). R0 = dst, R1 = src
// (R3 the super-block), R2 = blocks left.

func neonDequantHeader(f *a64.File, name, doc string, shift int) *a64.Func {
	fn := f.Func(name, "func(dst []float32, src []byte)", name+" "+doc)
	fn.Go("MOVD %s, R0", fn.Arg("dst_base"))
	fn.Go("MOVD %s, R1", fn.Arg("src_base"))
	fn.Go("MOVD %s, R2", fn.Arg("dst_len"))
	fn.Go("LSR $%d, R2", shift)
	return fn
}

// neonWiden16 converts the 16 signed bytes of v (unsigned when !signed)
// to float32, multiplies them by the lane mul (a "vN.s[i]" operand),
// subtracts sub (a vector register number, or -1) and stores them at R0.
// It clobbers V16-V19, V21 and V22.
func neonWiden16(fn *a64.Func, v int, signed bool, mul string, sub int) {
	ext := "uxtl"
	if signed {
		ext = "sxtl"
	}
	fn.Op("%s v21.8h, v%d.8b", ext, v)
	fn.Op("%s2 v22.8h, v%d.16b", ext, v)
	fn.Op("%s v16.4s, v21.4h", ext)
	fn.Op("%s2 v17.4s, v21.8h", ext)
	fn.Op("%s v18.4s, v22.4h", ext)
	fn.Op("%s2 v19.4s, v22.8h", ext)
	for r := 16; r < 20; r++ {
		fn.Op("scvtf v%d.4s, v%d.4s", r, r)
		fn.Op("fmul v%d.4s, v%d.4s, %s", r, r, mul)
		if sub >= 0 {
			fn.Op("fsub v%d.4s, v%d.4s, v%d.4s", r, r, sub)
		}
	}
	fn.Go("VST1.P [V16.S4, V17.S4, V18.S4, V19.S4], 64(R0)")
}

func neonDequantQ8_0(f *a64.File) {
	fn := neonDequantHeader(f, "dequantQ8_0NEON", "is dequantizeQ8_0: dst[i] = float(q[i])·d, block by block.", 5)
	fn.Go("CBZ R2, done")
	fn.Label("loop")
	fn.Go("MOVHU.P 2(R1), R4")
	fn.Op("ins v5.h[0], w4")
	fn.Op("fcvtl v5.4s, v5.4h")
	fn.Go("VLD1.P 32(R1), [V0.B16, V1.B16]")
	neonWiden16(fn, 0, true, "v5.s[0]", -1)
	neonWiden16(fn, 1, true, "v5.s[0]", -1)
	fn.Go("SUBS $1, R2")
	fn.Go("BNE loop")
	fn.Label("done")
	fn.Ret()
}

func neonDequantQ4_0(f *a64.File) {
	fn := neonDequantHeader(f, "dequantQ4_0NEON", "is dequantizeQ4_0: dst[i] = float(u[i]−8)·d, block by block.", 5)
	fn.Op("movi v30.16b, #0x0f")
	fn.Op("movi v31.16b, #8")
	fn.Go("CBZ R2, done")
	fn.Label("loop")
	fn.Go("MOVHU.P 2(R1), R4")
	fn.Op("ins v5.h[0], w4")
	fn.Op("fcvtl v5.4s, v5.4h")
	fn.Go("VLD1.P 16(R1), [V0.B16]")
	fn.Op("and v1.16b, v0.16b, v30.16b")
	fn.Op("ushr v0.16b, v0.16b, #4")
	fn.Op("sub v1.16b, v1.16b, v31.16b")
	fn.Op("sub v0.16b, v0.16b, v31.16b")
	neonWiden16(fn, 1, true, "v5.s[0]", -1)
	neonWiden16(fn, 0, true, "v5.s[0]", -1)
	fn.Go("SUBS $1, R2")
	fn.Go("BNE loop")
	fn.Label("done")
	fn.Ret()
}

func neonDequantQ4_K(f *a64.File) {
	fn := neonDequantHeader(f, "dequantQ4_KNEON", "is dequantizeQ4_K: dst[i] = float(d·sc_j · q[i]) − dmin·m_j, super-block by super-block.", 8)
	fn.Op("movi v30.16b, #0x0f")
	fn.Go("CBZ R2, done")
	fn.Label("loop")
	fn.Go("MOVD R1, R3")
	neonUnpackK4(fn)
	fn.Go("ORR R9<<32, R8, R8")
	fn.Go("ORR R11<<32, R13, R13")
	fn.Op("ins v8.d[0], x8")
	fn.Op("ins v8.d[1], x13")
	fn.Go("MOVWU (R3), R4")
	fn.Op("ins v20.s[0], w4")
	fn.Op("fcvtl v20.4s, v20.4h")
	fn.Op("uxtl v9.8h, v8.8b")
	fn.Op("uxtl2 v10.8h, v8.16b")
	fn.Op("uxtl v11.4s, v9.4h")
	fn.Op("uxtl2 v12.4s, v9.8h")
	fn.Op("uxtl v13.4s, v10.4h")
	fn.Op("uxtl2 v14.4s, v10.8h")
	for r := 11; r <= 14; r++ {
		fn.Op("scvtf v%d.4s, v%d.4s", r, r)
	}
	fn.Op("fmul v11.4s, v11.4s, v20.s[0]") // d·sc_j
	fn.Op("fmul v12.4s, v12.4s, v20.s[0]")
	fn.Op("fmul v13.4s, v13.4s, v20.s[1]") // dmin·m_j
	fn.Op("fmul v14.4s, v14.4s, v20.s[1]")
	fn.Go("ADD $16, R3, R4")
	for k := range 4 {
		fn.Go("VLD1.P 32(R4), [V0.B16, V1.B16]")
		fn.Op("and v24.16b, v0.16b, v30.16b")
		fn.Op("and v25.16b, v1.16b, v30.16b")
		fn.Op("ushr v26.16b, v0.16b, #4")
		fn.Op("ushr v27.16b, v1.16b, #4")
		for h := range 2 {
			j := 2*k + h
			fn.Op("dup v15.4s, v%d.s[%d]", 13+j/4, j%4)
			mul := "v" + []string{"11", "12"}[j/4] + ".s[" + string(rune('0'+j%4)) + "]"
			neonWiden16(fn, 24+2*h, false, mul, 15)
			neonWiden16(fn, 25+2*h, false, mul, 15)
		}
	}
	fn.Go("ADD $144, R1")
	fn.Go("SUBS $1, R2")
	fn.Go("BNE loop")
	fn.Label("done")
	fn.Ret()
}

func neonDequantQ6_K(f *a64.File) {
	fn := neonDequantHeader(f, "dequantQ6_KNEON", "is dequantizeQ6_K: dst[i] = (d·sc_j)·(q[i]−32), super-block by super-block.", 8)
	fn.Op("movi v30.16b, #0x0f")
	fn.Op("movi v31.16b, #0x30")
	fn.Op("movi v29.16b, #32")
	fn.Go("CBZ R2, done")
	fn.Label("loop")
	fn.Go("MOVD R1, R3")
	fn.Go("MOVHU 208(R3), R4")
	fn.Op("ins v20.h[0], w4")
	fn.Op("fcvtl v20.4s, v20.4h")
	fn.Go("ADD $192, R3, R6")
	fn.Go("VLD1 (R6), [V8.B16]")
	fn.Op("sxtl v9.8h, v8.8b")
	fn.Op("sxtl2 v8.8h, v8.16b")
	fn.Op("sxtl v10.4s, v9.4h")
	fn.Op("sxtl2 v11.4s, v9.8h")
	fn.Op("sxtl v12.4s, v8.4h")
	fn.Op("sxtl2 v13.4s, v8.8h")
	for r := 10; r <= 13; r++ {
		fn.Op("scvtf v%d.4s, v%d.4s", r, r)
		fn.Op("fmul v%d.4s, v%d.4s, v20.s[0]", r, r)
	}
	fn.Go("MOVD R3, R4")
	fn.Go("ADD $128, R3, R7")
	for half := range 2 {
		fn.Go("VLD1.P 64(R4), [V0.B16, V1.B16, V2.B16, V3.B16]")
		fn.Go("VLD1.P 32(R7), [V4.B16, V5.B16]")
		for k := range 4 {
			for p := range 2 {
				ql := p + 2*(k%2)
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
				fn.Op("sub v24.16b, v24.16b, v29.16b")
				j := 8*half + 2*k + p
				neonWiden16(fn, 24, true, "v"+[]string{"10", "11", "12", "13"}[j/4]+".s["+string(rune('0'+j%4))+"]", -1)
			}
		}
	}
	fn.Go("ADD $210, R1")
	fn.Go("SUBS $1, R2")
	fn.Go("BNE loop")
	fn.Label("done")
	fn.Ret()
}

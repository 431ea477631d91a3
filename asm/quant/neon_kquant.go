package main

import "github.com/batuta-go/stack/asm/internal/a64"

// NEON forms of the IQ4_XS, Q2_K and Q3_K kernels: SDOT per 16 or 32
// values into a zeroed V29 (V24 for IQ4_XS), MLA by the sub-block scale
// (int32 lanes of V10-V13) into V6, the super-block's exact int32 lanes.

// neonSuperLoop opens the super-block loop: R3 = x block, R1 = y block.
func neonSuperLoop(fn *a64.Func) {
	fn.Go("CBZ R2, done")
	fn.Go("MOVD R0, R3")
	fn.Label("loop")
}

func neonSuperNext(fn *a64.Func, xBytes int) {
	fn.Go("ADD $%d, R3", xBytes)
	fn.Go("ADD $292, R1")
	fn.Go("SUBS $1, R2")
	fn.Go("BNE loop")
	fn.Label("done")
}

// neonScales16 widens 16 int16 scales in V9 (0-7) and V8 (8-15) to int32
// lanes V10-V13.
func neonScales16(fn *a64.Func) {
	fn.Op("sxtl v10.4s, v9.4h")
	fn.Op("sxtl2 v11.4s, v9.8h")
	fn.Op("sxtl v12.4s, v8.4h")
	fn.Op("sxtl2 v13.4s, v8.8h")
}

// neonBsumDot sets V14 to 4 int32 lanes summing bsums·(V9, V8).
func neonBsumDot(fn *a64.Func) {
	fn.Go("ADD $260, R1, R6")
	fn.Go("VLD1 (R6), [V16.H8, V17.H8]")
	fn.Op("smull v14.4s, v16.4h, v9.4h")
	fn.Op("smlal2 v14.4s, v16.8h, v9.8h")
	fn.Op("smlal v14.4s, v17.4h, v8.4h")
	fn.Op("smlal2 v14.4s, v17.8h, v8.8h")
}

func neonIQ4_XS(f *a64.File) {
	fn := neonHeader(f, "dotIQ4_XSNEON", "is dotIQ4_XSGeneric: IQ4_XS row x times Q8_K row y, n values (SDOT).", 8)
	var c []byte
	for _, v := range kvaluesIQ4NL {
		c = append(c, byte(v))
	}
	fn.Go("MOVD $%s, R4", neonData(f, "iq4nlvalues", c))
	fn.Go("VLD1 (R4), [V29.B16]")
	fn.Op("movi v30.16b, #0x0f")
	neonSuperLoop(fn)
	fn.Go("MOVHU 2(R3), R8")
	fn.Go("MOVWU 4(R3), R9")
	for ib := range 8 {
		// (scales_l nibble ib | 2 bits ib of scales_h << 4) − 32
		fn.Go("LSRW $%d, R9, R10", 4*ib)
		fn.Go("ANDW $15, R10")
		fn.Go("LSRW $%d, R8, R11", 2*ib)
		fn.Go("ANDW $3, R11")
		fn.Go("ORRW R11<<4, R10, R10")
		fn.Go("SUBW $32, R10")
		fn.Op("ins v%d.s[%d], w10", 10+ib/4, ib%4)
	}
	fn.Op("eor v6.16b, v6.16b, v6.16b")
	fn.Go("ADD $8, R3, R4")
	fn.Go("ADD $4, R1, R5")
	for ib := range 8 {
		fn.Go("VLD1.P 16(R4), [V0.B16]")
		fn.Go("VLD1.P 32(R5), [V2.B16, V3.B16]")
		fn.Op("and v1.16b, v0.16b, v30.16b")
		fn.Op("ushr v0.16b, v0.16b, #4")
		fn.Op("tbl v1.16b, {v29.16b}, v1.16b")
		fn.Op("tbl v0.16b, {v29.16b}, v0.16b")
		fn.Op("eor v24.16b, v24.16b, v24.16b")
		fn.Op("sdot v24.4s, v1.16b, v2.16b")
		fn.Op("sdot v24.4s, v0.16b, v3.16b")
		fn.Op("mla v6.4s, v24.4s, v%d.s[%d]", 10+ib/4, ib%4)
	}
	neonSuperScale(fn, 0, false)
	neonSuperNext(fn, 136)
	neonReturn(fn)
}

func neonQ2_K(f *a64.File) {
	fn := neonHeader(f, "dotQ2_KNEON", "is dotQ2_KGeneric: Q2_K row x times Q8_K row y, n values (SDOT); y's bsums must be the sums of its quants.", 8)
	fn.Op("movi v30.16b, #0x0f")
	fn.Op("movi v31.16b, #3")
	fn.Op("eor v28.16b, v28.16b, v28.16b")
	neonSuperLoop(fn)
	fn.Go("VLD1 (R3), [V15.B16]")
	fn.Op("and v9.16b, v15.16b, v30.16b")
	fn.Op("ushr v15.16b, v15.16b, #4")
	fn.Op("uxtl2 v8.8h, v9.16b")
	fn.Op("uxtl v9.8h, v9.8b")
	neonScales16(fn)
	// Min term: Σ m_j·bsums_j with m_j = scale byte >> 4.
	fn.Op("uxtl2 v8.8h, v15.16b")
	fn.Op("uxtl v9.8h, v15.8b")
	neonBsumDot(fn)
	fn.Op("addv s19, v14.4s")
	fn.Op("eor v6.16b, v6.16b, v6.16b")
	fn.Go("ADD $16, R3, R4")
	fn.Go("ADD $4, R1, R5")
	for h := range 2 {
		fn.Go("VLD1.P 32(R4), [V0.B16, V1.B16]")
		for s := range 4 {
			fn.Go("VLD1.P 32(R5), [V2.B16, V3.B16]")
			for g := range 2 {
				if s == 0 {
					fn.Op("and v24.16b, v%d.16b, v31.16b", g)
				} else {
					fn.Op("ushr v24.16b, v%d.16b, #%d", g, 2*s)
					fn.Op("and v24.16b, v24.16b, v31.16b")
				}
				j := 8*h + 2*s + g
				fn.Op("eor v29.16b, v29.16b, v29.16b")
				fn.Op("sdot v29.4s, v24.16b, v%d.16b", 2+g)
				fn.Op("mla v6.4s, v29.4s, v%d.s[%d]", 10+j/4, j%4)
			}
		}
	}
	neonSuperScale(fn, 80, true)
	fn.Op("scvtf v19.4s, v19.4s")
	fn.Op("fmul v19.4s, v19.4s, v20.s[1]")
	fn.Op("fmls v28.4s, v19.4s, v21.s[0]")
	neonSuperNext(fn, 84)
	fn.Op("fadd v7.4s, v7.4s, v28.4s")
	neonReturn(fn)
}

func neonQ3_K(f *a64.File) {
	fn := neonHeader(f, "dotQ3_KNEON", "is dotQ3_KGeneric: Q3_K row x times Q8_K row y, n values (SDOT); y's bsums must be the sums of its quants.", 8)
	fn.Op("movi v31.16b, #3")
	fn.Op("movi v30.16b, #4")
	fn.Op("movi v27.8h, #32")
	neonSuperLoop(fn)
	fn.Go("MOVWU 96(R3), R8")
	fn.Go("MOVWU 100(R3), R9")
	fn.Go("MOVWU 104(R3), R10")
	// dst = ((src >> lo) & 0x0f0f0f0f) | (((tmp >> hi) & 0x03030303) << 4)
	for _, x := range []struct {
		src, dst string
		lo, hi   int
	}{{"R8", "R11", 0, 0}, {"R9", "R12", 0, 2}, {"R8", "R13", 4, 4}, {"R9", "R14", 4, 6}} {
		fn.Go("LSRW $%d, %s, %s", x.lo, x.src, x.dst)
		fn.Go("ANDW $0x0f0f0f0f, %s", x.dst)
		fn.Go("LSRW $%d, R10, R15", x.hi)
		fn.Go("ANDW $0x03030303, R15")
		fn.Go("ORRW R15<<4, %s, %s", x.dst, x.dst)
	}
	fn.Go("ORR R12<<32, R11, R11")
	fn.Go("ORR R14<<32, R13, R13")
	fn.Op("ins v8.d[0], x11")
	fn.Op("ins v8.d[1], x13")
	fn.Op("uxtl v9.8h, v8.8b")
	fn.Op("uxtl2 v8.8h, v8.16b")
	fn.Op("sub v9.8h, v9.8h, v27.8h")
	fn.Op("sub v8.8h, v8.8h, v27.8h")
	neonScales16(fn)
	neonBsumDot(fn)
	fn.Op("shl v14.4s, v14.4s, #2")
	fn.Op("eor v6.16b, v6.16b, v6.16b")
	fn.Op("sub v6.4s, v6.4s, v14.4s")
	fn.Go("VLD1 (R3), [V22.B16, V23.B16]")
	fn.Go("ADD $32, R3, R4")
	fn.Go("ADD $4, R1, R5")
	for h := range 2 {
		fn.Go("VLD1.P 32(R4), [V0.B16, V1.B16]")
		for s := range 4 {
			fn.Go("VLD1.P 32(R5), [V2.B16, V3.B16]")
			for g := range 2 {
				if s == 0 {
					fn.Op("and v24.16b, v%d.16b, v31.16b", g)
				} else {
					fn.Op("ushr v24.16b, v%d.16b, #%d", g, 2*s)
					fn.Op("and v24.16b, v24.16b, v31.16b")
				}
				// High bit 4h+s of hmask[l] moved to bit 2.
				switch b := 4*h + s; {
				case b < 2:
					fn.Op("shl v25.16b, v%d.16b, #%d", 22+g, 2-b)
					fn.Op("and v25.16b, v25.16b, v30.16b")
				case b == 2:
					fn.Op("and v25.16b, v%d.16b, v30.16b", 22+g)
				default:
					fn.Op("ushr v25.16b, v%d.16b, #%d", 22+g, b-2)
					fn.Op("and v25.16b, v25.16b, v30.16b")
				}
				fn.Op("orr v24.16b, v24.16b, v25.16b")
				j := 8*h + 2*s + g
				fn.Op("eor v29.16b, v29.16b, v29.16b")
				fn.Op("sdot v29.4s, v24.16b, v%d.16b", 2+g)
				fn.Op("mla v6.4s, v29.4s, v%d.s[%d]", 10+j/4, j%4)
			}
		}
	}
	neonSuperScaleExact(fn, 108)
	neonSuperNext(fn, 110)
	neonReturn(fn)
}

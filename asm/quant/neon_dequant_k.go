package main

import "github.com/batuta-go/stack/asm/internal/a64"

// NEON dequantization of the 256-value super-block types (see
// neon_dequant.go): the sub-block scales (and mins) are made float32 once
// per super-block, each the reference's product of the super-block scale
// and the small integer, into lanes of V8-V15; then each 16 values are
// one neonWiden16 by a lane. R3 = the super-block.

// neonScalesF sets V(dst)…V(dst+3) to the 16 bytes of V(src) (signed or
// unsigned) as float32 times the lane mul. It clobbers V21 and V22.
func neonScalesF(fn *a64.Func, src, dst int, signed bool, mul string) {
	ext := "uxtl"
	if signed {
		ext = "sxtl"
	}
	fn.Op("%s v21.8h, v%d.8b", ext, src)
	fn.Op("%s2 v22.8h, v%d.16b", ext, src)
	fn.Op("%s v%d.4s, v21.4h", ext, dst)
	fn.Op("%s2 v%d.4s, v21.8h", ext, dst+1)
	fn.Op("%s v%d.4s, v22.4h", ext, dst+2)
	fn.Op("%s2 v%d.4s, v22.8h", ext, dst+3)
	for r := dst; r < dst+4; r++ {
		fn.Op("scvtf v%d.4s, v%d.4s", r, r)
		fn.Op("fmul v%d.4s, v%d.4s, %s", r, r, mul)
	}
}

// neonShiftAnd sets the bytes of V(dst) to those of V(src) shifted left
// by shift (right by −shift when negative), then masked with V(mask).
func neonShiftAnd(fn *a64.Func, dst, src, shift, mask int) {
	switch {
	case shift > 0:
		fn.Op("shl v%d.16b, v%d.16b, #%d", dst, src, shift)
	case shift < 0:
		fn.Op("ushr v%d.16b, v%d.16b, #%d", dst, src, -shift)
	default:
		fn.Op("and v%d.16b, v%d.16b, v%d.16b", dst, src, mask)
		return
	}
	fn.Op("and v%d.16b, v%d.16b, v%d.16b", dst, dst, mask)
}

func neonDequantSuperLoop(fn *a64.Func) {
	fn.Go("CBZ R2, done")
	fn.Label("loop")
	fn.Go("MOVD R1, R3")
}

// neonHalves loads the float16 at off(R3) (and the one after it, when
// pair) as float32 into V20 lanes 0 (and 1).
func neonHalves(fn *a64.Func, off int, pair bool) {
	if pair {
		fn.Go("MOVWU %d(R3), R4", off)
		fn.Op("ins v20.s[0], w4")
	} else {
		fn.Go("MOVHU %d(R3), R4", off)
		fn.Op("ins v20.h[0], w4")
	}
	fn.Op("fcvtl v20.4s, v20.4h")
}

// neonDequantQ2_K: value l of sub-block j is
// float(d·sc_j · ((q >> 2s) & 3)) − dmin·m_j; the 16 sub-blocks of 16
// values run over the two 32-byte halves of qs, four shifts each, the two
// 16-byte groups of a half at each shift.
func neonDequantQ2_K(f *a64.File) {
	fn := neonDequantHeader(f, "dequantQ2_KNEON", "is dequantizeQ2_K: dst[i] = float(d·sc_j · q[i]) − dmin·m_j, super-block by super-block.", 8)
	fn.Op("movi v30.16b, #0x0f")
	fn.Op("movi v31.16b, #3")
	neonDequantSuperLoop(fn)
	neonHalves(fn, 80, true)
	fn.Go("VLD1 (R3), [V16.B16]")
	fn.Op("and v17.16b, v16.16b, v30.16b")
	fn.Op("ushr v16.16b, v16.16b, #4")
	neonScalesF(fn, 17, 8, false, "v20.s[0]")  // d·sc_j
	neonScalesF(fn, 16, 12, false, "v20.s[1]") // dmin·m_j
	fn.Go("ADD $16, R3, R4")
	for h := range 2 {
		fn.Go("VLD1.P 32(R4), [V0.B16, V1.B16]")
		for s := range 4 {
			for g := range 2 {
				j := 8*h + 2*s + g
				neonShiftAnd(fn, 24, g, -2*s, 31)
				fn.Op("dup v23.4s, %s", neonLane(12, j))
				neonWiden16(fn, 24, false, neonLane(8, j), "fsub", 23)
			}
		}
	}
	fn.Go("ADD $84, R1")
	neonDequantNext(fn)
}

// neonQ3Scales leaves the sixteen 6-bit scales of the Q3_K block at R3
// (unsigned, before the −32) in the bytes of V8: scale j is the low (j < 8)
// or high nibble of byte j%8, with bits 2(j/4), 2(j/4)+1 of byte 8+j%4
// above it. Clobbers R8-R15.
func neonQ3Scales(fn *a64.Func) {
	fn.Go("MOVWU 96(R3), R8")  // bytes 0-3
	fn.Go("MOVWU 100(R3), R9") // bytes 4-7
	fn.Go("MOVWU 104(R3), R10")
	// Scales 4q…4q+3: the nibbles at lo of word src, the crumbs at 2q of R10.
	for q, x := range []struct {
		src, dst string
		lo       int
	}{{"R8", "R11", 0}, {"R9", "R12", 0}, {"R8", "R13", 4}, {"R9", "R14", 4}} {
		fn.Go("LSRW $%d, %s, %s", x.lo, x.src, x.dst)
		fn.Go("ANDW $0x0f0f0f0f, %s", x.dst)
		fn.Go("LSRW $%d, R10, R15", 2*q)
		fn.Go("ANDW $0x03030303, R15")
		fn.Go("ORRW R15<<4, %s, %s", x.dst, x.dst)
	}
	fn.Go("ORR R12<<32, R11, R11")
	fn.Go("ORR R14<<32, R13, R13")
	fn.Op("ins v8.d[0], x11")
	fn.Op("ins v8.d[1], x13")
}

// neonDequantQ3_K: value l of sub-block j is
// (d·(sc_j−32)) · float(((q >> 2s) & 3) | hbit<<2 − 4), the high bit
// 4h+s of hmask[l] (set: no −4).
func neonDequantQ3_K(f *a64.File) {
	fn := neonDequantHeader(f, "dequantQ3_KNEON", "is dequantizeQ3_K: dst[i] = (d·(sc_j−32))·float(q[i]−4·(1−hbit[i])), super-block by super-block.", 8)
	fn.Op("movi v31.16b, #3")
	fn.Op("movi v30.16b, #4")
	fn.Op("movi v29.16b, #32")
	neonDequantSuperLoop(fn)
	neonQ3Scales(fn)
	neonHalves(fn, 108, false)
	fn.Op("sub v8.16b, v8.16b, v29.16b")
	neonScalesF(fn, 8, 10, true, "v20.s[0]")
	fn.Go("VLD1 (R3), [V2.B16, V3.B16]") // hmask
	fn.Go("ADD $32, R3, R4")
	for h := range 2 {
		fn.Go("VLD1.P 32(R4), [V0.B16, V1.B16]")
		for s := range 4 {
			for g := range 2 {
				j := 8*h + 2*s + g
				neonShiftAnd(fn, 24, g, -2*s, 31)
				neonShiftAnd(fn, 25, 2+g, 2-(4*h+s), 30) // high bit to bit 2
				fn.Op("orr v24.16b, v24.16b, v25.16b")
				fn.Op("sub v24.16b, v24.16b, v30.16b")
				neonWiden16(fn, 24, true, neonLane(10, j), "", 0)
			}
		}
	}
	fn.Go("ADD $110, R1")
	neonDequantNext(fn)
}

// neonDequantK45: Q4_K, or with q5 Q5_K (a fifth bit per value from
// qh): value l of the 32-value sub-block j is float(d·sc_j · q) − dmin·m_j.
func neonDequantK45(f *a64.File, q5 bool) {
	name, blk, qs := "Q4_K", 144, 16
	if q5 {
		name, blk, qs = "Q5_K", 176, 48
	}
	fn := neonDequantHeader(f, "dequant"+name+"NEON", "is dequantize"+name+": dst[i] = float(d·sc_j · q[i]) − dmin·m_j, super-block by super-block.", 8)
	fn.Op("movi v30.16b, #0x0f")
	if q5 {
		fn.Op("movi v31.16b, #0x10")
	}
	neonDequantSuperLoop(fn)
	neonUnpackK4(fn)
	fn.Op("ins v8.d[0], x8")
	fn.Op("ins v8.d[1], x13")
	neonHalves(fn, 0, true)
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
	if q5 {
		fn.Go("ADD $16, R3, R6")
		fn.Go("VLD1 (R6), [V2.B16, V3.B16]") // qh
	}
	fn.Go("ADD $%d, R3, R4", qs)
	for k := range 4 {
		fn.Go("VLD1.P 32(R4), [V0.B16, V1.B16]")
		fn.Op("and v24.16b, v0.16b, v30.16b")
		fn.Op("and v25.16b, v1.16b, v30.16b")
		fn.Op("ushr v26.16b, v0.16b, #4")
		fn.Op("ushr v27.16b, v1.16b, #4")
		for h := range 2 {
			j := 2*k + h
			if q5 {
				for p := range 2 { // bit j of qh[16p+l] to bit 4
					neonShiftAnd(fn, 28, 2+p, 4-j, 31)
					fn.Op("orr v%d.16b, v%d.16b, v28.16b", 24+2*h+p, 24+2*h+p)
				}
			}
			fn.Op("dup v15.4s, %s", neonLane(13, j))
			neonWiden16(fn, 24+2*h, false, neonLane(11, j), "fsub", 15)
			neonWiden16(fn, 25+2*h, false, neonLane(11, j), "fsub", 15)
		}
	}
	fn.Go("ADD $%d, R1", blk)
	neonDequantNext(fn)
}

func neonDequantQ6_K(f *a64.File) {
	fn := neonDequantHeader(f, "dequantQ6_KNEON", "is dequantizeQ6_K: dst[i] = (d·sc_j)·(q[i]−32), super-block by super-block.", 8)
	fn.Op("movi v30.16b, #0x0f")
	fn.Op("movi v31.16b, #0x30")
	fn.Op("movi v29.16b, #32")
	neonDequantSuperLoop(fn)
	neonHalves(fn, 208, false)
	fn.Go("ADD $192, R3, R6")
	fn.Go("VLD1 (R6), [V8.B16]")
	neonScalesF(fn, 8, 10, true, "v20.s[0]")
	fn.Go("MOVD R3, R4")
	fn.Go("ADD $128, R3, R7")
	for half := range 2 {
		fn.Go("VLD1.P 64(R4), [V0.B16, V1.B16, V2.B16, V3.B16]")
		fn.Go("VLD1.P 32(R7), [V4.B16, V5.B16]")
		for k := range 4 {
			for p := range 2 {
				ql := p + 2*(k%2)
				if k < 2 {
					fn.Op("and v24.16b, v%d.16b, v30.16b", ql)
				} else {
					fn.Op("ushr v24.16b, v%d.16b, #4", ql)
				}
				// Bits 2k, 2k+1 of qh to bits 4, 5.
				neonShiftAnd(fn, 25, 4+p, 4-2*k, 31)
				fn.Op("orr v24.16b, v24.16b, v25.16b")
				fn.Op("sub v24.16b, v24.16b, v29.16b")
				neonWiden16(fn, 24, true, neonLane(10, 8*half+2*k+p), "", 0)
			}
		}
	}
	fn.Go("ADD $210, R1")
	neonDequantNext(fn)
}

// neonDequantQ8_K: dst[i] = d·float(q[i]), d a float32.
func neonDequantQ8_K(f *a64.File) {
	fn := neonDequantHeader(f, "dequantQ8_KNEON", "is dequantizeQ8_K: dst[i] = d·float(q[i]), super-block by super-block.", 8)
	neonDequantSuperLoop(fn)
	fn.Go("MOVWU (R1), R4")
	fn.Op("ins v5.s[0], w4")
	fn.Go("ADD $4, R1")
	for range 4 {
		fn.Go("VLD1.P 64(R1), [V0.B16, V1.B16, V2.B16, V3.B16]")
		for v := range 4 {
			neonWiden16(fn, v, true, "v5.s[0]", "", 0)
		}
	}
	fn.Go("ADD $32, R1") // bsums
	neonDequantNext(fn)
}

// neonDequantIQ4_XS: value l of sub-block ib is
// (d·(ls_ib−32)) · float(kvaluesIQ4NL[u]), ls_ib the 4 bits ib of scales_l
// with the 2 bits ib of scales_h above them.
func neonDequantIQ4_XS(f *a64.File) {
	fn := neonDequantHeader(f, "dequantIQ4_XSNEON", "is dequantizeIQ4_XS: dst[i] = (d·(ls_j−32))·float(kvaluesIQ4NL[u[i]]), super-block by super-block.", 8)
	fn.Go("MOVD $%s, R4", neonIQ4Table(f))
	fn.Go("VLD1 (R4), [V29.B16]")
	fn.Op("movi v30.16b, #0x0f")
	neonDequantSuperLoop(fn)
	neonHalves(fn, 0, false)
	fn.Go("MOVHU 2(R3), R8")
	fn.Go("MOVWU 4(R3), R9")
	for ib := range 8 {
		fn.Go("LSRW $%d, R9, R10", 4*ib)
		fn.Go("ANDW $15, R10")
		fn.Go("LSRW $%d, R8, R11", 2*ib)
		fn.Go("ANDW $3, R11")
		fn.Go("ORRW R11<<4, R10, R10")
		fn.Go("SUBW $32, R10")
		fn.Op("ins %s, w10", neonLane(10, ib))
	}
	for r := 10; r <= 11; r++ {
		fn.Op("scvtf v%d.4s, v%d.4s", r, r)
		fn.Op("fmul v%d.4s, v%d.4s, v20.s[0]", r, r)
	}
	fn.Go("ADD $8, R3, R4")
	for ib := range 8 {
		fn.Go("VLD1.P 16(R4), [V0.B16]")
		fn.Op("and v1.16b, v0.16b, v30.16b")
		fn.Op("ushr v0.16b, v0.16b, #4")
		fn.Op("tbl v1.16b, {v29.16b}, v1.16b")
		fn.Op("tbl v0.16b, {v29.16b}, v0.16b")
		neonWiden16(fn, 1, true, neonLane(10, ib), "", 0)
		neonWiden16(fn, 0, true, neonLane(10, ib), "", 0)
	}
	fn.Go("ADD $136, R1")
	neonDequantNext(fn)
}

package main

import (
	. "github.com/mmcloughlin/avo/build"
	. "github.com/mmcloughlin/avo/operand"
	. "github.com/mmcloughlin/avo/reg"
)

// The AVX-512 VNNI kernels of Q2_K and Q3_K, and the VNNI kernels of
// IQ4_XS (AVX-VNNI and AVX-512 VNNI).
//
// Q2_K and Q3_K take 64 values per ZMM register as the Q4_K kernel does:
// the 32 quant bytes of a 128-value half broadcast to both halves of the
// register and shifted per half (VPSRLVQ) give the levels of four 16-value
// sub-blocks in value order; VPMADDUBSW pairs them with the activation,
// and VPDPWSSD multiplies the pairs by the sub-block scales (spread over
// the words by VPERMW) into the int32 lanes. VPDPBUSD would sum four
// products per lane, but the scales change every 16 values and
// VPDPWSSD applies them in the same instruction: VPMADDUBSW and
// VPDPWSSD are two instructions per 64 values, as few as VPDPBUSD and a
// scale multiply would be.
//
// IQ4_XS's levels reach ±127: VPMADDUBSW pairs of them could saturate, so
// the kernels look up level+128 (unsigned) and sum with VPDPBUSD; the
// offset, 128·Σ scale·y, comes from the activation's bsums, and the 32-value
// sub-block scale multiplies the lanes (VPMULLD).

// q2kShifts is the VPSRLVQ count vector that turns a broadcast 128-value
// half of Q2_K or Q3_K quants into the 2-bit fields s and s+1 (s = 2p)
// of values 64p…64p+31 (low half) and 64p+32…64p+63 (high half).
func q2kShifts(p int) Mem {
	return dwordsConst("q2k_shift"+string(rune('0'+p)), 16, func(i int) uint32 {
		if i%2 == 1 {
			return 0
		}
		return uint32(4*p + 2*(i/8))
	})
}

// q2kScaleIndex returns VPERMW's index vectors for 64-value chunk k of a
// super-block of 16-value sub-blocks: word i takes scale 4k + i/8.
func q2kScaleIndex(regs []VecPhysical) {
	for k, r := range regs {
		VMOVDQU64(wordIndex("q2k_scale_idx"+string(rune('0'+k)), func(i int) int { return 4*k + i/8 }), r)
	}
}

// emitQ2_KZ writes the AVX-512 VNNI Q2_K kernel: levels in [0, 3]
// (VPMADDUBSW pairs ≤ 768), 4-bit scales; the min term dmin·Σ m_j·bsums_j
// in eight float lanes of its own.
func emitQ2_KZ() {
	name := "dotQ2_KAVX512VNNI"
	header(name, "is dotQ2_KGeneric: Q2_K row x times Q8_K row y, n values; y's bsums must be the sums of its quants.")
	SHRQ(U8(8), RCX)
	VXORPS(Z0, Z0, Z0)
	VXORPS(Y15, Y15, Y15) // Σ min terms
	splatZ(0x03030303, Z5)
	splat(0x000f000f, Y6)
	idx := []VecPhysical{Z16, Z17, Z18, Z19}
	q2kScaleIndex(idx)
	shifts := []VecPhysical{Z20, Z21}
	for p, r := range shifts {
		VMOVDQU64(q2kShifts(p), r)
	}
	TESTQ(RCX, RCX)
	JZ(LabelRef("done"))
	Label("loop")
	prefetch(8192)
	// Scales (low nibbles) as words in Y12, VPERMW's table; the mins
	// (high nibbles) against the bsums.
	VPMOVZXBW(Mem{Base: RSI}, Y10)
	VPAND(Y6, Y10, Y12)
	VPSRLW(U8(4), Y10, Y10)
	VPMADDWD(Mem{Base: RDI, Disp: 260}, Y10, Y10)
	VCVTDQ2PS(Y10, Y10)
	loadScale(Mem{Base: RSI, Disp: 82}, Y11)
	VBROADCASTSS(Mem{Base: RDI}, Y9)
	VMULPS(Y9, Y11, Y11)
	VFNMADD231PS(Y11, Y10, Y15)
	VPXORD(Z13, Z13, Z13)
	for h := range 2 {
		VBROADCASTI64X4(Mem{Base: RSI, Disp: 16 + 32*h}, Z14)
		for p, sh := range shifts {
			k := 2*h + p
			VPSRLVQ(sh, Z14, Z1)
			VPANDD(Z5, Z1, Z1)
			VPMADDUBSW(Mem{Base: RDI, Disp: 4 + 64*k}, Z1, Z3)
			VPERMW(Z12, idx[k], Z2)
			vpdpwssd(Z2, Z3, Z13)
		}
	}
	zmmSuperBlockEnd(80, 84, acc, true)
}

// emitQ3_KZ writes the AVX-512 VNNI Q3_K kernel: levels u = 2 low bits |
// high bit << 2 in [0, 7] (the high bits of a chunk rotated per half into
// bit 2, VPRORVQ), VPMADDUBSW pairs ≤ 1792, signed 6-bit scales; Σ
// (u−4)·y·sc = Σ u·y·sc − 4·Σ sc·bsums, the lanes added exactly before
// the float scale.
func emitQ3_KZ() {
	name := "dotQ3_KAVX512VNNI"
	header(name, "is dotQ3_KGeneric: Q3_K row x times Q8_K row y, n values; y's bsums must be the sums of its quants.")
	sc := Y10
	SHRQ(U8(8), RCX)
	VXORPS(X0, X0, X0)
	splatZ(0x03030303, Z5)
	splatZ(0x04040404, Z6)
	splat(0x00200020, Y7) // int16 32
	idx := []VecPhysical{Z16, Z17, Z18, Z19}
	q2kScaleIndex(idx)
	shifts := []VecPhysical{Z20, Z21}
	for p, r := range shifts {
		VMOVDQU64(q2kShifts(p), r)
	}
	// Chunk k's high bits are bit 2k (low half) and 2k+1 (high half) of
	// the hmask bytes: rotated right by 2k−2 and 2k−1 (mod 64) they land
	// on bit 2 of the same byte.
	rots := []VecPhysical{Z22, Z23, Z24, Z25}
	for k, r := range rots {
		VMOVDQU64(dwordsConst("q3k_rot"+string(rune('0'+k)), 16, func(i int) uint32 {
			if i%2 == 1 {
				return 0
			}
			return uint32(2*k-2+i/8+64) % 64
		}), r)
	}
	TESTQ(RCX, RCX)
	JZ(LabelRef("done"))
	Label("loop")
	prefetch(8192)
	unpackQ3Scales()
	VPMOVZXBW(X10, sc)
	VPSUBW(Y7, sc, sc)
	VPMADDWD(Mem{Base: RDI, Disp: 260}, sc, Y13)
	VPSLLD(U8(2), Y13, Y13)
	VPXOR(Y14, Y14, Y14)
	VPSUBD(Y13, Y14, Y13)                // −4·Σ sc·bsums (upper lanes zero)
	VBROADCASTI64X4(Mem{Base: RSI}, Z15) // hmask
	for h := range 2 {
		VBROADCASTI64X4(Mem{Base: RSI, Disp: 32 + 32*h}, Z14)
		for p, sh := range shifts {
			k := 2*h + p
			VPSRLVQ(sh, Z14, Z1)
			VPANDD(Z5, Z1, Z1)
			VPRORVQ(rots[k], Z15, Z2)
			VPTERNLOGD(U8(0xf8), Z6, Z2, Z1) // Z1 | (Z2 & 4)
			VPMADDUBSW(Mem{Base: RDI, Disp: 4 + 64*k}, Z1, Z3)
			VPERMW(sc.AsZ(), idx[k], Z2)
			vpdpwssd(Z2, Z3, Z13)
		}
	}
	VEXTRACTI64X4(U8(1), Z13, Y14)
	VPADDD(Y14, Y13, Y13)
	exactTail(108, 110)
	hsumReturn(acc)
}

// emitIQ4_XSVNNI writes the AVX-VNNI IQ4_XS kernel: one 32-value
// sub-block per YMM register.
func emitIQ4_XSVNNI() {
	m := modes[1]
	name := "dotIQ4_XS" + m.suffix
	header(name, "is dotIQ4_XSGeneric: IQ4_XS row x times Q8_K row y, n values; y's bsums must be the sums of its quants.")
	sc := AllocLocal(32) // ls − 32, int32
	SHRQ(U8(8), RCX)
	VXORPS(X0, X0, X0)
	splat(0x0f0f0f0f, c1)
	iq4XSSetup()
	VBROADCASTI128(iq4Offset(), Y12)
	TESTQ(RCX, RCX)
	JZ(LabelRef("done"))
	Label("loop")
	prefetch(8192)
	iq4XSScales(Y8)
	VMOVDQU(Y8, sc)
	for ib := range 8 {
		VMOVDQU(Mem{Base: RSI, Disp: 8 + 16*ib}, vx.AsX())
		VPSRLW(U8(4), vx.AsX(), tmp.AsX())
		VINSERTI128(U8(1), tmp.AsX(), vx, vx)
		VPAND(c1, vx, vx)
		VPSHUFB(vx, Y12, vx) // level + 128
		VMOVDQU(Mem{Base: RDI, Disp: 4 + 32*ib}, vy)
		VPXOR(lane, lane, lane)
		vpdpbusd(m, vy, vx, lane)
		VPBROADCASTD(sc.Offset(4*ib), tmp)
		VPMULLD(tmp, lane, lane)
		VPADDD(lane, Y13, Y13)
	}
	exactTail(0, 136)
	hsumReturn(acc)
}

// emitIQ4_XSZ writes the AVX-512 VNNI IQ4_XS kernel: two sub-blocks per
// ZMM register, their 32 quant bytes spread to the four 128-bit lanes
// (VSHUFI64X2) and shifted by 0 and 4 per lane.
func emitIQ4_XSZ() {
	name := "dotIQ4_XSAVX512VNNI"
	header(name, "is dotIQ4_XSGeneric: IQ4_XS row x times Q8_K row y, n values; y's bsums must be the sums of its quants.")
	SHRQ(U8(8), RCX)
	VXORPS(X0, X0, X0)
	splatZ(0x0f0f0f0f, Z5)
	iq4XSSetup()
	VBROADCASTI32X4(iq4Offset(), Z12)
	VMOVDQU64(dwordsConst("iq4xs_nibble_shift", 16, func(i int) uint32 { return uint32(4 * (i / 4 % 2) * (1 - i%2)) }), Z20)
	idx := []VecPhysical{Z16, Z17, Z18, Z19}
	for p, r := range idx {
		VMOVDQU64(dwordsConst("iq4xs_scale_idx"+string(rune('0'+p)), 16, func(i int) uint32 { return uint32(2*p + i/8) }), r)
	}
	TESTQ(RCX, RCX)
	JZ(LabelRef("done"))
	Label("loop")
	prefetch(8192)
	iq4XSScales(Y8)
	for p := range 4 {
		VMOVDQU(Mem{Base: RSI, Disp: 8 + 32*p}, Y1)
		VSHUFI64X2(U8(0x50), Z1, Z1, Z1) // lanes: sub-block 2p twice, 2p+1 twice
		VPSRLVQ(Z20, Z1, Z1)
		VPANDD(Z5, Z1, Z1)
		VPSHUFB(Z1, Z12, Z1) // level + 128
		VPXORD(Z3, Z3, Z3)
		vpdpbusdMem(Mem{Base: RDI, Disp: 4 + 64*p}, Z1, Z3)
		VPERMD(Z8, idx[p], Z2)
		VPMULLD(Z2, Z3, Z3)
		VPADDD(Z3, Z13, Z13)
	}
	VEXTRACTI64X4(U8(1), Z13, Y14)
	VPADDD(Y14, Y13, Y13)
	exactTail(0, 136)
	hsumReturn(acc)
}

// iq4Offset is kvaluesIQ4NL + 128 (unsigned bytes), in both 128-bit lanes.
func iq4Offset() Mem {
	return bytesConst("iq4nl_values_u", func(i int) byte { return byte(int(kvaluesIQ4NL[i%16]) + 128) })
}

// iq4XSSetup loads the constants of iq4XSScales: Y7 int16 −128, Y10 and
// Y11 the shift counts of the scale fields.
func iq4XSSetup() {
	splat(0xff80ff80, Y7)
	VMOVDQU(dwordsConst("dq_mul4", 8, func(i int) uint32 { return uint32(4 * i) }), Y10)
	VMOVDQU(dwordsConst("dq_mul2", 8, func(i int) uint32 { return uint32(2 * i) }), Y11)
}

// iq4XSScales sets the eight int32 lanes of s to the sub-block scales ls_j
// − 32 of the IQ4_XS block at RSI (4 bits from scales_l at offset 4, 2
// from scales_h at offset 2), and Y13 (upper lanes zero) to the lanes'
// start, −128·Σ (ls_j − 32)·(bsums 2j + 2j+1): the offset of the levels.
// Clobbers Y9.
func iq4XSScales(s VecPhysical) {
	VPBROADCASTD(Mem{Base: RSI, Disp: 4}, s)
	VPSRLVD(Y10, s, s)
	VPSLLD(U8(28), s, s)
	VPSRLD(U8(28), s, s)
	VPBROADCASTD(Mem{Base: RSI, Disp: 2}, Y9)
	VPSRLVD(Y11, Y9, Y9)
	VPSLLD(U8(30), Y9, Y9)
	VPSRLD(U8(26), Y9, Y9)
	VPOR(Y9, s, s)
	VPSUBD(dwordsConst("dq_32", 8, func(int) uint32 { return 32 }), s, s)
	VPMADDWD(Mem{Base: RDI, Disp: 260}, Y7, Y13)
	VPMULLD(s, Y13, Y13)
}

package main

import (
	. "github.com/mmcloughlin/avo/build"
	. "github.com/mmcloughlin/avo/operand"
	. "github.com/mmcloughlin/avo/reg"
)

// The other super-block formats against Q8_K: IQ4_XS, Q2_K and Q3_K. As in
// Q4_K and Q6_K, a super-block's integer sum stays exact in int32 lanes
// and meets its float scale once.

// superTail finishes a super-block: acc += float(Y13) · f16(x+dOff) · y.d,
// then advances x and y and loops.
func superTail(dOff, xBytes int) {
	VCVTDQ2PS(Y13, Y13)
	loadScale(Mem{Base: RSI, Disp: dOff}, dx)
	VBROADCASTSS(Mem{Base: RDI}, dy)
	VMULPS(dy, dx, dx)
	VFMADD231PS(dx, Y13, acc)
	ADDQ(U32(xBytes), RSI)
	ADDQ(U32(292), RDI)
	DECQ(RCX)
	JNZ(LabelRef("loop"))
	Label("done")
}

// scaleAdd adds the int16 pairs of lane times the int16 scales in sc to
// the int32 lanes of Y13: VPMADDWD and VPADDD, or one VPDPWSSD with VNNI.
func scaleAdd(m mode, sc, lane VecPhysical) {
	if m.vnni != 0 {
		vpdpwssdY(m, sc, lane, Y13)
		return
	}
	VPMADDWD(sc, lane, lane)
	VPADDD(lane, Y13, Y13)
}

// exactTail finishes a super-block whose int32 lanes in Y13 (the upper
// half of Z13 zero or added in before) start at a level offset times the
// bsums: the lanes carry offset terms that cancel only in their sum, so
// they are added exactly in integers first (rounded lane by lane, they
// could miss the true sum by more than its own rounding). Then X0 (lane 0
// only: the scalar ops clear the rest) += float(Σ) · f16(x+dOff) · y.d,
// and x and y advance.
func exactTail(dOff, xBytes int) {
	VEXTRACTI128(U8(1), Y13, X14)
	VPADDD(X14, X13, X13)
	VPSHUFD(U8(0x4e), X13, X14)
	VPADDD(X14, X13, X13)
	VPSHUFD(U8(0xb1), X13, X14)
	VPADDD(X14, X13, X13)
	VCVTDQ2PS(X13, X13)
	VPBROADCASTW(Mem{Base: RSI, Disp: dOff}, X8)
	VCVTPH2PS(X8, X8)
	VMULSS(Mem{Base: RDI}, X8, X8)
	VFMADD231SS(X8, X13, X0)
	ADDQ(U32(xBytes), RSI)
	ADDQ(U32(292), RDI)
	DECQ(RCX)
	JNZ(LabelRef("loop"))
	Label("done")
}

// pairShuf returns the VPSHUFB masks that pick, from 8 int16 scales
// repeated in both 128-bit lanes, scale 2k into every word of the low lane
// and scale 2k+1 into the high lane: mask k at offset 32k.
func pairShuf() Mem {
	if m, ok := constData["pair_shuf"]; ok {
		return m
	}
	m := GLOBL("pair_shuf", RODATA|NOPTR)
	for k := range 4 {
		for i := 0; i < 32; i += 8 {
			var v uint64
			for b := 7; b >= 0; b-- {
				w := 2 * k
				if i+b >= 16 {
					w++
				}
				v = v<<8 | uint64(2*w+(i+b)%2)
			}
			DATA(32*k+i, U64(v))
		}
	}
	constData["pair_shuf"] = m
	return m
}

// pairScale sets v to the int16 scale j (of 16 at sc; j even) in the low
// 128-bit lane and scale j+1 in the high lane. S must hold scales
// 8(j/8)…8(j/8)+7 in both lanes (loaded by halfScales when j%8 == 0).
func pairScale(sc Mem, j int, v, S VecPhysical) {
	if j%8 == 0 {
		VBROADCASTI128(sc.Offset(2*j), S)
	}
	VPSHUFB(pairShuf().Offset(32*((j%8)/2)), S, v)
}

// emitIQ4_XS: levels from the IQ4_NL table (signed, up to ±127), widened
// to int16 and multiplied by the 6-bit sub-block scale minus 32 (|·| ≤
// 4064) before VPMADDWD with the widened y: exact.
func emitIQ4_XS() {
	name := "dotIQ4_XSAVX2"
	header(name, "is dotIQ4_XSGeneric: IQ4_XS row x times Q8_K row y, n values.")
	sc := AllocLocal(16) // 8 scales − 32, int16
	SHRQ(U8(8), RCX)
	VXORPS(acc, acc, acc)
	splat(0x0f0f0f0f, c1)
	VBROADCASTI128(bytesConst("iq4nl_values", func(i int) byte { return byte(kvaluesIQ4NL[i%16]) }), Y12)
	TESTQ(RCX, RCX)
	JZ(LabelRef("done"))
	Label("loop")
	prefetch(8192)
	MOVWLZX(Mem{Base: RSI, Disp: 2}, R8L)
	MOVL(Mem{Base: RSI, Disp: 4}, R9L)
	for ib := range 8 {
		MOVL(R9L, EAX)
		SHRL(U8(4*ib), EAX)
		ANDL(U32(0xf), EAX)
		MOVL(R8L, EDX)
		SHRL(U8(2*ib), EDX)
		ANDL(U32(3), EDX)
		SHLL(U8(4), EDX)
		ORL(EDX, EAX)
		SUBL(U32(32), EAX)
		MOVW(AX, sc.Offset(2*ib))
	}
	VPXOR(Y13, Y13, Y13)
	for ib := range 8 {
		VMOVDQU(Mem{Base: RSI, Disp: 8 + 16*ib}, vx.AsX())
		VPSRLW(U8(4), vx.AsX(), tmp.AsX())
		VPAND(c1.AsX(), vx.AsX(), vx.AsX())
		VPAND(c1.AsX(), tmp.AsX(), tmp.AsX())
		VPSHUFB(vx.AsX(), Y12.AsX(), vx.AsX())
		VPSHUFB(tmp.AsX(), Y12.AsX(), tmp.AsX())
		VPBROADCASTW(sc.Offset(2*ib), dx)
		for h, v := range []VecPhysical{vx, tmp} {
			VPMOVSXBW(v.AsX(), v)
			VPMULLW(dx, v, v)
			VPMOVSXBW(Mem{Base: RDI, Disp: 4 + 32*ib + 16*h}, vy)
			VPMADDWD(vy, v, lane)
			VPADDD(lane, Y13, Y13)
		}
	}
	superTail(0, 136)
	hsumReturn(acc)
}

// emitQ2_K: levels in [0, 3] (VPMADDUBSW pairs ≤ 768) times 4-bit scales
// (VPMADDWD, or AVX-VNNI's VPDPWSSD with m.vnni 1); the min term
// dmin·Σ m_j·bsums_j summed apart.
func emitQ2_K(m mode) {
	name := "dotQ2_K" + m.suffix
	header(name, "is dotQ2_KGeneric: Q2_K row x times Q8_K row y, n values; y's bsums must be the sums of its quants.")
	sc := AllocLocal(32) // 16 scales, int16
	SHRQ(U8(8), RCX)
	VXORPS(acc, acc, acc)
	VXORPS(X15, X15, X15)
	splat(0x0f0f0f0f, c1)
	splat(0x03030303, c2)
	TESTQ(RCX, RCX)
	JZ(LabelRef("done"))
	Label("loop")
	prefetch(8192)
	VMOVDQU(Mem{Base: RSI}, X10)
	VPAND(c1.AsX(), X10, X12)
	VPMOVZXBW(X12, Y12)
	VMOVDQU(Y12, sc)
	VPSRLW(U8(4), X10, X10)
	VPAND(c1.AsX(), X10, X10)
	VPMOVZXBW(X10, Y10)
	VPMADDWD(Mem{Base: RDI, Disp: 260}, Y10, Y10)
	VEXTRACTI128(U8(1), Y10, X12)
	VPADDD(X12, X10, X10)
	VPSHUFD(U8(0x4e), X10, X12)
	VPADDD(X12, X10, X10)
	VPSHUFD(U8(0xb1), X10, X12)
	VPADDD(X12, X10, X10)
	VCVTDQ2PS(X10, X10)
	loadScale(Mem{Base: RSI, Disp: 82}, Y12)
	VMULSS(Mem{Base: RDI}, X12, X12)
	VFNMADD231SS(X12, X10, X15)
	VPXOR(Y13, Y13, Y13)
	for h := range 2 {
		VMOVDQU(Mem{Base: RSI, Disp: 16 + 32*h}, Y14)
		for s := range 4 {
			if s == 0 {
				VPAND(c2, Y14, vx)
			} else {
				VPSRLW(U8(2*s), Y14, vx)
				VPAND(c2, vx, vx)
			}
			VPMADDUBSW(Mem{Base: RDI, Disp: 4 + 128*h + 32*s}, vx, lane)
			pairScale(sc, 8*h+2*s, vy, Y7)
			scaleAdd(m, vy, lane)
		}
	}
	superTail(80, 84)
	VADDPS(Y15, acc, acc)
	hsumReturn(acc)
}

// emitQ3_K: levels u = 2 low bits | high bit << 2 in [0, 7] (value u − 4),
// VPMADDUBSW pairs ≤ 1792, times signed 6-bit scales (VPMADDWD, or
// VPDPWSSD with m.vnni 1); Σ (u−4)·y·sc = Σ u·y·sc − 4·Σ sc·bsums, the
// lanes added exactly before the float scale (exactTail).
func emitQ3_K(m mode) {
	name := "dotQ3_K" + m.suffix
	header(name, "is dotQ3_KGeneric: Q3_K row x times Q8_K row y, n values; y's bsums must be the sums of its quants.")
	sc := AllocLocal(32) // 16 scales − 32, int16
	SHRQ(U8(8), RCX)
	VXORPS(acc, acc, acc)
	splat(0x03030303, c1)
	splat(0x04040404, c2)
	splat(0x00200020, ones) // int16 32
	TESTQ(RCX, RCX)
	JZ(LabelRef("done"))
	Label("loop")
	prefetch(8192)
	unpackQ3Scales()
	VPMOVZXBW(X10, Y10)
	VPSUBW(ones, Y10, Y10)
	VMOVDQU(Y10, sc)
	VPMADDWD(Mem{Base: RDI, Disp: 260}, Y10, Y13)
	VPSLLD(U8(2), Y13, Y13)
	VPXOR(Y14, Y14, Y14)
	VPSUBD(Y13, Y14, Y13)        // −4·Σ sc·bsums
	VMOVDQU(Mem{Base: RSI}, Y15) // hmask
	for h := range 2 {
		VMOVDQU(Mem{Base: RSI, Disp: 32 + 32*h}, Y14)
		for s := range 4 {
			if s == 0 {
				VPAND(c1, Y14, vx)
			} else {
				VPSRLW(U8(2*s), Y14, vx)
				VPAND(c1, vx, vx)
			}
			// High bit 4h+s of hmask[l] moved to bit 2.
			switch b := 4*h + s; {
			case b < 2:
				VPSLLW(U8(2-b), Y15, tmp)
				VPAND(c2, tmp, tmp)
			case b == 2:
				VPAND(c2, Y15, tmp)
			default:
				VPSRLW(U8(b-2), Y15, tmp)
				VPAND(c2, tmp, tmp)
			}
			VPOR(tmp, vx, vx)
			VPMADDUBSW(Mem{Base: RDI, Disp: 4 + 128*h + 32*s}, vx, lane)
			pairScale(sc, 8*h+2*s, vy, Y9)
			scaleAdd(m, vy, lane)
		}
	}
	exactTail(108, 110)
	hsumReturn(acc)
}

// unpackQ3Scales leaves the sixteen 6-bit scales of the Q3_K block at RSI
// (unsigned, before the −32) in the bytes of X10: 4 low bits and 2 high
// bits each, on 32-bit words (clobbers R8-R13, DX, AX).
func unpackQ3Scales() {
	MOVL(Mem{Base: RSI, Disp: 96}, R8L)   // aux0
	MOVL(Mem{Base: RSI, Disp: 100}, R9L)  // aux1
	MOVL(Mem{Base: RSI, Disp: 104}, R10L) // tmp
	lowHigh := func(src, shiftLow int, hiShift int, dst GPPhysical) {
		// dst = ((src >> shiftLow) & 0x0f0f0f0f) | (((tmp >> hiShift) & 0x03030303) << 4)
		MOVL([]GPPhysical{R8L, R9L}[src], dst)
		if shiftLow != 0 {
			SHRL(U8(shiftLow), dst)
		}
		ANDL(U32(0x0f0f0f0f), dst)
		MOVL(R10L, EAX)
		if hiShift != 0 {
			SHRL(U8(hiShift), EAX)
		}
		ANDL(U32(0x03030303), EAX)
		SHLL(U8(4), EAX)
		ORL(EAX, dst)
	}
	lowHigh(0, 0, 0, R11L)
	lowHigh(1, 0, 2, R12L)
	lowHigh(0, 4, 4, R13L)
	lowHigh(1, 4, 6, EDX)
	SHLQ(U8(32), R12)
	ORQ(R12, R11)
	SHLQ(U8(32), RDX)
	ORQ(RDX, R13)
	VMOVQ(R11, X10)
	VPINSRQ(U8(1), R13, X10, X10)
}

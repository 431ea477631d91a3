package main

import (
	"github.com/mmcloughlin/avo/ir"

	. "github.com/mmcloughlin/avo/build"
	. "github.com/mmcloughlin/avo/operand"
	. "github.com/mmcloughlin/avo/reg"
)

// AVX-512 VNNI forms of the Q4_K and Q6_K kernels: two sub-blocks per ZMM
// register, the sub-block scales spread over the words by VPERMW, and
// VPDPWSSD multiplying the VPMADDUBSW pairs by them and accumulating into
// the int32 lanes in one instruction (exact: the products are those of
// the AVX2 kernels).

// vpdpwssd emits dst += Σ2 src1·src2 (int16 pairs) per int32 lane, in Go
// operand order.
func vpdpwssd(src2, src1, dst Op) {
	Instruction(&ir.Instruction{Opcode: "VPDPWSSD", Operands: []Op{src2, src1, dst}, Inputs: []Op{src2, src1, dst}, Outputs: []Op{dst}})
}

// wordIndex returns a 64-byte constant of 32 word indices, word i = f(i).
func wordIndex(name string, f func(i int) int) Mem {
	if m, ok := constData[name]; ok {
		return m
	}
	m := GLOBL(name, RODATA|NOPTR)
	for i := 0; i < 64; i += 8 {
		var v uint64
		for k := 3; k >= 0; k-- {
			v = v<<16 | uint64(f(i/2+k))
		}
		DATA(i, U64(v))
	}
	constData[name] = m
	return m
}

// prefetch asks for the weight bytes dist ahead of RSI (the rows stream
// from memory; prefetches past the end of a row are harmless).
func prefetch(dist int) {
	PREFETCHT0(Mem{Base: RSI, Disp: dist})
	PREFETCHT0(Mem{Base: RSI, Disp: dist + 64})
}

// zmmTail finishes a super-block: Z0 += float(Z13) · f16(x+dOff) · y.d.
func zmmTail(dOff int) {
	VCVTDQ2PS(Z13, Z13)
	VPBROADCASTW(Mem{Base: RSI, Disp: dOff}, Y8)
	VCVTPH2PS(Y8, Z8)
	VBROADCASTSS(Mem{Base: RDI}, Z9)
	VMULPS(Z9, Z8, Z8)
	VFMADD231PS(Z8, Z13, Z0)
}

func zmmFold() {
	VEXTRACTF64X4(U8(1), Z0, Y1)
	VADDPS(Y1, Y0, Y0)
}

// zmmSuperBlockEnd closes the super-block loop of a Q8_K-companion ZMM
// kernel: zmmTail(dOff), the pointers advanced by blockBytes of x and one
// Q8_K block (292 bytes) of y; after the loop Z0 folded to Y0, plus the
// kernel's second float accumulator Y15 when addY15, returned as the
// horizontal sum of acc.
func zmmSuperBlockEnd(dOff, blockBytes int, acc VecPhysical, addY15 bool) {
	zmmTail(dOff)
	ADDQ(U32(blockBytes), RSI)
	ADDQ(U32(292), RDI)
	DECQ(RCX)
	JNZ(LabelRef("loop"))
	Label("done")
	zmmFold()
	if addY15 {
		VADDPS(Y15, Y0, Y0)
	}
	hsumReturn(acc)
}

// emitQ5_KZ writes the Q5_K kernel: Q4_K's nibbles with a fifth bit per
// value from qh (levels below 32: VPMADDUBSW pairs ≤ 2·31·128).
func emitQ5_KZ() {
	name, blk, qs := "dotQ5_KAVX512VNNI", 176, 48
	header(name, "is "+name[3:7]+"Generic: "+name[3:7]+" row x times Q8_K row y, n values; y's bsums must be the sums of its quants.")
	SHRQ(U8(8), RCX)
	VXORPS(Z0, Z0, Z0)
	VXORPS(X15, X15, X15) // Σ min terms
	splat(0x0f0f0f0f, c1)
	VSHUFI64X2(U8(0), c1.AsZ(), c1.AsZ(), c1.AsZ())
	splat(0x10101010, c2)
	VSHUFI64X2(U8(0), c2.AsZ(), c2.AsZ(), c2.AsZ())
	idx := []VecPhysical{Z16, Z17, Z18, Z19}
	for k, r := range idx {
		VMOVDQU64(wordIndex("q4k_scale_idx"+string(rune('0'+k)), func(i int) int { return 2*k + i/16 }), r)
	}
	TESTQ(RCX, RCX)
	JZ(LabelRef("done"))
	Label("loop")
	prefetch(8192)
	unpackK4Scales()
	VMOVQ(R8, X10)
	VPINSRQ(U8(1), R12, X10, X10)
	VPMOVZXBW(X10, Y10) // scales 0-7, mins 8-15 as words
	// Min term, as in the AVX2 kernel.
	VMOVDQU(Mem{Base: RDI, Disp: 260}, X11)
	VPHADDW(Mem{Base: RDI, Disp: 276}, X11, X11)
	VEXTRACTI128(U8(1), Y10, X12)
	VPMADDWD(X12, X11, X11)
	VPSHUFD(U8(0x4e), X11, X12)
	VPADDD(X12, X11, X11)
	VPSHUFD(U8(0xb1), X11, X12)
	VPADDD(X12, X11, X11)
	VCVTDQ2PS(X11, X11)
	loadScale(Mem{Base: RSI, Disp: 2}, Y12)
	VMULSS(Mem{Base: RDI}, X12, X12)
	VFNMADD231SS(X12, X11, X15)
	VPXORD(Z13, Z13, Z13)
	VMOVDQU(Mem{Base: RSI, Disp: 16}, Y14) // qh
	for k := range 4 {
		// Low nibbles (sub-block 2k) then high (2k+1): values 64k…64k+63.
		VMOVDQU(Mem{Base: RSI, Disp: qs + 32*k}, Y1)
		VPSRLW(U8(4), Y1, Y4)
		VINSERTI64X4(U8(1), Y4, Z1, Z1)
		VPANDD(c1.AsZ(), Z1, Z1)
		// Bits 2k and 2k+1 of qh[l] moved to bit 4 (word shifts;
		// the bits that cross bytes are masked off).
		for h, r := range []VecPhysical{Y11, Y12} {
			switch j := 2*k + h; {
			case j < 4:
				VPSLLW(U8(4-j), Y14, r)
			case j == 4:
				VMOVDQA(Y14, r)
			default:
				VPSRLW(U8(j-4), Y14, r)
			}
		}
		VINSERTI64X4(U8(1), Y12, Z11, Z11)
		VPANDD(c2.AsZ(), Z11, Z11)
		VPORD(Z11, Z1, Z1)
		VPMADDUBSW(Mem{Base: RDI, Disp: 4 + 64*k}, Z1, Z3)
		VPERMW(Z10, idx[k], Z2)
		vpdpwssd(Z2, Z3, Z13)
	}
	zmmSuperBlockEnd(0, blk, acc, true)
}

// emitQ6_KZ writes the AVX-512 VNNI Q6_K kernel: the VPMADDUBSW pairs of
// the levels minus those of 32 with the same quants are the pairs of
// (q−32)·y (|·| ≤ 2·32·128 in int16), so each int32 lane holds only its
// own terms and a row at the offset gives 0, as the reference. Here that
// measured cheaper (Dot, 16384 values: +5 % against +12 %) than starting
// the lanes at −32·Σ sc·bsums and adding them exactly per super-block
// (exactTail), which the AVX2 kernel does.
func emitQ6_KZ() {
	name := "dotQ6_KAVX512VNNI"
	header(name, "is dotQ6_KGeneric: Q6_K row x times Q8_K row y, n values; y's bsums must be the sums of its quants.")
	SHRQ(U8(8), RCX)
	VXORPS(Z0, Z0, Z0)
	splat(0x0f0f0f0f, c1)
	VSHUFI64X2(U8(0), c1.AsZ(), c1.AsZ(), c1.AsZ())
	splat(0x30303030, c2)
	VSHUFI64X2(U8(0), c2.AsZ(), c2.AsZ(), c2.AsZ())
	splatZ(0x20202020, Z20)
	// Index vectors: for half h and pair p, 128-bit lane L takes scale
	// 8h + 4p + L.
	idx := []VecPhysical{Z16, Z17, Z18, Z19}
	for hp, r := range idx {
		VMOVDQU64(wordIndex("q6k_scale_idx"+string(rune('0'+hp)), func(i int) int { return 4*hp + i/8 }), r)
	}
	TESTQ(RCX, RCX)
	JZ(LabelRef("done"))
	Label("loop")
	prefetch(8192)
	VPMOVSXBW(Mem{Base: RSI, Disp: 192}, Y10)
	VPXORD(Z13, Z13, Z13)
	for h := range 2 {
		VMOVDQU64(Mem{Base: RSI, Disp: 64 * h}, Z11) // ql
		VMOVDQU(Mem{Base: RSI, Disp: 128 + 32*h}, Y12)
		for p := range 2 {
			// Levels of values 128h + 64p … +63: nibbles | high bits << 4.
			if p == 0 {
				VPANDD(c1.AsZ(), Z11, Z1)
				VPSLLW(U8(4), Y12, Y4)
				VPSLLW(U8(2), Y12, Y3)
			} else {
				VPSRLW(U8(4), Z11, Z1)
				VPANDD(c1.AsZ(), Z1, Z1)
				VMOVDQA(Y12, Y4)
				VPSRLW(U8(2), Y12, Y3)
			}
			VINSERTI64X4(U8(1), Y3, Z4, Z4)
			VPANDD(c2.AsZ(), Z4, Z4)
			VPORD(Z4, Z1, Z1)
			VPMADDUBSW(Mem{Base: RDI, Disp: 4 + 128*h + 64*p}, Z1, Z3)
			VPMADDUBSW(Mem{Base: RDI, Disp: 4 + 128*h + 64*p}, Z20, Z21)
			VPSUBW(Z21, Z3, Z3)
			VPERMW(Z10, idx[2*h+p], Z2)
			vpdpwssd(Z2, Z3, Z13)
		}
	}
	zmmSuperBlockEnd(208, 210, acc, false)
}

// bytes16 returns a 16-byte constant.
func bytes16(name string, b [16]byte) Mem {
	if m, ok := constData[name]; ok {
		return m
	}
	m := GLOBL(name, RODATA|NOPTR)
	for i := 0; i < 16; i += 8 {
		var v uint64
		for k := 7; k >= 0; k-- {
			v = v<<8 | uint64(b[i+k])
		}
		DATA(i, U64(v))
	}
	constData[name] = m
	return m
}

// emitQ4_KZ2 writes the AVX-512 VNNI Q4_K kernel: a 32-byte stretch of
// quants broadcast to both halves of a ZMM register and shifted by 0 and
// 4 per half (VPSRLVQ) gives two sub-blocks' levels in value order; the
// 6-bit scales and mins are unpacked by two VPSHUFB from the 12 packed
// bytes (byte o of the result: scale o, then min o−8); the mins meet the
// activation's 32-value sums in four float lanes of their own.
func emitQ4_KZ2() {
	name := "dotQ4_KAVX512VNNI"
	header(name, "is dotQ4_KGeneric: Q4_K row x times Q8_K row y, n values; y's bsums must be the sums of its quants.")
	SHRQ(U8(8), RCX)
	VXORPS(Z0, Z0, Z0)
	VXORPS(X15, X15, X15) // Σ min terms, 4 lanes
	splatZ(0x0f0f0f0f, Z5)
	idx := []VecPhysical{Z16, Z17, Z18, Z19}
	for k, r := range idx {
		VMOVDQU64(wordIndex("q4k_scale_idx"+string(rune('0'+k)), func(i int) int { return 2*k + i/16 }), r)
	}
	shifts := GLOBL("q4k_half_shift", RODATA|NOPTR)
	for i := range 8 {
		DATA(8*i, U64(uint64(4*(i/4))))
	}
	VMOVDQU64(shifts, Z20)
	const z = 0x80
	VMOVDQU(bytes16("q4k_sc_p", [16]byte{0, 1, 2, 3, 8, 9, 10, 11, 4, 5, 6, 7, 8, 9, 10, 11}), X6)
	VMOVDQU(bytes16("q4k_sc_q", [16]byte{z, z, z, z, 0, 1, 2, 3, z, z, z, z, 4, 5, 6, 7}), X7)
	VMOVDQU(bytes16("q4k_sc_mask_a", [16]byte{63, 63, 63, 63, 15, 15, 15, 15, 63, 63, 63, 63}), X11)
	VMOVDQU(bytes16("q4k_sc_mask_b", [16]byte{12: 15, 13: 15, 14: 15, 15: 15}), X12)
	VMOVDQU(bytes16("q4k_sc_mask_hi", [16]byte{0x30, 0x30, 0x30, 0x30, 0x30, 0x30, 0x30, 0x30, 0x30, 0x30, 0x30, 0x30, 0x30, 0x30, 0x30, 0x30}), X14)
	TESTQ(RCX, RCX)
	JZ(LabelRef("done"))
	Label("loop")
	prefetch(8192)
	// Scales 0-7 and mins 0-7 as bytes, then words in Y10.
	VMOVDQU(Mem{Base: RSI, Disp: 4}, X4)
	VPSHUFB(X6, X4, X8)
	VPSHUFB(X7, X4, X9)
	VPSRLW(U8(4), X8, X4)
	VPAND(X12, X4, X4)
	VPAND(X11, X8, X8)
	VPOR(X4, X8, X8)
	VPSRLW(U8(2), X9, X9)
	VPAND(X14, X9, X9)
	VPOR(X9, X8, X8)
	VPMOVZXBW(X8, Y10)
	// Min term: −dmin·dy·Σ m_j·(bsums 2j + 2j+1), in four lanes.
	VMOVDQU(Mem{Base: RDI, Disp: 260}, X9)
	VPHADDW(Mem{Base: RDI, Disp: 276}, X9, X9)
	VEXTRACTI128(U8(1), Y10, X8)
	VPMADDWD(X9, X8, X8)
	VCVTDQ2PS(X8, X8)
	VPBROADCASTW(Mem{Base: RSI, Disp: 2}, X4)
	VCVTPH2PS(X4, X4)
	VBROADCASTSS(Mem{Base: RDI}, X9)
	VMULPS(X9, X4, X4)
	VFNMADD231PS(X4, X8, X15)
	VPXORD(Z13, Z13, Z13)
	for k := range 4 {
		VBROADCASTI64X4(Mem{Base: RSI, Disp: 16 + 32*k}, Z1)
		VPSRLVQ(Z20, Z1, Z1)
		VPANDD(Z5, Z1, Z1)
		VPMADDUBSW(Mem{Base: RDI, Disp: 4 + 64*k}, Z1, Z3)
		VPERMW(Z10, idx[k], Z2)
		vpdpwssd(Z2, Z3, Z13)
	}
	zmmSuperBlockEnd(0, 144, acc, true)
}

// q4kPrePairs are the sub-blocks (low nibbles of one 64-byte load, high
// nibbles of it, …) whose levels the ZMM registers of dotQ4_KPreAVX512VNNI
// hold: bytes 0-31 sub-block a, bytes 32-63 sub-block b.
var q4kPrePairs = [4][2]int{{0, 2}, {1, 3}, {4, 6}, {5, 7}}

// emitQ4_KPre writes the Q4_K kernel of MatVec, with the activation
// precomputed per super-block (prepareQ4_K): its quants in the order of
// q4kPrePairs, so that two 64-byte loads of the weight quants, one shift
// and four ANDs give the levels of all eight sub-blocks; its 32-value sums
// as int16 words; its scale.
func emitQ4_KPre() {
	name := "dotQ4_KPreAVX512VNNI"
	TEXT(name, NOSPLIT, "func(n int, x, pre []byte) float32")
	Pragma("noescape")
	Doc(name + " is dotQ4_KGeneric: Q4_K row x times the Q8_K row that pre was prepared from (prepareQ4_K), n values.")
	Load(Param("n"), RCX)
	Load(Param("x").Base(), RSI)
	Load(Param("pre").Base(), R8)
	SHRQ(U8(8), RCX)
	VXORPS(Z0, Z0, Z0)
	VXORPS(X15, X15, X15)
	splatZ(0x0f0f0f0f, Z5)
	idx := []VecPhysical{Z16, Z17, Z18, Z19}
	for k, r := range idx {
		a, b := q4kPrePairs[k][0], q4kPrePairs[k][1]
		VMOVDQU64(wordIndex("q4k_pre_idx"+string(rune('0'+k)), func(i int) int {
			if i < 16 {
				return a
			}
			return b
		}), r)
	}
	const z = 0x80
	VMOVDQU(bytes16("q4k_sc_p", [16]byte{0, 1, 2, 3, 8, 9, 10, 11, 4, 5, 6, 7, 8, 9, 10, 11}), X6)
	VMOVDQU(bytes16("q4k_sc_q", [16]byte{z, z, z, z, 0, 1, 2, 3, z, z, z, z, 4, 5, 6, 7}), X7)
	VMOVDQU(bytes16("q4k_sc_mask_a", [16]byte{63, 63, 63, 63, 15, 15, 15, 15, 63, 63, 63, 63}), X11)
	VMOVDQU(bytes16("q4k_sc_mask_b", [16]byte{12: 15, 13: 15, 14: 15, 15: 15}), X12)
	VMOVDQU(bytes16("q4k_sc_mask_hi", [16]byte{0x30, 0x30, 0x30, 0x30, 0x30, 0x30, 0x30, 0x30, 0x30, 0x30, 0x30, 0x30, 0x30, 0x30, 0x30, 0x30}), X14)
	TESTQ(RCX, RCX)
	JZ(LabelRef("done"))
	Label("loop")
	prefetch(8192)
	VMOVDQU(Mem{Base: RSI, Disp: 4}, X4)
	VPSHUFB(X6, X4, X8)
	VPSHUFB(X7, X4, X9)
	VPSRLW(U8(4), X8, X4)
	VPAND(X12, X4, X4)
	VPAND(X11, X8, X8)
	VPOR(X4, X8, X8)
	VPSRLW(U8(2), X9, X9)
	VPAND(X14, X9, X9)
	VPOR(X9, X8, X8)
	VPMOVZXBW(X8, Y10)
	VEXTRACTI128(U8(1), Y10, X8)
	VPMADDWD(Mem{Base: R8, Disp: 256}, X8, X8)
	VCVTDQ2PS(X8, X8)
	VPBROADCASTW(Mem{Base: RSI, Disp: 2}, X4)
	VCVTPH2PS(X4, X4)
	VBROADCASTSS(Mem{Base: R8, Disp: 272}, X9)
	VMULPS(X9, X4, X4)
	VFNMADD231PS(X4, X8, X15)
	VPXORD(Z13, Z13, Z13)
	lv := []VecPhysical{Z1, Z3, Z2, Z4}
	VMOVDQU64(Mem{Base: RSI, Disp: 16}, Z1)
	VMOVDQU64(Mem{Base: RSI, Disp: 80}, Z2)
	VPSRLW(U8(4), Z1, Z3)
	VPSRLW(U8(4), Z2, Z4)
	for _, l := range lv {
		VPANDD(Z5, l, l)
	}
	for k, l := range lv {
		VPMADDUBSW(Mem{Base: R8, Disp: 64 * k}, l, Z20)
		VPERMW(Z10, idx[k], Z21)
		vpdpwssd(Z21, Z20, Z13)
	}
	VCVTDQ2PS(Z13, Z13)
	VPBROADCASTW(Mem{Base: RSI}, Y8)
	VCVTPH2PS(Y8, Z8)
	VBROADCASTSS(Mem{Base: R8, Disp: 272}, Z9)
	VMULPS(Z9, Z8, Z8)
	VFMADD231PS(Z8, Z13, Z0)
	ADDQ(U32(144), RSI)
	ADDQ(U32(288), R8)
	DECQ(RCX)
	JNZ(LabelRef("loop"))
	Label("done")
	zmmFold()
	VADDPS(Y15, Y0, Y0)
	hsumReturn(acc)
}

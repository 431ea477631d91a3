package main

import (
	. "github.com/mmcloughlin/avo/build"
	. "github.com/mmcloughlin/avo/operand"
	. "github.com/mmcloughlin/avo/reg"
)

// The AVX-512 VNNI MatVec kernels of Q4_1, Q5_0, Q5_1 and IQ4_NL, four
// blocks per iteration as emitQ4_0Pre4: two loads cover the four blocks
// (the second ends at the last byte, so nothing past them is read),
// VPERMT2W gathers their 64 quant bytes into one ZMM register (block b in
// 128-bit lane b), VPERMI2W their scales into words 0-15, the minimums
// (Q4_1, Q5_1) into words 16-19 and the halves of the fifth bits (Q5_0,
// Q5_1) into words 24-31, from where they become the byte masks that add
// 16 to the levels. IQ4_NL's levels go through VPSHUFB from a table of
// level+128. Each int32 lane starts at −offset times the sum of the eight
// activation quants it meets (Q5_0, IQ4_NL), so that it holds the exact
// sum of its eight products with the true levels — zero where they sit at
// the offset — before it is converted and scaled.
//
// pre holds per four blocks (prepareLegacy4): the activation quants
// matching the low nibbles (64 bytes, block b at 16b) and the high ones,
// 16 int32 lanes starting the sums, 16 float32 lanes
// with block b's scale in lanes 4b…4b+3 and, for Q8_1 activations, 16
// float32 lanes with block b's s in lane b.

// legacyPre4 returns the name of L's four-block kernel.
func legacyPre4(L legacy) string { return "dotRows" + L.name + "Pre4AVX512VNNI" }

func emitLegacyPre4(L legacy) {
	name, xb := legacyPre4(L), L.xBytes
	stride := 256
	if L.min {
		stride = 320
	}
	TEXT(name, NOSPLIT, "func(n int, x, pre []byte, dst []float32)")
	Pragma("noescape")
	act := "Q8_0"
	if L.yBytes == 36 {
		act = "Q8_1"
	}
	Doc(name + " sets dst[r] to dot" + L.name + "Generic of row r of x (len(dst) rows of n values, back to back) times the " + act + " row that pre was prepared from (prepareLegacy4), n a multiple of 128.")
	Load(Param("n"), R11)
	Load(Param("x").Base(), RSI)
	Load(Param("pre").Base(), R9)
	Load(Param("dst").Base(), RDI)
	Load(Param("dst").Len(), R10)
	SHRQ(U8(7), R11)
	splatZ(0x0f0f0f0f, Z9)
	// Byte o of the four blocks is in word o/2 of the first load (bytes
	// 0-63) or, past it, of the second (the last 32 bytes).
	base2 := 4*xb - 32
	word := func(o int) int {
		if o < 64 {
			return o / 2
		}
		return 32 + (o-base2)/2
	}
	VMOVDQU64(wordIndex(L.name+"x4_quant_idx", func(i int) int { return word(xb*(i/8) + L.qs + 2*(i%8)) }), Z7)
	VMOVDQU64(wordIndex(L.name+"x4_scale_idx", func(i int) int {
		switch b := i % 4; {
		case i < 16:
			return word(xb * (i / 4))
		case i < 20 && L.min:
			return word(xb*b + 2)
		case i >= 24 && L.qh != 0:
			return word(xb*b + L.qh + 2*((i-24)/4))
		}
		return 0
	}), Z8)
	if L.qh != 0 {
		splatZ(0x10101010, Z13)
	}
	if L.table {
		VBROADCASTI32X4(bytesConst("iq4nl_values128", func(i int) byte { return byte(int(kvaluesIQ4NL[i%16]) + 128) }), Z14)
	}
	MOVL(U32(0x000f), EAX)
	KMOVW(EAX, K4) // lane b: block b's minimum
	TESTQ(R10, R10)
	JZ(LabelRef("end"))
	// The rows follow one another: RSI runs on from one into the next.
	Label("row")
	VPXORD(Z0, Z0, Z0)
	VPXORD(Z10, Z10, Z10)
	MOVQ(R11, RCX)
	MOVQ(R9, R8)
	TESTQ(RCX, RCX)
	JZ(LabelRef("done"))
	Label("loop")
	PREFETCHT0(Mem{Base: RSI, Disp: 8192})
	PREFETCHT0(Mem{Base: RSI, Disp: 8192 + 64})
	VMOVDQU64(Mem{Base: RSI}, Z1)
	VMOVDQU(Mem{Base: RSI, Disp: base2}, Y2)
	VMOVDQA64(Z8, Z5)
	VPERMI2W(Z2, Z1, Z5)
	VPERMT2W(Z2, Z7, Z1)
	VPSRLW(U8(4), Z1, Z3)
	VPANDD(Z9, Z1, Z1)
	VPANDD(Z9, Z3, Z3)
	if L.qh != 0 {
		// Bit 16b+j of K1 (K2) is bit j (16+j) of block b's qh.
		VEXTRACTI32X4(U8(3), Z5, X6)
		VMOVQ(X6, RAX)
		VPEXTRQ(U8(1), X6, RDX)
		KMOVQ(RAX, K1)
		KMOVQ(RDX, K2)
		VPADDB(Z13, Z1, K1, Z1)
		VPADDB(Z13, Z3, K2, Z3)
	}
	if L.table {
		VPSHUFB(Z1, Z14, Z1)
		VPSHUFB(Z3, Z14, Z3)
	}
	if L.min {
		VEXTRACTI64X4(U8(1), Z5, Y6)
		VCVTPH2PS(Y6, Z6)
		VFMADD231PS(Mem{Base: R8, Disp: 256}, Z6, K4, Z10)
	}
	VMOVDQU64(Mem{Base: R8, Disp: 128}, Z4)
	vpdpbusdMem(Mem{Base: R8}, Z1, Z4)
	vpdpbusdMem(Mem{Base: R8, Disp: 64}, Z3, Z4)
	VCVTPH2PS(Y5, Z5)
	VMULPS(Mem{Base: R8, Disp: 192}, Z5, Z5)
	VCVTDQ2PS(Z4, Z4)
	VFMADD231PS(Z5, Z4, Z0)
	ADDQ(U8(4*xb), RSI)
	ADDQ(U32(stride), R8)
	DECQ(RCX)
	JNZ(LabelRef("loop"))
	Label("done")
	if L.min {
		VADDPS(Z10, Z0, Z0)
	}
	zmmFold()
	VEXTRACTF128(U8(1), Y0, X1)
	VADDPS(X1, X0, X0)
	VMOVHLPS(X0, X0, X1)
	VADDPS(X1, X0, X0)
	VMOVSHDUP(X0, X1)
	VADDSS(X1, X0, X0)
	VMOVSS(X0, Mem{Base: RDI})
	ADDQ(U8(4), RDI)
	DECQ(R10)
	JNZ(LabelRef("row"))
	Label("end")
	VZEROUPPER()
	RET()
}

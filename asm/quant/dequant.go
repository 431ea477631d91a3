package main

import (
	. "github.com/mmcloughlin/avo/build"
	. "github.com/mmcloughlin/avo/operand"
	. "github.com/mmcloughlin/avo/reg"
)

// The AVX2 dequantizers of Q8_0, Q4_0 and Q4_K (dequant2.go has their
// AVX-512 ones and every other type's; at 8 lanes its descriptions of these
// three measure no faster), bit-exact with the references: every value is
// one float32 product of the same two factors (Q4_K: the product, then the
// min subtracted, no FMA).

func dequantHeader(name, doc string, shift int, setup func()) {
	TEXT(name, NOSPLIT, "func(dst []float32, src []byte)")
	Pragma("noescape")
	Doc(name + " " + doc)
	Load(Param("dst").Base(), RDI)
	Load(Param("src").Base(), RSI)
	Load(Param("dst").Len(), RCX)
	SHRQ(U8(shift), RCX)
	if setup != nil {
		setup()
	}
	TESTQ(RCX, RCX)
	JZ(LabelRef("done"))
	Label("loop")
}

func dequantFooter(srcBytes, dstBytes int) {
	ADDQ(U32(srcBytes), RSI)
	ADDQ(U32(dstBytes), RDI)
	DECQ(RCX)
	JNZ(LabelRef("loop"))
	Label("done")
	VZEROUPPER()
	RET()
}

func emitDequantQ8_0() {
	dequantHeader("dequantQ8_0AVX2", "is dequantizeQ8_0: dst[i] = float(q[i])·d, block by block.", 5, nil)
	loadScale(Mem{Base: RSI}, Y8)
	for i := range 4 {
		VPMOVSXBD(Mem{Base: RSI, Disp: 2 + 8*i}, Y1)
		VCVTDQ2PS(Y1, Y1)
		VMULPS(Y8, Y1, Y1)
		VMOVUPS(Y1, Mem{Base: RDI, Disp: 32 * i})
	}
	dequantFooter(34, 128)
}

func emitDequantQ4_0() {
	dequantHeader("dequantQ4_0AVX2", "is dequantizeQ4_0: dst[i] = float(u[i]−8)·d, block by block.", 5, func() {
		splat(15, Y5)
		splat(8, Y6)
	})
	loadScale(Mem{Base: RSI}, Y8)
	for i := range 4 {
		// Values 8i…8i+7: low nibbles of bytes 0-7, 8-15, then high.
		VPMOVZXBD(Mem{Base: RSI, Disp: 2 + 8*(i%2)}, Y1)
		if i >= 2 {
			VPSRLD(U8(4), Y1, Y1)
		} else {
			VPAND(Y5, Y1, Y1)
		}
		VPSUBD(Y6, Y1, Y1)
		VCVTDQ2PS(Y1, Y1)
		VMULPS(Y8, Y1, Y1)
		VMOVUPS(Y1, Mem{Base: RDI, Disp: 32 * i})
	}
	dequantFooter(18, 128)
}

func emitDequantQ4_K() {
	var sc Mem
	dequantHeader("dequantQ4_KAVX2", "is dequantizeQ4_K: dst[i] = float(d·sc_j · q[i]) − dmin·m_j, super-block by super-block.", 8, func() {
		sc = AllocLocal(64) // d·sc_j, then dmin·m_j
		splat(15, Y5)
	})
	unpackK4Scales()
	VMOVQ(R8, X10)
	VPMOVZXBD(X10, Y10)
	VCVTDQ2PS(Y10, Y10)
	loadScale(Mem{Base: RSI}, Y8)
	VMULPS(Y8, Y10, Y10)
	VMOVUPS(Y10, sc)
	VMOVQ(R12, X11)
	VPMOVZXBD(X11, Y11)
	VCVTDQ2PS(Y11, Y11)
	loadScale(Mem{Base: RSI, Disp: 2}, Y9)
	VMULPS(Y9, Y11, Y11)
	VMOVUPS(Y11, sc.Offset(32))
	for j := range 8 {
		VBROADCASTSS(sc.Offset(4*j), Y12)
		VBROADCASTSS(sc.Offset(32+4*j), Y13)
		for g := range 4 {
			VPMOVZXBD(Mem{Base: RSI, Disp: 16 + 32*(j/2) + 8*g}, Y1)
			if j%2 == 0 {
				VPAND(Y5, Y1, Y1)
			} else {
				VPSRLD(U8(4), Y1, Y1)
			}
			VCVTDQ2PS(Y1, Y1)
			VMULPS(Y12, Y1, Y1)
			VSUBPS(Y13, Y1, Y1)
			VMOVUPS(Y1, Mem{Base: RDI, Disp: 4 * (32*j + 8*g)})
		}
	}
	dequantFooter(144, 1024)
}

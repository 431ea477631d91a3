package main

import (
	"math"

	. "github.com/mmcloughlin/avo/build"
	. "github.com/mmcloughlin/avo/operand"
	. "github.com/mmcloughlin/avo/reg"
)

// The activation quantizers on YMM registers (AVX2 path): the AVX-512
// ones' operations, the compare masks in vector registers, and the int8
// results taken as the low byte of each int32 (a truncation, as the
// reference's conversion and VPMOVDB do, where a saturating pack would
// differ on the infinities that a subnormal block scale produces).

// lowBytes8 stores the low bytes of the eight int32 lanes of v at m (8
// bytes); v is clobbered.
func lowBytes8(v VecPhysical, m Mem) {
	VPSHUFB(bytesConst("dword_low_bytes", func(i int) byte {
		if i%16 < 4 {
			return byte(4 * (i % 16))
		}
		return 0x80
	}), v, v)
	VPERMQ(U8(0x08), v, v) // bytes 0-3 of each lane together
	VPSHUFD(U8(0x08), v.AsX(), v.AsX())
	VMOVQ(v.AsX(), m)
}

func f32SplatY(f float32, v VecPhysical) { splat(math.Float32bits(f), v) }

// hmaxY sets lane 0 (and every lane) of the X part of a to the maximum of
// its 8 lanes (t clobbered).
func hmaxY(a, t VecPhysical) {
	VEXTRACTF128(U8(1), a, t.AsX())
	VMAXPS(t.AsX(), a.AsX(), a.AsX())
	VPERMILPS(U8(0x4e), a.AsX(), t.AsX())
	VMAXPS(t.AsX(), a.AsX(), a.AsX())
	VPERMILPS(U8(0xb1), a.AsX(), t.AsX())
	VMAXPS(t.AsX(), a.AsX(), a.AsX())
}

func quantHeaderY(name, doc string) {
	TEXT(name, NOSPLIT, "func(nb int, x []float32, y []byte) bool")
	Pragma("noescape")
	Doc(name + " " + doc)
	Load(Param("nb"), RCX)
	Load(Param("x").Base(), RSI)
	Load(Param("y").Base(), RDI)
}

func emitQuantizeQ8_0YMM() {
	quantHeaderY("quantizeQ8_0AVX2", "is quantizeQ8_0AVX512 with AVX2.")
	abs, fmax, half, one, bad := Y15, Y14, Y13, Y12, Y9
	splat(0x7fffffff, abs)
	f32SplatY(math.MaxFloat32, fmax)
	f32SplatY(0.5, half)
	f32SplatY(1, one)
	MOVL(U32(math.Float32bits(127)), EAX)
	VMOVD(EAX, X11)
	VXORPS(X10, X10, X10)
	VXORPS(bad, bad, bad)
	TESTQ(RCX, RCX)
	JZ(LabelRef("done"))
	Label("loop")
	x := []VecPhysical{Y0, Y1, Y2, Y3}
	a := []VecPhysical{Y4, Y5, Y6, Y7}
	for i := range 4 {
		VMOVUPS(Mem{Base: RSI, Disp: 32 * i}, x[i])
		VANDPS(abs, x[i], a[i])
		VCMPPS(U8(0x16), fmax, a[i], Y8) // NLE_UQ: NaN or infinite
		VORPS(Y8, bad, bad)
	}
	VMAXPS(a[1], a[0], a[0])
	VMAXPS(a[3], a[2], a[2])
	VMAXPS(a[2], a[0], a[0])
	hmaxY(a[0], a[1])
	VDIVSS(X11, X4, X6) // d = amax / 127
	VCVTPS2PH(U8(0), X6, X7)
	VMOVD(X7, EAX)
	MOVW(AX, Mem{Base: RDI})
	VDIVSS(X6, one.AsX(), X8)
	VCMPSS(U8(4), X10, X6, X5) // d ≠ 0
	VANDPS(X5, X8, X8)
	VBROADCASTSS(X8, Y8)
	for i, v := range x {
		VMULPS(Y8, v, v)
		VROUNDPS(U8(3), v, Y4) // trunc
		VSUBPS(Y4, v, Y5)
		VANDPS(abs, Y5, Y5)
		VCMPPS(U8(0x1d), half, Y5, Y5) // GE_OQ
		VANDNPS(v, abs, Y6)            // the sign bit of v
		VORPS(one, Y6, Y6)             // ±1
		VANDPS(Y5, Y6, Y6)
		VADDPS(Y6, Y4, Y4)
		VCVTTPS2DQ(Y4, v)
		lowBytes8(v, Mem{Base: RDI, Disp: 2 + 8*i})
	}
	ADDQ(U8(128), RSI)
	ADDQ(U8(34), RDI)
	DECQ(RCX)
	JNZ(LabelRef("loop"))
	Label("done")
	VMOVMSKPS(bad, EAX)
	TESTL(EAX, EAX)
	SETNE(AL)
	VZEROUPPER()
	Store(AL, ReturnIndex(0))
	RET()
}

func emitQuantizeQ8_KYMM() {
	quantHeaderY("quantizeQ8_KAVX2", "is quantizeQ8_KAVX512 with AVX2.")
	abs, fmax, l127, bad := Y15, Y14, Y13, Y9
	splat(0x7fffffff, abs)
	f32SplatY(math.MaxFloat32, fmax)
	splat(127, l127)
	MOVL(U32(math.Float32bits(-127)), EAX)
	VMOVD(EAX, X12)
	MOVL(U32(math.Float32bits(1)), EAX)
	VMOVD(EAX, X11)
	VXORPS(X10, X10, X10)
	VXORPS(bad, bad, bad)
	TESTQ(RCX, RCX)
	JZ(LabelRef("done"))
	Label("loop")
	// max |x| over the 32 vectors, and the NaN/infinity check.
	am := Y0
	VXORPS(am, am, am)
	for i := range 32 {
		VANDPS(Mem{Base: RSI, Disp: 32 * i}, abs, Y1)
		VCMPPS(U8(0x16), fmax, Y1, Y2)
		VORPS(Y2, bad, bad)
		VMAXPS(Y1, am, am)
	}
	VMOVMSKPS(bad, EAX)
	TESTL(EAX, EAX)
	JNZ(LabelRef("done"))
	hmaxY(am, Y1)
	VUCOMISS(X10, X0)
	JNE(LabelRef("nonzero"))
	VXORPS(Y1, Y1, Y1)
	for o := 0; o < 288; o += 32 {
		VMOVDQU(Y1, Mem{Base: RDI, Disp: o})
	}
	MOVL(U32(0), Mem{Base: RDI, Disp: 288})
	JMP(LabelRef("next"))
	Label("nonzero")
	// max: the first x with |x| = amax.
	VBROADCASTSS(X0, Y0)
	XORQ(R8, R8)
	Label("find")
	VANDPS(Mem{Base: RSI, Index: R8, Scale: 1}, abs, Y1)
	VCMPPS(U8(0), Y0, Y1, Y1) // EQ_OQ
	VMOVMSKPS(Y1, EAX)
	TESTL(EAX, EAX)
	JNZ(LabelRef("found"))
	ADDQ(U8(32), R8)
	JMP(LabelRef("find"))
	Label("found")
	BSFL(EAX, EAX)
	LEAQ(Mem{Base: R8, Index: RAX, Scale: 4}, R8)
	VMOVSS(Mem{Base: RSI, Index: R8, Scale: 1}, X2)
	VDIVSS(X2, X12, X3) // iscale = −127 / max
	VDIVSS(X3, X11, X4) // d = 1 / iscale
	VMOVSS(X4, Mem{Base: RDI})
	VBROADCASTSS(X3, Y3)
	for j := range 16 {
		for k, v := range []VecPhysical{Y4, Y5} {
			VMULPS(Mem{Base: RSI, Disp: 64*j + 32*k}, Y3, v)
			VCVTPS2DQ(v, v)
			VPMINSD(l127, v, v)
		}
		VPADDD(Y5, Y4, Y6)
		VEXTRACTI128(U8(1), Y6, X7)
		VPADDD(X7, X6, X6)
		VPSHUFD(U8(0x4e), X6, X7)
		VPADDD(X7, X6, X6)
		VPSHUFD(U8(0xb1), X6, X7)
		VPADDD(X7, X6, X6)
		VMOVD(X6, EAX)
		MOVW(AX, Mem{Base: RDI, Disp: 260 + 2*j})
		lowBytes8(Y4, Mem{Base: RDI, Disp: 4 + 16*j})
		lowBytes8(Y5, Mem{Base: RDI, Disp: 4 + 16*j + 8})
	}
	Label("next")
	ADDQ(U32(1024), RSI)
	ADDQ(U32(292), RDI)
	DECQ(RCX)
	JNZ(LabelRef("loop"))
	Label("done")
	VMOVMSKPS(bad, EAX)
	TESTL(EAX, EAX)
	SETNE(AL)
	VZEROUPPER()
	Store(AL, ReturnIndex(0))
	RET()
}

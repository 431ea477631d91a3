package main

import (
	"math"

	. "github.com/mmcloughlin/avo/build"
	. "github.com/mmcloughlin/avo/operand"
	. "github.com/mmcloughlin/avo/reg"
)

// AVX-512 activation quantizers (Q8_0, Q8_K) for the matrix products, bit
// for bit those of the reference: the same float32 operations in the same
// order (max |x|, one division for the scale, one multiplication per
// value), roundf as truncation plus a step where the remainder reaches ½,
// nearest_int as VCVTPS2DQ under the default round-to-nearest-even. A row
// holding a NaN or an infinity is reported, not quantized: max and its
// ties then depend on the order of comparison, and the caller runs the
// reference.

// f32Splat sets the ZMM v to 16 lanes of the float32 f (via AX).
func f32Splat(f float32, v VecPhysical) {
	splatZ(math.Float32bits(f), v)
}

// finiteCheck ors into K3 the lanes of the |x| in a that are NaN or
// infinite (not ≤ the largest float32, held in fmax).
func finiteCheck(a, fmax VecPhysical) {
	VCMPPS(U8(0x16), fmax, a, K2) // NLE_UQ: !(a ≤ fmax), true on NaN
	KORW(K2, K3, K3)
}

// hmaxZ sets every lane of the X part of a to the maximum of its 16 lanes
// (a and t clobbered).
func hmaxZ(a, t VecPhysical) {
	VEXTRACTF64X4(U8(1), a, t.AsY())
	VMAXPS(t.AsY(), a.AsY(), a.AsY())
	VEXTRACTF32X4(U8(1), a.AsY(), t.AsX())
	VMAXPS(t.AsX(), a.AsX(), a.AsX())
	VPERMILPS(U8(0x4e), a.AsX(), t.AsX())
	VMAXPS(t.AsX(), a.AsX(), a.AsX())
	VPERMILPS(U8(0xb1), a.AsX(), t.AsX())
	VMAXPS(t.AsX(), a.AsX(), a.AsX())
}

func quantHeader(name, doc string) {
	TEXT(name, NOSPLIT, "func(nb int, x []float32, y []byte) bool")
	Pragma("noescape")
	Doc(name + " " + doc)
	Load(Param("nb"), RCX)
	Load(Param("x").Base(), RSI)
	Load(Param("y").Base(), RDI)
	KXORW(K3, K3, K3)
}

func quantReturn() {
	KORTESTW(K3, K3)
	SETNE(AL)
	VZEROUPPER()
	Store(AL, ReturnIndex(0))
	RET()
}

func emitQuantizeQ8_0() {
	name := "quantizeQ8_0AVX512"
	quantHeader(name, "is quantizeQ8_0 of nb blocks of x into y; it reports a NaN or infinity in x (y is then unspecified).")
	abs, fmax, half, one := Z31, Z30, Z29, Z28
	splatZ(0x7fffffff, abs)
	f32Splat(math.MaxFloat32, fmax)
	f32Splat(0.5, half)
	f32Splat(1, one)
	MOVL(U32(math.Float32bits(127)), EAX)
	VMOVD(EAX, X27)
	VXORPS(X15, X15, X15)
	TESTQ(RCX, RCX)
	JZ(LabelRef("done"))
	Label("loop")
	VMOVUPS(Mem{Base: RSI}, Z0)
	VMOVUPS(Mem{Base: RSI, Disp: 64}, Z1)
	VPANDD(abs, Z0, Z2)
	VPANDD(abs, Z1, Z3)
	finiteCheck(Z2, fmax)
	finiteCheck(Z3, fmax)
	VMAXPS(Z3, Z2, Z4)
	hmaxZ(Z4, Z5)
	VDIVSS(X27, X4, X6) // d = amax / 127
	VCVTPS2PH(U8(0), X6, X7)
	VMOVD(X7, EAX)
	MOVW(AX, Mem{Base: RDI})
	// id = 1/d, or 0 when d is 0.
	VDIVSS(X6, one.AsX(), X8)
	VCMPSS(U8(4), X15, X6, X9) // d ≠ 0
	VANDPS(X9, X8, X8)
	VBROADCASTSS(X8, Z8)
	for h, v := range []VecPhysical{Z0, Z1} {
		VMULPS(Z8, v, v)
		// roundf: trunc, plus sign(v) where |v − trunc(v)| ≥ ½.
		VRNDSCALEPS(U8(3), v, Z10)
		VSUBPS(Z10, v, Z11)
		VPANDD(abs, Z11, Z11)
		VCMPPS(U8(0x1d), half, Z11, K1) // GE_OQ
		VPANDND(v, abs, Z12)            // the sign bit of v
		VPORD(one, Z12, Z12)            // ±1
		VADDPS(Z12, Z10, K1, Z10)
		VCVTTPS2DQ(Z10, Z10)
		VPMOVDB(Z10, Mem{Base: RDI, Disp: 2 + 16*h})
	}
	ADDQ(U8(128), RSI)
	ADDQ(U8(34), RDI)
	DECQ(RCX)
	JNZ(LabelRef("loop"))
	Label("done")
	quantReturn()
}

func emitQuantizeQ8_K() {
	name := "quantizeQ8_KAVX512"
	quantHeader(name, "is quantizeQ8_K of nb blocks of x into y; it reports a NaN or infinity in x (y is then unspecified).")
	abs, fmax, l127 := Z31, Z30, Z29
	x := zregs(0, 16)
	am, t := Z16, Z17
	splatZ(0x7fffffff, abs)
	f32Splat(math.MaxFloat32, fmax)
	splatZ(127, l127)
	MOVL(U32(math.Float32bits(-127)), EAX)
	VMOVD(EAX, X28)
	MOVL(U32(math.Float32bits(1)), EAX)
	VMOVD(EAX, X27)
	VXORPS(X26, X26, X26)
	TESTQ(RCX, RCX)
	JZ(LabelRef("done"))
	Label("loop")
	for i, v := range x {
		VMOVUPS(Mem{Base: RSI, Disp: 64 * i}, v)
		if i == 0 {
			VPANDD(abs, v, am)
			finiteCheck(am, fmax)
		} else {
			VPANDD(abs, v, t)
			finiteCheck(t, fmax)
			VMAXPS(t, am, am)
		}
	}
	// A NaN or infinity anywhere: stop (the caller runs the reference).
	KORTESTW(K3, K3)
	JNE(LabelRef("done"))
	hmaxZ(am, t)
	VUCOMISS(X26, am.AsX())
	JNE(LabelRef("nonzero"))
	// All zero: the block is zero, d included.
	VPXORD(Z18, Z18, Z18)
	for o := 0; o < 256; o += 64 {
		VMOVDQU64(Z18, Mem{Base: RDI, Disp: o})
	}
	VMOVDQU64(Y18, Mem{Base: RDI, Disp: 256})
	MOVL(U32(0), Mem{Base: RDI, Disp: 288})
	JMP(LabelRef("next"))
	Label("nonzero")
	// max: the first x with |x| = amax.
	VBROADCASTSS(am.AsX(), am)
	XORQ(R8, R8)
	Label("find")
	VPANDD(Mem{Base: RSI, Index: R8, Scale: 1}, abs, t)
	VCMPPS(U8(0), am, t, K1) // EQ_OQ
	KMOVW(K1, EAX)
	TESTL(EAX, EAX)
	JNZ(LabelRef("found"))
	ADDQ(U8(64), R8)
	JMP(LabelRef("find"))
	Label("found")
	BSFL(EAX, EAX)
	LEAQ(Mem{Base: R8, Index: RAX, Scale: 4}, R8)
	VMOVSS(Mem{Base: RSI, Index: R8, Scale: 1}, X18)
	VDIVSS(X18, X28, X19) // iscale = −127 / max
	VDIVSS(X19, X27, X20) // d = 1 / iscale
	VMOVSS(X20, Mem{Base: RDI})
	VBROADCASTSS(X19, Z19)
	for i, v := range x {
		VMULPS(Z19, v, v)
		VCVTPS2DQ(v, v)
		VPMINSD(l127, v, v)
		VPMOVDB(v, Mem{Base: RDI, Disp: 4 + 16*i})
		// bsum i: the 16 int32 lanes added.
		VEXTRACTI64X4(U8(1), v, Y20)
		VPADDD(Y20, v.AsY(), Y20)
		VEXTRACTI32X4(U8(1), Y20, X21)
		VPADDD(X21, X20, X20)
		VPSHUFD(U8(0x4e), X20, X21)
		VPADDD(X21, X20, X20)
		VPSHUFD(U8(0xb1), X20, X21)
		VPADDD(X21, X20, X20)
		VMOVD(X20, EAX)
		MOVW(AX, Mem{Base: RDI, Disp: 260 + 2*i})
	}
	Label("next")
	ADDQ(U32(1024), RSI)
	ADDQ(U32(292), RDI)
	DECQ(RCX)
	JNZ(LabelRef("loop"))
	Label("done")
	quantReturn()
}

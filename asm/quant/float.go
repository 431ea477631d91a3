package main

import (
	"github.com/batuta-go/stack/asm/internal/a64"

	. "github.com/mmcloughlin/avo/build"
	. "github.com/mmcloughlin/avo/operand"
	. "github.com/mmcloughlin/avo/reg"
)

// The F16 and BF16 dot products: widen to float32 and accumulate with FMA
// in four independent accumulators; a scalar loop for the tail.

func emitFloatDot(bf16 bool) {
	name, generic := "dotF16AVX2", "dotF16Generic"
	if bf16 {
		name, generic = "dotBF16AVX2", "dotBF16Generic"
	}
	header(name, "is "+generic+" in float32 arithmetic (FMA, any order): x·y over n values.")
	accs := []VecPhysical{Y0, Y10, Y11, Y12}
	for _, a := range accs {
		VXORPS(a, a, a)
	}
	widen := func(m Mem, v VecPhysical) {
		if bf16 {
			VPMOVZXWD(m, v)
			VPSLLD(U8(16), v, v)
		} else {
			VCVTPH2PS(m, v)
		}
	}
	Label("loop32")
	CMPQ(RCX, U8(32))
	JB(LabelRef("loop8"))
	for i, a := range accs {
		widen(Mem{Base: RSI, Disp: 16 * i}, Y1)
		widen(Mem{Base: RDI, Disp: 16 * i}, Y2)
		VFMADD231PS(Y2, Y1, a)
	}
	ADDQ(U8(64), RSI)
	ADDQ(U8(64), RDI)
	SUBQ(U8(32), RCX)
	JMP(LabelRef("loop32"))
	Label("loop8")
	CMPQ(RCX, U8(8))
	JB(LabelRef("tail"))
	widen(Mem{Base: RSI}, Y1)
	widen(Mem{Base: RDI}, Y2)
	VFMADD231PS(Y2, Y1, Y0)
	ADDQ(U8(16), RSI)
	ADDQ(U8(16), RDI)
	SUBQ(U8(8), RCX)
	JMP(LabelRef("loop8"))
	Label("tail")
	VXORPS(Y13, Y13, Y13)
	TESTQ(RCX, RCX)
	JZ(LabelRef("done"))
	Label("one")
	MOVWLZX(Mem{Base: RSI}, EAX)
	MOVWLZX(Mem{Base: RDI}, EDX)
	if bf16 {
		SHLL(U8(16), EAX)
		SHLL(U8(16), EDX)
		VMOVD(EAX, X1)
		VMOVD(EDX, X2)
	} else {
		VMOVD(EAX, X1)
		VMOVD(EDX, X2)
		VCVTPH2PS(X1, X1)
		VCVTPH2PS(X2, X2)
	}
	VFMADD231SS(X2, X1, X13)
	ADDQ(U8(2), RSI)
	ADDQ(U8(2), RDI)
	DECQ(RCX)
	JNZ(LabelRef("one"))
	Label("done")
	VADDPS(Y10, Y0, Y0)
	VADDPS(Y12, Y11, Y11)
	VADDPS(Y11, Y0, Y0)
	VADDPS(Y13, Y0, Y0)
	hsumReturn(acc)
}

func neonFloatDot(f *a64.File, bf16 bool) {
	name, generic := "dotF16NEON", "dotF16Generic"
	if bf16 {
		name, generic = "dotBF16NEON", "dotBF16Generic"
	}
	fn := f.Func(name, neonSig, name+" is "+generic+" in float32 arithmetic (FMA, any order): x·y over n values.")
	fn.Go("MOVD %s, R2", fn.Arg("n"))
	fn.Go("MOVD %s, R0", fn.Arg("x_base"))
	fn.Go("MOVD %s, R1", fn.Arg("y_base"))
	for _, a := range []int{7, 16, 17, 18} {
		fn.Op("eor v%d.16b, v%d.16b, v%d.16b", a, a, a)
	}
	widen := func(dst, src int, hi bool) {
		switch {
		case bf16 && hi:
			fn.Op("shll2 v%d.4s, v%d.8h, #16", dst, src)
		case bf16:
			fn.Op("shll v%d.4s, v%d.4h, #16", dst, src)
		case hi:
			fn.Op("fcvtl2 v%d.4s, v%d.8h", dst, src)
		default:
			fn.Op("fcvtl v%d.4s, v%d.4h", dst, src)
		}
	}
	fn.Label("loop16")
	fn.Go("CMP $16, R2")
	fn.Go("BLT tail")
	fn.Go("VLD1.P 32(R0), [V0.H8, V1.H8]")
	fn.Go("VLD1.P 32(R1), [V2.H8, V3.H8]")
	for i := range 2 {
		widen(4, i, false)
		widen(5, i, true)
		widen(6, 2+i, false)
		widen(19, 2+i, true)
		fn.Op("fmla v%d.4s, v4.4s, v6.4s", []int{7, 17}[i])
		fn.Op("fmla v%d.4s, v5.4s, v19.4s", []int{16, 18}[i])
	}
	fn.Go("SUB $16, R2")
	fn.Go("B loop16")
	fn.Label("tail")
	fn.Go("CBZ R2, done")
	fn.Op("eor v0.16b, v0.16b, v0.16b")
	fn.Op("eor v2.16b, v2.16b, v2.16b")
	fn.Go("MOVHU.P 2(R0), R4")
	fn.Go("MOVHU.P 2(R1), R5")
	fn.Op("ins v0.h[0], w4")
	fn.Op("ins v2.h[0], w5")
	widen(4, 0, false)
	widen(6, 2, false)
	fn.Op("fmla v7.4s, v4.4s, v6.4s")
	fn.Go("SUB $1, R2")
	fn.Go("B tail")
	fn.Label("done")
	fn.Op("fadd v7.4s, v7.4s, v16.4s")
	fn.Op("fadd v17.4s, v17.4s, v18.4s")
	fn.Op("fadd v7.4s, v7.4s, v17.4s")
	neonReturn(fn)
}

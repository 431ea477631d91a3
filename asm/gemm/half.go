package main

import (
	"fmt"

	. "github.com/mmcloughlin/avo/build"
	. "github.com/mmcloughlin/avo/operand"
	"github.com/mmcloughlin/avo/reg"
)

// halfFormat is a 16-bit float encoding and how a vector of it is widened
// to float32 straight from memory.
type halfFormat struct {
	name  string
	widen func(m Mem, dst reg.VecVirtual)
}

var (
	f16 = &halfFormat{"F16", func(m Mem, dst reg.VecVirtual) { VCVTPH2PS(m, dst) }}
	// bfloat16 is the top half of a float32: zero-extend, shift left 16.
	bf16 = &halfFormat{"BF16", func(m Mem, dst reg.VecVirtual) {
		VPMOVZXWD(m, dst)
		VPSLLD(U8(16), dst, dst)
	}}
)

// gemvHalfDot4 emits gemvDot4 for a matrix of 16-bit floats and float32 x:
//
//	out[r·L+l] = Σ_v float32(a[r·lda + v·L+l])·x[v·L+l]   for rows r < 4
//
// n a multiple of L (the caller does the tail); lda in elements.
func gemvHalfDot4(w *width, h *halfFormat) {
	lanes := w.bytes / 4
	name := "gemvDot4" + h.name + w.isa
	TEXT(name, NOSPLIT, "func(n int, a *uint16, lda int, x, out *float32)")
	Pragma("noescape")
	Doc(fmt.Sprintf("%s sets out[r·%d+l] to the lane-l partial sum of the dot product of row r < 4", name, lanes),
		fmt.Sprintf("of the %s matrix a (rows lda apart), widened to float32, with x, over n elements,", h.name),
		fmt.Sprintf("a multiple of %d, with %s.", lanes, w.isa))
	n := Load(Param("n"), GP64())
	a := Load(Param("a"), GP64())
	lda := Load(Param("lda"), GP64())
	SHLQ(U8(1), lda)
	x := Load(Param("x"), GP64())
	a3 := GP64()
	LEAQ(Mem{Base: a, Index: lda, Scale: 2}, a3)
	ADDQ(lda, a3)
	acc := make([]reg.VecVirtual, 4)
	for r := range acc {
		acc[r] = w.vec()
		VXORPS(acc[r], acc[r], acc[r])
	}
	TESTQ(n, n)
	JZ(LabelRef("done"))
	Label("loop")
	xv := w.vec()
	VMOVUPS(Mem{Base: x}, xv)
	rows := []Mem{{Base: a}, {Base: a, Index: lda, Scale: 1}, {Base: a, Index: lda, Scale: 2}, {Base: a3}}
	for r, m := range rows {
		v := w.vec()
		h.widen(m, v)
		VFMADD231PS(v, xv, acc[r])
	}
	ADDQ(U32(2*lanes), a)
	ADDQ(U32(2*lanes), a3)
	ADDQ(U32(4*lanes), x)
	SUBQ(U32(lanes), n)
	JNZ(LabelRef("loop"))
	Label("done")
	out := Load(Param("out"), GP64())
	for r := range acc {
		VMOVUPS(acc[r], Mem{Base: out, Disp: r * w.bytes})
	}
	VZEROUPPER()
	RET()
}

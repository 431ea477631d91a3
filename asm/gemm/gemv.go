package main

import (
	"fmt"

	. "github.com/mmcloughlin/avo/build"
	. "github.com/mmcloughlin/avo/operand"
	"github.com/mmcloughlin/avo/reg"
)

// gemvKernels emits the two GEMV kernels for one width and element type;
// n is a multiple of the vector length (the caller does the tail).
//
//	gemvDot4:  out[r·L+l] = Σ_{v<n/L} a[r·lda + v·L+l]·x[v·L+l]   for rows r < 4
//	gemvAxpy4: y[j] += s[0]·a[j] + s[1]·a[lda+j] + s[2]·a[2lda+j] + s[3]·a[3lda+j]
func gemvKernels(w *width, e *elem) {
	lanes := w.bytes / e.size
	shift := U8(map[int]uint64{4: 2, 8: 3}[e.size])

	name := "gemvDot4" + e.name + w.isa
	TEXT(name, NOSPLIT, fmt.Sprintf("func(n int, a *%s, lda int, x, out *%s)", e.gotyp, e.gotyp))
	Pragma("noescape")
	Doc(fmt.Sprintf("%s sets out[r·%d+l] to the lane-l partial sum of the dot product of row r < 4 of a", name, lanes),
		fmt.Sprintf("(rows lda apart) with x, over n elements, a multiple of %d, with %s.", lanes, w.isa))
	n := Load(Param("n"), GP64())
	a := Load(Param("a"), GP64())
	lda := Load(Param("lda"), GP64())
	SHLQ(shift, lda)
	x := Load(Param("x"), GP64())
	a3 := GP64()
	LEAQ(Mem{Base: a, Index: lda, Scale: 2}, a3)
	ADDQ(lda, a3)
	acc := make([]reg.VecVirtual, 4)
	for r := range acc {
		acc[r] = w.vec()
		e.zero(acc[r], acc[r], acc[r])
	}
	TESTQ(n, n)
	JZ(LabelRef("dotdone"))
	Label("dotloop")
	xv := w.vec()
	e.movu(Mem{Base: x}, xv)
	rows := []Mem{{Base: a}, {Base: a, Index: lda, Scale: 1}, {Base: a, Index: lda, Scale: 2}, {Base: a3}}
	for r, m := range rows {
		e.fma(m, xv, acc[r])
	}
	ADDQ(U32(w.bytes), a)
	ADDQ(U32(w.bytes), a3)
	ADDQ(U32(w.bytes), x)
	SUBQ(U32(lanes), n)
	JNZ(LabelRef("dotloop"))
	Label("dotdone")
	out := Load(Param("out"), GP64())
	for r := range acc {
		e.movu(acc[r], Mem{Base: out, Disp: r * w.bytes})
	}
	VZEROUPPER()
	RET()

	name = "gemvAxpy4" + e.name + w.isa
	TEXT(name, NOSPLIT, fmt.Sprintf("func(n int, a *%s, lda int, s, y *%s)", e.gotyp, e.gotyp))
	Pragma("noescape")
	Doc(fmt.Sprintf("%s adds s[0]·a[j] + s[1]·a[lda+j] + s[2]·a[2·lda+j] + s[3]·a[3·lda+j] to y[j]", name),
		fmt.Sprintf("for j < n, a multiple of %d, with %s.", lanes, w.isa))
	n = Load(Param("n"), GP64())
	a = Load(Param("a"), GP64())
	lda = Load(Param("lda"), GP64())
	SHLQ(shift, lda)
	s := Load(Param("s"), GP64())
	y := Load(Param("y"), GP64())
	a3 = GP64()
	LEAQ(Mem{Base: a, Index: lda, Scale: 2}, a3)
	ADDQ(lda, a3)
	sv := make([]reg.VecVirtual, 4)
	for r := range sv {
		sv[r] = w.vec()
		e.bcast(Mem{Base: s, Disp: r * e.size}, sv[r])
	}
	TESTQ(n, n)
	JZ(LabelRef("axpydone"))
	Label("axpyloop")
	yv := w.vec()
	e.movu(Mem{Base: y}, yv)
	rows = []Mem{{Base: a}, {Base: a, Index: lda, Scale: 1}, {Base: a, Index: lda, Scale: 2}, {Base: a3}}
	for r, m := range rows {
		e.fma(m, sv[r], yv)
	}
	e.movu(yv, Mem{Base: y})
	ADDQ(U32(w.bytes), a)
	ADDQ(U32(w.bytes), a3)
	ADDQ(U32(w.bytes), y)
	SUBQ(U32(lanes), n)
	JNZ(LabelRef("axpyloop"))
	Label("axpydone")
	VZEROUPPER()
	RET()
}

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
//	gemvDot4:  out[r] = Σ_{j<n} a[r·lda + j]·x[j]   for rows r < 4
//	gemvAxpy4: y[j] += s[0]·a[j] + s[1]·a[lda+j] + s[2]·a[2lda+j] + s[3]·a[3lda+j]
//
// Both stream four rows of a side by side, several vectors of each per
// step, and (gemvDot4) reduce each row's accumulators to one sum once, at
// the end, so that the caller's work between calls is a few scalar
// operations. Measured on the Zen 5 machine with a 64 MiB matrix: four
// vectors per row per step reads about 5% faster than one; software
// prefetches (PREFETCHT0/T1/NTA, 0.5-8 KiB ahead on each row, every line
// or one per step, or into L2 at the same place of the next four rows)
// were all 5-15% slower than the hardware prefetcher alone, and reading
// the four rows one after the other (a single sequential stream when
// lda = n) 15% slower than side by side.
func gemvKernels(w *width, e *elem) {
	lanes := w.bytes / e.size
	shift := U8(map[int]uint64{4: 2, 8: 3}[e.size])
	u := gemvUnroll(w)

	name := "gemvDot4" + e.name + w.isa
	TEXT(name, NOSPLIT, fmt.Sprintf("func(n int, a *%s, lda int, x, out *%s)", e.gotyp, e.gotyp))
	Pragma("noescape")
	Doc(fmt.Sprintf("%s sets out[r] to the dot product of row r < 4 of a (rows lda apart)", name),
		fmt.Sprintf("with x, over n elements, a multiple of %d, with %s.", lanes, w.isa))
	n := Load(Param("n"), GP64())
	a := Load(Param("a"), GP64())
	lda := Load(Param("lda"), GP64())
	SHLQ(shift, lda)
	x := Load(Param("x"), GP64())
	a3 := GP64()
	LEAQ(Mem{Base: a, Index: lda, Scale: 2}, a3)
	ADDQ(lda, a3)
	// acc[r][v] sums vector v of each step of row r: u chains
	// per row, so that the adds do not wait for each other.
	acc := make([][]reg.VecVirtual, 4)
	for r := range acc {
		acc[r] = make([]reg.VecVirtual, u)
		for v := range acc[r] {
			acc[r][v] = w.vec()
			e.zero(acc[r][v], acc[r][v], acc[r][v])
		}
	}
	row := func(r, disp int) Mem {
		switch r {
		case 0:
			return Mem{Base: a, Disp: disp}
		case 3:
			return Mem{Base: a3, Disp: disp}
		}
		return Mem{Base: a, Index: lda, Scale: uint8(r), Disp: disp}
	}
	step := u * w.bytes
	CMPQ(n, U32(u*lanes))
	JB(LabelRef("dottail"))
	Label("dotloop")
	xv := make([]reg.VecVirtual, u)
	for v := range xv {
		xv[v] = w.vec()
		e.movu(Mem{Base: x, Disp: v * w.bytes}, xv[v])
	}
	for r := range 4 {
		for v := range xv {
			e.fma(row(r, v*w.bytes), xv[v], acc[r][v])
		}
	}
	ADDQ(U32(step), a)
	ADDQ(U32(step), a3)
	ADDQ(U32(step), x)
	SUBQ(U32(u*lanes), n)
	CMPQ(n, U32(u*lanes))
	JAE(LabelRef("dotloop"))
	Label("dottail")
	TESTQ(n, n)
	JZ(LabelRef("dotdone"))
	Label("dotone")
	xt := w.vec()
	e.movu(Mem{Base: x}, xt)
	for r := range 4 {
		e.fma(row(r, 0), xt, acc[r][0])
	}
	ADDQ(U32(w.bytes), a)
	ADDQ(U32(w.bytes), a3)
	ADDQ(U32(w.bytes), x)
	SUBQ(U32(lanes), n)
	JNZ(LabelRef("dotone"))
	Label("dotdone")
	sums := make([]reg.VecVirtual, 4)
	for r := range acc {
		for v := 1; v < u; v++ {
			map[int]func(...Op){4: VADDPS, 8: VADDPD}[e.size](acc[r][v], acc[r][0], acc[r][0])
		}
		sums[r] = acc[r][0]
	}
	gemvStoreSums(w, e, sums, Load(Param("out"), GP64()))
	VZEROUPPER()
	RET()
	gemvAxpy4(w, e)
}

// gemvAxpy4 emits the gemvAxpy4 kernel of gemvKernels.
func gemvAxpy4(w *width, e *elem) {
	lanes := w.bytes / e.size
	shift := U8(map[int]uint64{4: 2, 8: 3}[e.size])
	u := gemvUnroll(w)
	step := u * w.bytes
	name := "gemvAxpy4" + e.name + w.isa
	TEXT(name, NOSPLIT, fmt.Sprintf("func(n int, a *%s, lda int, s, y *%s)", e.gotyp, e.gotyp))
	Pragma("noescape")
	Doc(fmt.Sprintf("%s adds s[0]·a[j] + s[1]·a[lda+j] + s[2]·a[2·lda+j] + s[3]·a[3·lda+j] to y[j]", name),
		fmt.Sprintf("for j < n, a multiple of %d, with %s.", lanes, w.isa))
	n := Load(Param("n"), GP64())
	a := Load(Param("a"), GP64())
	lda := Load(Param("lda"), GP64())
	SHLQ(shift, lda)
	s := Load(Param("s"), GP64())
	y := Load(Param("y"), GP64())
	a3 := GP64()
	LEAQ(Mem{Base: a, Index: lda, Scale: 2}, a3)
	ADDQ(lda, a3)
	sv := make([]reg.VecVirtual, 4)
	for r := range sv {
		sv[r] = w.vec()
		e.bcast(Mem{Base: s, Disp: r * e.size}, sv[r])
	}
	row := func(r, disp int) Mem {
		switch r {
		case 0:
			return Mem{Base: a, Disp: disp}
		case 3:
			return Mem{Base: a3, Disp: disp}
		}
		return Mem{Base: a, Index: lda, Scale: uint8(r), Disp: disp}
	}
	CMPQ(n, U32(u*lanes))
	JB(LabelRef("axpytail"))
	Label("axpyloop")
	yv := make([]reg.VecVirtual, u)
	for v := range yv {
		yv[v] = w.vec()
		e.movu(Mem{Base: y, Disp: v * w.bytes}, yv[v])
	}
	for r := range 4 {
		for v := range yv {
			e.fma(row(r, v*w.bytes), sv[r], yv[v])
		}
	}
	for v := range yv {
		e.movu(yv[v], Mem{Base: y, Disp: v * w.bytes})
	}
	ADDQ(U32(step), a)
	ADDQ(U32(step), a3)
	ADDQ(U32(step), y)
	SUBQ(U32(u*lanes), n)
	CMPQ(n, U32(u*lanes))
	JAE(LabelRef("axpyloop"))
	Label("axpytail")
	TESTQ(n, n)
	JZ(LabelRef("axpydone"))
	Label("axpyone")
	yt := w.vec()
	e.movu(Mem{Base: y}, yt)
	for r := range 4 {
		e.fma(row(r, 0), sv[r], yt)
	}
	e.movu(yt, Mem{Base: y})
	ADDQ(U32(w.bytes), a)
	ADDQ(U32(w.bytes), a3)
	ADDQ(U32(w.bytes), y)
	SUBQ(U32(lanes), n)
	JNZ(LabelRef("axpyone"))
	Label("axpydone")
	VZEROUPPER()
	RET()
}

// gemvUnroll is how many vectors of each row a GEMV kernel step reads:
// four ZMM (one 256-byte run per row, 16 accumulators and 4 vectors of x
// in the 32 registers), two YMM (8 + 2 of the 16).
func gemvUnroll(w *width) int {
	if w.bytes == 64 {
		return 4
	}
	return 2
}

// gemvStoreSums stores the lane sums of the four vectors v to out[0..3].
// Only instructions with an EVEX form are used: the AVX-512 accumulators
// may live in Z16-Z31, which VEX instructions (VHADDPS) cannot name.
func gemvStoreSums(w *width, e *elem, v []reg.VecVirtual, out reg.Register) {
	add := map[int]func(...Op){4: VADDPS, 8: VADDPD}[e.size]
	xs := make([]reg.VecVirtual, 4)
	for r, a := range v {
		y := a
		if w.bytes == 64 {
			y = YMM()
			VEXTRACTF64X4(U8(1), a, y)
			add(a.AsY(), y, y)
		}
		x := XMM()
		if w.bytes == 64 {
			VEXTRACTF32X4(U8(1), y, x)
		} else {
			VEXTRACTF128(U8(1), y, x)
		}
		add(y.AsX(), x, x)
		xs[r] = x
	}
	if e.size == 8 {
		// [a0 a1] [b0 b1] -> [a0 b0] + [a1 b1], for rows 0, 1 and 2, 3.
		for r := 0; r < 4; r += 2 {
			lo, hi := XMM(), XMM()
			VUNPCKLPD(xs[r+1], xs[r], lo)
			VUNPCKHPD(xs[r+1], xs[r], hi)
			VADDPD(hi, lo, lo)
			VMOVUPD(lo, Mem{Base: out, Disp: r * 8})
		}
		return
	}
	// Rows 0, 1: [a0 b0 a1 b1] + [a2 b2 a3 b3]; then the 64-bit halves of
	// that pair and rows 2, 3's interleaved and added.
	pair := make([]reg.VecVirtual, 2)
	for q := range pair {
		lo, hi := XMM(), XMM()
		VUNPCKLPS(xs[2*q+1], xs[2*q], lo)
		VUNPCKHPS(xs[2*q+1], xs[2*q], hi)
		VADDPS(hi, lo, lo)
		pair[q] = lo
	}
	lo, hi := XMM(), XMM()
	VUNPCKLPD(pair[1], pair[0], lo)
	VUNPCKHPD(pair[1], pair[0], hi)
	VADDPS(hi, lo, lo)
	VMOVUPS(lo, Mem{Base: out})
}

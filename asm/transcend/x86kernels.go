package main

import (
	"fmt"

	. "github.com/mmcloughlin/avo/build"
	. "github.com/mmcloughlin/avo/operand"
	"github.com/mmcloughlin/avo/reg"
)

// kernel describes one generated function: its prog (the arithmetic on
// one vector), its shape and its documentation.
type kernel struct {
	name    string   // without the ISA suffix
	what    string   // the loop it computes, for the doc comment
	shape   shape    // how it walks its slices
	scalars []string // float32 parameters broadcast to every lane
	prog    func(k *consts) *prog
}

type shape int

const (
	shapeMap     shape = iota // func(dst, x []float32, scalars...): dst[i] = f(x[i])
	shapeInPlace              // func(dst []float32, scalars...): dst[i] = f(dst[i])
	shapeSumTo                // func(dst, x []float32, m float32) float32: dst[i] = f(x[i]), returns Σ dst[i]
	shapeSum                  // func(x []float32, m float32) float32: returns Σ f(x[i])
)

func (k *kernel) sig() string {
	var s string
	switch k.shape {
	case shapeMap:
		s = "dst, x []float32"
	case shapeInPlace:
		s = "dst []float32"
	case shapeSumTo:
		s = "dst, x []float32"
	case shapeSum:
		s = "x []float32"
	}
	for _, p := range k.scalars {
		s += ", " + p + " float32"
	}
	if k.shape >= shapeSumTo {
		return "func(" + s + ") float32"
	}
	return "func(" + s + ")"
}

// sumDoc is the summation order every path of a summing kernel uses, so
// that the sum, too, is bit-exact across paths.
const sumDoc = "The sum is formed in 16 lanes, lane j adding the terms i ≡ j (mod 16) in order, " +
	"then the lanes are added pairwise: j+8 into j, then j+4, j+2, j+1."

func (k *kernel) doc(isa string) []string {
	d := []string{fmt.Sprintf("%s%s computes %s, with %s.", k.name, isa, k.what, isa)}
	if k.shape == shapeSumTo || k.shape == shapeSum {
		d = append(d, sumDoc)
	}
	return d
}

// x86Kernel emits k for width w.
func x86Kernel(w *x86, k *kernel, c *consts) {
	name := k.name + w.isa
	TEXT(name, NOSPLIT, k.sig())
	Doc(k.doc(w.isa)...)
	var p *prog
	if k.prog != nil {
		p = k.prog(c)
	}
	scalars := make([]reg.VecVirtual, len(k.scalars))
	for i, s := range k.scalars {
		scalars[i] = w.vec()
		b, err := Param(s).Resolve()
		if err != nil {
			panic(err)
		}
		VBROADCASTSS(b.Addr, scalars[i])
	}
	switch k.shape {
	case shapeMap, shapeInPlace:
		w.mapLoop(k, p, scalars)
	case shapeSumTo, shapeSum:
		w.sumLoop(k, p, scalars)
	}
}

func (w *x86) mapLoop(k *kernel, p *prog, scalars []reg.VecVirtual) {
	dst := Load(Param("dst").Base(), GP64())
	src := dst
	if k.shape == shapeMap {
		src = Load(Param("x").Base(), GP64())
	}
	n := GP64()
	Load(Param("dst").Len(), n)
	step := 4 * w.lanes
	one := func(off int) {
		x := w.vec()
		VMOVUPS(Mem{Base: src, Disp: off}, x)
		VMOVUPS(w.body(p, []reg.VecVirtual{x}, scalars), Mem{Base: dst, Disp: off})
	}

	Label("loop")
	CMPQ(n, U32(w.unroll*w.lanes))
	JL(LabelRef("single"))
	for u := 0; u < w.unroll; u++ {
		one(u * step)
	}
	ADDQ(U32(w.unroll*step), src)
	if k.shape == shapeMap {
		ADDQ(U32(w.unroll*step), dst)
	}
	SUBQ(U32(w.unroll*w.lanes), n)
	JMP(LabelRef("loop"))

	Label("single")
	CMPQ(n, U32(w.lanes))
	JL(LabelRef("tail"))
	one(0)
	ADDQ(U32(step), src)
	if k.shape == shapeMap {
		ADDQ(U32(step), dst)
	}
	SUBQ(U32(w.lanes), n)
	JMP(LabelRef("single"))

	Label("tail")
	TESTQ(n, n)
	JZ(LabelRef("done"))
	m := w.tailMask(n)
	x := w.maskedLoad(Mem{Base: src}, m)
	w.maskedStore(w.body(p, []reg.VecVirtual{x}, scalars), m, Mem{Base: dst})

	Label("done")
	VZEROUPPER()
	RET()
}

// sumLoop: the canonical 16-lane sum (see sumDoc). AVX-512 keeps it in one
// register; AVX2 in two, the first for the even and the second for the
// odd 8-float blocks.
func (w *x86) sumLoop(k *kernel, p *prog, scalars []reg.VecVirtual) {
	var dst, src reg.Register
	if k.shape == shapeSumTo {
		dst = Load(Param("dst").Base(), GP64())
	}
	src = Load(Param("x").Base(), GP64())
	n := GP64()
	Load(Param("x").Len(), n)
	step := 4 * w.lanes
	nacc := 16 / w.lanes
	acc := make([]reg.VecVirtual, nacc)
	for i := range acc {
		acc[i] = w.vec()
		VXORPS(acc[i], acc[i], acc[i])
	}
	// one handles the vector at byte offset off into accumulator a.
	one := func(off, a int) {
		x := w.vec()
		VMOVUPS(Mem{Base: src, Disp: off}, x)
		e := w.body(p, []reg.VecVirtual{x}, scalars)
		if k.shape == shapeSumTo {
			VMOVUPS(e, Mem{Base: dst, Disp: off})
		}
		VADDPS(e, acc[a], acc[a])
	}
	advance := func(elems int) {
		ADDQ(U32(4*elems), src)
		if k.shape == shapeSumTo {
			ADDQ(U32(4*elems), dst)
		}
		SUBQ(U32(elems), n)
	}
	// masked handles the last 0 < n < lanes elements into accumulator a.
	masked := func(a int) {
		m := w.tailMask(n)
		x := w.maskedLoad(Mem{Base: src}, m)
		e := w.body(p, []reg.VecVirtual{x}, scalars)
		if k.shape == shapeSumTo {
			w.maskedStore(e, m, Mem{Base: dst})
		}
		if w.avx512 {
			VADDPS(e, acc[a], m, acc[a]) // merge masking: lanes ≥ n unchanged
		} else {
			VANDPS(m, e, e) // lanes ≥ n add +0
			VADDPS(e, acc[a], acc[a])
		}
	}

	Label("loop")
	CMPQ(n, U32(w.unroll*w.lanes))
	JL(LabelRef("block"))
	for u := 0; u < w.unroll; u++ {
		one(u*step, u%nacc)
	}
	advance(w.unroll * w.lanes)
	JMP(LabelRef("loop"))

	// Whole 16-float blocks.
	Label("block")
	CMPQ(n, U32(16))
	JL(LabelRef("tail"))
	for a := 0; a < nacc; a++ {
		one(a*step, a)
	}
	advance(16)
	JMP(LabelRef("block"))

	// The last 0..15 floats.
	Label("tail")
	TESTQ(n, n)
	JZ(LabelRef("reduce"))
	if nacc == 2 {
		CMPQ(n, U32(w.lanes))
		JL(LabelRef("last"))
		one(0, 0)
		advance(w.lanes)
		TESTQ(n, n)
		JZ(LabelRef("reduce"))
		masked(1)
		JMP(LabelRef("reduce"))
		Label("last")
	}
	masked(0)

	Label("reduce")
	w.reduce(acc, VADDPS, VADDSS)
	VZEROUPPER()
	RET()
}

// reduce folds the 16 lanes of acc pairwise (j+8, j+4, j+2, j+1 into j)
// with op (packed) and ops (scalar) and stores lane 0 as the result.
func (w *x86) reduce(acc []reg.VecVirtual, op func(...Op), ops func(...Op)) {
	y := YMM()
	if w.avx512 {
		VEXTRACTF32X8(U8(1), acc[0], y)
		op(y, acc[0].AsY(), y)
	} else {
		op(acc[1], acc[0], y)
	}
	x := XMM()
	VEXTRACTF128(U8(1), y, x)
	op(x, y.AsX(), x)
	t := XMM()
	VMOVHLPS(x, x, t)
	op(t, x, x)
	VMOVSHDUP(x, t)
	ops(t, x, x)
	Store(x, ReturnIndex(0))
}

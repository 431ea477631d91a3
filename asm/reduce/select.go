package main

import (
	"fmt"

	. "github.com/mmcloughlin/avo/build"
	. "github.com/mmcloughlin/avo/operand"
	"github.com/mmcloughlin/avo/reg"
)

// selectUnroll is the number of accumulators of the selecting kernels.
const selectUnroll = 4

// minOrdered sets dst to the minimum of a and b in the order of Go's
// built-in min: NaN if either is NaN, and −0 below +0. VMINPS returns its
// second source when the operands are unordered or equal, so the two
// operand orders differ exactly in those cases: for equal zeros one gives
// each sign, and OR keeps −0; with a NaN one of them is that NaN, and OR
// with a NaN (exponent all ones, mantissa not zero) is a NaN. Elsewhere
// both are the minimum and OR changes nothing.
func minOrdered(w width) func(a, b, dst Op) {
	return func(a, b, dst Op) {
		r1, r2 := w.vecLike(dst), w.vecLike(dst)
		VMINPS(a, b, r1)
		VMINPS(b, a, r2)
		VORPS(r1, r2, dst)
	}
}

// vecLike allocates a register of the same size as r.
func (w width) vecLike(r Op) reg.VecVirtual {
	switch r.(reg.Register).Size() {
	case 16:
		return XMM()
	case 32:
		return YMM()
	}
	return ZMM()
}

// selecting describes Min, Max or LInf: each element is transformed by
// prep (into a register), folded into an accumulator with combine, and the
// result transformed back by finish.
type selecting struct {
	name    string
	doc     string
	init    int // offset of the accumulators' initial value, or -1 for zero
	fill    int // offset of the tail's masked-off lanes' value, or -1 for zero
	consts  []int
	prep    func(w width, in Op, k []reg.VecVirtual) reg.VecVirtual
	combine func(w width) func(a, b, dst Op)
	finish  func(x reg.VecVirtual, k []reg.VecVirtual)
}

var selectingKernels = []selecting{
	{
		name: "minimum", init: cPosInf, fill: cPosInf,
		doc: "returns the minimum of x in the order of Go's min (NaN wins, −0 < +0), +Inf for an empty x.",
		prep: func(w width, in Op, _ []reg.VecVirtual) reg.VecVirtual {
			return w.load(in)
		},
		combine: minOrdered,
	},
	{
		// max(x) = −min(−x) keeps minOrdered's exact NaN and zero rules.
		name: "maximum", init: cPosInf, fill: cNegInf, consts: []int{cSign},
		doc: "returns the maximum of x in the order of Go's max (NaN wins, +0 > −0), −Inf for an empty x.",
		prep: func(w width, in Op, k []reg.VecVirtual) reg.VecVirtual {
			t := w.vec()
			VXORPS(in, k[0], t)
			return t
		},
		combine: minOrdered,
		finish: func(x reg.VecVirtual, k []reg.VecVirtual) {
			VXORPS(k[0].AsX(), x, x)
		},
	},
	{
		// |x| as an unsigned integer orders like |x|, with every NaN above
		// +Inf: the largest one is a NaN exactly when x holds a NaN.
		name: "absMax", init: -1, fill: -1, consts: []int{cAbs},
		doc: "returns max |x[i]| (NaN wins), 0 for an empty x.",
		prep: func(w width, in Op, k []reg.VecVirtual) reg.VecVirtual {
			t := w.vec()
			VANDPS(in, k[0], t)
			return t
		},
		combine: func(w width) func(a, b, dst Op) {
			return func(a, b, dst Op) { VPMAXUD(a, b, dst) }
		},
	},
}

// genSelecting emits one selecting kernel for width w.
func genSelecting(w width, s selecting) {
	name := s.name + w.suffix
	TEXT(name, NOSPLIT, "func(x []float32) float32")
	Doc(fmt.Sprintf("%s %s", name, s.doc))
	p := GP64()
	Load(Param("x").Base(), p)
	n := GP64()
	Load(Param("x").Len(), n)
	k := make([]reg.VecVirtual, len(s.consts))
	for i, off := range s.consts {
		k[i] = w.broadcast(off)
	}
	combine := s.combine(w)
	acc := make([]reg.VecVirtual, selectUnroll)
	for i := range acc {
		if s.init < 0 {
			acc[i] = w.vec()
			w.zero(acc[i])
		} else {
			acc[i] = w.broadcast(s.init)
		}
	}
	advance := func(elems int) {
		ADDQ(U32(uint32(4*elems)), p)
		SUBQ(U32(uint32(elems)), n)
	}

	block := selectUnroll * w.lanes
	CMPQ(n, U32(uint32(block)))
	JB(LabelRef("single"))
	Label("unrolled")
	for j := range acc {
		combine(s.prep(w, Mem{Base: p, Disp: j * w.bytes()}, k), acc[j], acc[j])
	}
	advance(block)
	CMPQ(n, U32(uint32(block)))
	JAE(LabelRef("unrolled"))

	Label("single")
	CMPQ(n, U32(uint32(w.lanes)))
	JB(LabelRef("tail"))
	combine(s.prep(w, Mem{Base: p}, k), acc[0], acc[0])
	advance(w.lanes)
	JMP(LabelRef("single"))

	Label("tail")
	TESTQ(n, n)
	JZ(LabelRef("fold"))
	t := w.newTail(n)
	var fill reg.VecVirtual
	if s.fill >= 0 {
		fill = w.broadcast(s.fill)
	}
	combine(s.prep(w, t.load(Mem{Base: p}, fill), k), acc[1], acc[1])

	Label("fold")
	for st := 1; st < len(acc); st *= 2 {
		for j := 0; j+st < len(acc); j += 2 * st {
			combine(acc[j+st], acc[j], acc[j])
		}
	}
	x := w.horizontal(acc[0], combine)
	if s.finish != nil {
		s.finish(x, k)
	}
	returnFloat(x)
}

// argUnroll is the number of (best value, index) accumulator pairs of
// Argmin and Argmax.
const argUnroll = 4

// genArg emits argmin (max false) or argmax for width w. Each lane keeps
// the best value it has seen and the index of the vector in which it first
// saw it, replacing both only on a strictly better value (so a lane keeps
// its first occurrence); NaNs never compare better and are only recorded
// in a separate predicate. At the end the best value over all lanes is
// found, then the smallest element index among the lanes that hold it.
// The kernel returns -1 when x holds a NaN (the caller then finds the
// first one). Indices are int32 lanes: the caller passes at most 2³⁰
// elements per call.
func genArg(w width, max bool) {
	name, pred, fillOff := "argmin", uint8(predLT), cPosInf
	better := func(a, b, dst Op) { VMINPS(a, b, dst) } // b < a ? b : a
	if max {
		name, pred, fillOff = "argmax", predGT, cNegInf
		better = func(a, b, dst Op) { VMAXPS(a, b, dst) }
	}
	name += w.suffix
	TEXT(name, NOSPLIT, "func(x []float32) int")
	Doc(fmt.Sprintf("%s returns the index of the first %s of x, 0 for an empty x, or -1 when x holds a NaN; len(x) <= 1<<30.",
		name, map[bool]string{false: "minimum", true: "maximum"}[max]))
	p := GP64()
	Load(Param("x").Base(), p)
	n := GP64()
	Load(Param("x").Len(), n)

	best := make([]reg.VecVirtual, argUnroll)
	idx := make([]reg.VecVirtual, argUnroll)
	for j := range best {
		best[j] = w.broadcast(fillOff)
		idx[j] = w.vec()
		VPBROADCASTD(constants.Offset(cHuge), idx[j])
	}
	base := w.vec() // index of the first element of the current block
	w.zero(base)
	nan := w.mask()
	w.clearMask(nan)

	// visit folds the vector v (a register) into slot j.
	visit := func(v reg.VecVirtual, j int) {
		m := w.cmp(pred, v, best[j])
		better(best[j], v, best[j])
		w.merge(m, base, idx[j])
	}
	noteNaN := func(a, b reg.VecVirtual) {
		w.orMask(w.cmp(predUnord, a, b), nan)
	}

	block := argUnroll * w.lanes
	CMPQ(n, U32(uint32(block)))
	JB(LabelRef("single"))
	step := w.broadcastInt(block)
	Label("unrolled")
	for j := 0; j < argUnroll; j += 2 {
		a := w.load(Mem{Base: p, Disp: j * w.bytes()})
		visit(a, j)
		b := w.load(Mem{Base: p, Disp: (j + 1) * w.bytes()})
		visit(b, j+1)
		noteNaN(a, b)
	}
	ADDQ(U32(uint32(4*block)), p)
	SUBQ(U32(uint32(block)), n)
	VPADDD(step, base, base)
	CMPQ(n, U32(uint32(block)))
	JAE(LabelRef("unrolled"))

	Label("single")
	CMPQ(n, U32(uint32(w.lanes)))
	JB(LabelRef("tail"))
	one := w.broadcastInt(w.lanes)
	Label("singleloop")
	v := w.load(Mem{Base: p})
	visit(v, 0)
	noteNaN(v, v)
	ADDQ(U32(uint32(w.bytes())), p)
	SUBQ(U32(uint32(w.lanes)), n)
	VPADDD(one, base, base)
	CMPQ(n, U32(uint32(w.lanes)))
	JAE(LabelRef("singleloop"))

	Label("tail")
	TESTQ(n, n)
	JZ(LabelRef("fold"))
	t := w.newTail(n)
	v = t.load(Mem{Base: p}, w.broadcast(fillOff))
	visit(v, 0)
	noteNaN(v, v)

	Label("fold")
	w.jumpIfAny(nan, "hasnan")
	// The best value of all lanes, in every lane of bv.
	all := w.vec()
	VMOVAPS(best[0], all)
	for j := 1; j < argUnroll; j++ {
		better(best[j], all, all)
	}
	x := w.horizontal(all, better)
	bv := w.vec()
	VBROADCASTSS(x, bv)
	// The smallest index among the lanes holding it: stored block index
	// plus slot offset plus lane.
	cand := w.vec()
	VPBROADCASTD(constants.Offset(cNoIdx), cand)
	for j := range idx {
		VPADDD(laneIndex.Offset(j*w.bytes()), idx[j], idx[j])
		m := w.cmp(predEQ, best[j], bv)
		if w.avx512 {
			VPMINSD(idx[j], cand, m, cand)
		} else {
			VBLENDVPS(m, idx[j], cand, idx[j]) // not holding it: cand, harmless
			VPMINSD(idx[j], cand, cand)
		}
	}
	r := w.horizontal(cand, func(a, b, dst Op) { VPMINSD(a, b, dst) })
	out := GP32()
	VMOVD(r, out)
	// No lane ever took a value: every element equals the initial ±Inf,
	// and the first one is the answer.
	res := GP64()
	XORQ(res, res)
	CMPL(out, U32(hugeIndex))
	CMOVLLT(out, res.As32())
	Store(res, ReturnIndex(0))
	VZEROUPPER()
	RET()

	Label("hasnan")
	MOVQ(I64(-1), res)
	Store(res, ReturnIndex(0))
	VZEROUPPER()
	RET()
}

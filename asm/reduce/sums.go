package main

import (
	"fmt"

	. "github.com/mmcloughlin/avo/build"
	. "github.com/mmcloughlin/avo/operand"
	"github.com/mmcloughlin/avo/reg"
)

// sumUnroll is the number of independent accumulators (and vectors per
// iteration) of the summing kernels: enough to hide the 4-cycle latency of
// two FMA ports with room to spare, and to keep the loads streaming.
const sumUnroll = 8

// summing describes one kernel that adds up a term per element.
type summing struct {
	name   string
	sig    string
	doc    string
	inputs []string // the slice parameters, all of the first one's length
	scalar string   // a float32 parameter broadcast into c, or ""
	consts []int    // offsets of broadcast constants the step needs
	// step adds the terms of one vector to acc. in holds one operand per
	// input slice (memory, or a register for the tail), c the broadcast
	// scalar, k the broadcast constants in the order of consts.
	step func(w width, acc reg.VecVirtual, in []Op, c reg.VecVirtual, k []reg.VecVirtual)
	// tailFillsScalar makes the tail's masked-off lanes hold c instead of
	// zero, so that they add no term (for Σ(x−c)²).
	tailFillsScalar bool
}

var summingKernels = []summing{
	{
		name: "sum", sig: "func(x []float32) float32", inputs: []string{"x"},
		doc: "returns Σ x[i].",
		step: func(w width, acc reg.VecVirtual, in []Op, _ reg.VecVirtual, _ []reg.VecVirtual) {
			VADDPS(in[0], acc, acc)
		},
	},
	{
		name: "asum", sig: "func(x []float32) float32", inputs: []string{"x"},
		doc: "returns Σ |x[i]|.", consts: []int{cAbs},
		step: func(w width, acc reg.VecVirtual, in []Op, _ reg.VecVirtual, k []reg.VecVirtual) {
			t := w.vec()
			VANDPS(in[0], k[0], t)
			VADDPS(t, acc, acc)
		},
	},
	{
		name: "dot", sig: "func(x, y []float32) float32", inputs: []string{"x", "y"},
		doc: "returns Σ x[i]·y[i] (fused multiply-adds); len(y) >= len(x).",
		step: func(w width, acc reg.VecVirtual, in []Op, _ reg.VecVirtual, _ []reg.VecVirtual) {
			VFMADD231PS(in[1], w.load(in[0]), acc)
		},
	},
	{
		name: "sumSq", sig: "func(x []float32) float32", inputs: []string{"x"},
		doc: "returns Σ x[i]² (fused multiply-adds).",
		step: func(w width, acc reg.VecVirtual, in []Op, _ reg.VecVirtual, _ []reg.VecVirtual) {
			t := w.load(in[0])
			VFMADD231PS(t, t, acc)
		},
	},
	{
		name: "sumSqScaled", sig: "func(x []float32, s float32) float32", inputs: []string{"x"}, scalar: "s",
		doc: "returns Σ (x[i]·s)² (fused multiply-adds).",
		step: func(w width, acc reg.VecVirtual, in []Op, c reg.VecVirtual, _ []reg.VecVirtual) {
			t := w.vec()
			VMULPS(in[0], c, t)
			VFMADD231PS(t, t, acc)
		},
	},
	{
		name: "sumSqDev", sig: "func(x []float32, m float32) float32", inputs: []string{"x"}, scalar: "m",
		doc: "returns Σ (x[i]−m)² (fused multiply-adds).", tailFillsScalar: true,
		step: func(w width, acc reg.VecVirtual, in []Op, c reg.VecVirtual, _ []reg.VecVirtual) {
			// (m−x)² is (x−m)² exactly, and m−x lets x come from memory.
			t := w.vec()
			VSUBPS(in[0], c, t)
			VFMADD231PS(t, t, acc)
		},
	},
}

// genSumming emits one summing kernel for width w: sumUnroll vectors per
// iteration into as many accumulators, then one vector at a time, then the
// last partial vector through masked loads; then the accumulators are
// added pairwise and the lanes folded.
func genSumming(w width, k summing) {
	name := k.name + w.suffix
	TEXT(name, NOSPLIT, k.sig)
	Doc(fmt.Sprintf("%s %s", name, k.doc))
	ptrs := make([]reg.GPVirtual, len(k.inputs))
	for i, p := range k.inputs {
		ptrs[i] = GP64()
		Load(Param(p).Base(), ptrs[i])
	}
	n := GP64()
	Load(Param(k.inputs[0]).Len(), n)
	var c reg.VecVirtual
	if k.scalar != "" {
		c = w.scalarParam(k.scalar)
	}
	consts := make([]reg.VecVirtual, len(k.consts))
	for i, off := range k.consts {
		consts[i] = w.broadcast(off)
	}
	acc := make([]reg.VecVirtual, sumUnroll)
	for i := range acc {
		acc[i] = w.vec()
		w.zero(acc[i])
	}
	mems := func(disp int) []Op {
		in := make([]Op, len(ptrs))
		for i, p := range ptrs {
			in[i] = Mem{Base: p, Disp: disp}
		}
		return in
	}
	advance := func(elems int) {
		for _, p := range ptrs {
			ADDQ(U32(uint32(4*elems)), p)
		}
		SUBQ(U32(uint32(elems)), n)
	}

	block := sumUnroll * w.lanes
	CMPQ(n, U32(uint32(block)))
	JB(LabelRef("single"))
	Label("unrolled")
	for j := range acc {
		k.step(w, acc[j], mems(j*w.bytes()), c, consts)
	}
	advance(block)
	CMPQ(n, U32(uint32(block)))
	JAE(LabelRef("unrolled"))

	Label("single")
	CMPQ(n, U32(uint32(w.lanes)))
	JB(LabelRef("tail"))
	k.step(w, acc[0], mems(0), c, consts)
	advance(w.lanes)
	JMP(LabelRef("single"))

	Label("tail")
	TESTQ(n, n)
	JZ(LabelRef("fold"))
	t := w.newTail(n)
	var fill reg.VecVirtual
	if k.tailFillsScalar {
		fill = c
	}
	in := make([]Op, len(ptrs))
	for i, p := range ptrs {
		in[i] = t.load(Mem{Base: p}, fill)
	}
	k.step(w, acc[1], in, c, consts)

	Label("fold")
	for s := 1; s < len(acc); s *= 2 {
		for j := 0; j+s < len(acc); j += 2 * s {
			VADDPS(acc[j+s], acc[j], acc[j])
		}
	}
	x := w.horizontal(acc[0], func(a, b, dst Op) { VADDPS(a, b, dst) })
	returnFloat(x)
}

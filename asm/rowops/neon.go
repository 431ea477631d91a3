package main

import (
	"fmt"
	"strings"

	"github.com/batuta-go/stack/asm/internal/a64"
)

// The NEON kernels: 4 float32 lanes per register. The element-wise steps
// load four registers per input per iteration (one VLD1), then one
// register at a time, then single elements with FMOVS, which clears the
// other lanes, so the same vector instructions serve every stage.
//
// Registers: input j in V(4j)..V(4j+3), the output in the registers of
// input 0, broadcast scalars in V28, V29. General registers R0.. hold the
// input pointers, then the count, then the destination pointer.

const neonLanes = 4

// neonMap is an element-wise kernel for NEON; body computes the output
// into the register of the first input, from the inputs in registers in
// and the broadcast scalars in sc.
type neonMap struct {
	name, sig, doc string
	ins            []string
	scalars        []string
	body           func(fn *a64.Func, in []int, sc []int)
}

// neonMaps mirror maps, the avo descriptions, operation for operation.
var neonMaps = []neonMap{
	{"rmsNormApply", "func(dst, x, w []float32, s float32)", "sets dst[i] = (x[i]·s)·w[i]; len(x), len(w) >= len(dst).",
		[]string{"x", "w"}, []string{"s"},
		func(fn *a64.Func, in, sc []int) {
			fn.Op("fmul v%d.4s, v%d.4s, v%d.4s", in[0], in[0], sc[0])
			fn.Op("fmul v%d.4s, v%d.4s, v%d.4s", in[0], in[0], in[1])
		}},
	{"rmsNormScale", "func(dst, x []float32, s float32)", "sets dst[i] = x[i]·s; len(x) >= len(dst).",
		[]string{"x"}, []string{"s"},
		func(fn *a64.Func, in, sc []int) {
			fn.Op("fmul v%d.4s, v%d.4s, v%d.4s", in[0], in[0], sc[0])
		}},
	neonLayerNorm("layerNormApplyWB", "func(dst, x, w, b []float32, m, r float32)", "sets dst[i] = ((x[i]−m)·r)·w[i] + b[i]; len(x), len(w), len(b) >= len(dst).", "x", "w", "b"),
	neonLayerNorm("layerNormApplyW", "func(dst, x, w []float32, m, r float32)", "sets dst[i] = ((x[i]−m)·r)·w[i]; len(x), len(w) >= len(dst).", "x", "w"),
	neonLayerNorm("layerNormApplyB", "func(dst, x, b []float32, m, r float32)", "sets dst[i] = (x[i]−m)·r + b[i]; len(x), len(b) >= len(dst).", "x", "b"),
	neonLayerNorm("layerNormApply", "func(dst, x []float32, m, r float32)", "sets dst[i] = (x[i]−m)·r; len(x) >= len(dst).", "x"),
}

func neonLayerNorm(name, sig, doc string, ins ...string) neonMap {
	return neonMap{name, sig, doc, ins, []string{"m", "r"},
		func(fn *a64.Func, in, sc []int) {
			t := in[0]
			fn.Op("fsub v%d.4s, v%d.4s, v%d.4s", t, t, sc[0])
			fn.Op("fmul v%d.4s, v%d.4s, v%d.4s", t, t, sc[1])
			for j, p := range ins[1:] {
				op := "fadd"
				if p == "w" {
					op = "fmul"
				}
				fn.Op("%s v%d.4s, v%d.4s, v%d.4s", op, t, t, in[1+j])
			}
		}}
}

func writeNEON(asmPath, stubsPath string) error {
	f := a64.NewFile("go run ./rowops")
	for _, m := range neonMaps {
		m.emit(f)
	}
	neonRoPE(f)
	neonRoPENeoX(f)
	return f.Write(asmPath, stubsPath)
}

// regList is a VLD1/VST1 register list of count consecutive registers.
func regList(first, count int) string {
	var r []string
	for i := 0; i < count; i++ {
		r = append(r, fmt.Sprintf("V%d.S4", first+i))
	}
	return "[" + strings.Join(r, ", ") + "]"
}

func (m neonMap) emit(f *a64.File) {
	fn := f.Func(m.name+"NEON", m.sig, m.name+"NEON "+m.doc)
	for j, p := range m.ins {
		fn.Go("MOVD %s, R%d", fn.Arg(p+"_base"), j)
	}
	n, dst := len(m.ins), len(m.ins)+1
	fn.Go("MOVD %s, R%d", fn.Arg("dst_len"), n)
	fn.Go("MOVD %s, R%d", fn.Arg("dst_base"), dst)
	var sc []int
	for j, p := range m.scalars {
		v := 28 + j
		fn.Go("FMOVS %s, F%d", fn.Arg(p), v)
		fn.Op("dup v%d.4s, v%d.s[0]", v, v)
		sc = append(sc, v)
	}
	step := func(count int) {
		for u := 0; u < count; u++ {
			in := make([]int, len(m.ins))
			for j := range in {
				in[j] = 4*j + u
			}
			m.body(fn, in, sc)
		}
	}

	fn.Label("block")
	fn.Go("CMP $%d, R%d", unroll*neonLanes, n)
	fn.Go("BLT one")
	for j := range m.ins {
		fn.Go("VLD1.P %d(R%d), %s", unroll*16, j, regList(4*j, unroll))
	}
	step(unroll)
	fn.Go("VST1.P %s, %d(R%d)", regList(0, unroll), unroll*16, dst)
	fn.Go("SUB $%d, R%d", unroll*neonLanes, n)
	fn.Go("B block")

	fn.Label("one")
	fn.Go("CMP $%d, R%d", neonLanes, n)
	fn.Go("BLT last")
	for j := range m.ins {
		fn.Go("VLD1.P 16(R%d), %s", j, regList(4*j, 1))
	}
	step(1)
	fn.Go("VST1.P %s, 16(R%d)", regList(0, 1), dst)
	fn.Go("SUB $%d, R%d", neonLanes, n)
	fn.Go("B one")

	fn.Label("last")
	fn.Go("CBZ R%d, done", n)
	for j := range m.ins {
		fn.Go("FMOVS.P 4(R%d), F%d", j, 4*j)
	}
	step(1)
	fn.Go("FMOVS.P F0, 4(R%d)", dst)
	fn.Go("SUB $1, R%d", n)
	fn.Go("B last")
	fn.Label("done")
	fn.Ret()
}

// RoPE registers: R0 x, R1 the end of x, R2 the head stride in bytes, R3
// cos, R4 sin (both advanced as the chunks are consumed), R5 the pair
// count, R6 the pair index, R7 scratch, R8 the element of the current
// head, R9 the byte offset of the second halves (NeoX), R10 R8+R9.
// V16 cos, V17 sin; the pair's halves in V0, V1; results in V2, V3.

func neonRoPEArgs(fn *a64.Func) {
	fn.Go("MOVD %s, R0", fn.Arg("x_base"))
	fn.Go("MOVD %s, R1", fn.Arg("x_len"))
	fn.Go("ADD R1<<2, R0, R1")
	fn.Go("MOVD %s, R2", fn.Arg("headDim"))
	fn.Go("LSL $2, R2, R2")
	fn.Go("MOVD %s, R3", fn.Arg("cos_base"))
	fn.Go("MOVD %s, R4", fn.Arg("sin_base"))
	fn.Go("MOVD %s, R5", fn.Arg("cos_len"))
	fn.Go("MOVD $0, R6")
}

// neonRotate computes (V2, V3) = (V0·c − V1·s, V0·s + V1·c) with c in V16
// and s in V17, each product rounded on its own; V0, V1 are overwritten.
func neonRotate(fn *a64.Func) {
	fn.Op("fmul v2.4s, v0.4s, v16.4s")
	fn.Op("fmul v3.4s, v1.4s, v17.4s")
	fn.Op("fsub v2.4s, v2.4s, v3.4s")
	fn.Op("fmul v0.4s, v0.4s, v17.4s")
	fn.Op("fmul v1.4s, v1.4s, v16.4s")
	fn.Op("fadd v3.4s, v0.4s, v1.4s")
}

// neonHeads runs body for every head with R8 at the current element,
// starting from R8 as set by the caller.
func neonHeads(fn *a64.Func, label string, body func()) {
	fn.Label(label)
	fn.Go("CMP R1, R8")
	fn.Go("BHS %sdone", label)
	body()
	fn.Go("ADD R2, R8, R8")
	fn.Go("B %s", label)
	fn.Label(label + "done")
}

// neonRoPE: the adjacent layout. VLD2 de-interleaves four pairs into the
// first halves (V0) and the second halves (V1), VST2 interleaves them
// back, so the rotation is lane-wise; chunks of four pairs are the outer
// loop, heads the inner one. Fewer than four remaining pairs go one by one.
func neonRoPE(f *a64.File) {
	fn := f.Func("ropeNEON", "func(x []float32, headDim int, cos, sin []float32)",
		"ropeNEON rotates the adjacent pairs (x[h·headDim+2i], x[h·headDim+2i+1]), i < len(cos), of every head h by cos[i], sin[i]; len(sin) >= len(cos), 2·len(cos) <= headDim, len(x) a multiple of headDim.")
	neonRoPEArgs(fn)
	fn.Label("chunk")
	fn.Go("SUB R6, R5, R7")
	fn.Go("CMP $4, R7")
	fn.Go("BLT pair")
	fn.Go("VLD1.P 16(R3), [V16.S4]")
	fn.Go("VLD1.P 16(R4), [V17.S4]")
	fn.Go("ADD R6<<3, R0, R8")
	neonHeads(fn, "heads", func() {
		fn.Go("VLD2 (R8), [V0.S4, V1.S4]")
		neonRotate(fn)
		fn.Go("VST2 [V2.S4, V3.S4], (R8)")
	})
	fn.Go("ADD $4, R6, R6")
	fn.Go("B chunk")

	fn.Label("pair")
	fn.Go("CMP R5, R6")
	fn.Go("BHS done")
	fn.Go("FMOVS.P 4(R3), F16")
	fn.Go("FMOVS.P 4(R4), F17")
	fn.Go("ADD R6<<3, R0, R8")
	neonHeads(fn, "pheads", func() {
		fn.Go("FMOVS (R8), F0")
		fn.Go("FMOVS 4(R8), F1")
		neonRotate(fn)
		fn.Go("FMOVS F2, (R8)")
		fn.Go("FMOVS F3, 4(R8)")
	})
	fn.Go("ADD $1, R6, R6")
	fn.Go("B pair")
	fn.Label("done")
	fn.Ret()
}

// neonRoPENeoX: the half-split layout; the second halves are p elements
// (R9 bytes) after the first.
func neonRoPENeoX(f *a64.File) {
	fn := f.Func("ropeNeoXNEON", "func(x []float32, headDim int, cos, sin []float32)",
		"ropeNeoXNEON rotates the pairs (x[h·headDim+i], x[h·headDim+p+i]), i < p = len(cos), of every head h by cos[i], sin[i]; len(sin) >= len(cos), 2·len(cos) <= headDim, len(x) a multiple of headDim.")
	neonRoPEArgs(fn)
	fn.Go("LSL $2, R5, R9")
	fn.Label("chunk")
	fn.Go("SUB R6, R5, R7")
	fn.Go("CMP $4, R7")
	fn.Go("BLT pair")
	fn.Go("VLD1.P 16(R3), [V16.S4]")
	fn.Go("VLD1.P 16(R4), [V17.S4]")
	fn.Go("ADD R6<<2, R0, R8")
	neonHeads(fn, "heads", func() {
		fn.Go("ADD R9, R8, R10")
		fn.Go("VLD1 (R8), [V0.S4]")
		fn.Go("VLD1 (R10), [V1.S4]")
		neonRotate(fn)
		fn.Go("VST1 [V2.S4], (R8)")
		fn.Go("VST1 [V3.S4], (R10)")
	})
	fn.Go("ADD $4, R6, R6")
	fn.Go("B chunk")

	fn.Label("pair")
	fn.Go("CMP R5, R6")
	fn.Go("BHS done")
	fn.Go("FMOVS.P 4(R3), F16")
	fn.Go("FMOVS.P 4(R4), F17")
	fn.Go("ADD R6<<2, R0, R8")
	neonHeads(fn, "pheads", func() {
		fn.Go("FMOVS (R8), F0")
		fn.Go("FMOVS (R8)(R9), F1")
		neonRotate(fn)
		fn.Go("FMOVS F2, (R8)")
		fn.Go("FMOVS F3, (R8)(R9)")
	})
	fn.Go("ADD $1, R6, R6")
	fn.Go("B pair")
	fn.Label("done")
	fn.Ret()
}

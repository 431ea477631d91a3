package main

import (
	"fmt"
	"strings"

	"github.com/batuta-go/stack/asm/internal/a64"
)

// The NEON kernels: 2 float64 lanes per register, four registers per
// iteration of the main loop (one VLD1 of four registers per input), then
// one register at a time, then the last odd element loaded with FMOVD,
// which clears the other lane, so the same vector instructions serve it.
//
// Registers: inputs j in V(4j)..V(4j+3), broadcast scalars from V28,
// accumulators V24..V27. General registers R0.. hold the input pointers,
// then the destination pointer and the count.

const neonLanes = 2

// neonRed is a reduction for NEON; term adds the contribution of the
// inputs in registers in (one per input) to the accumulator acc.
type neonRed struct {
	name, sig, doc string
	ins            []string
	scalars        []string
	term           func(fn *a64.Func, acc int, in []int, sc []int)
}

// neonMap is an element-wise kernel for NEON; body leaves the output in the
// register of the first input.
type neonMap struct {
	name, sig, doc string
	out            string
	ins            []string
	scalars        []string
	body           func(fn *a64.Func, in []int, sc []int)
}

var neonReds = []neonRed{
	{"dot64", "func(x, y []float64) float64", "returns Σ x[i]·y[i] (fused multiply-adds, several accumulators); len(y) >= len(x).",
		[]string{"x", "y"}, nil,
		func(fn *a64.Func, acc int, in, _ []int) { fn.Op("fmla v%d.2d, v%d.2d, v%d.2d", acc, in[0], in[1]) }},
	{"sum64", "func(x []float64) float64", "returns Σ x[i] (several accumulators).",
		[]string{"x"}, nil,
		func(fn *a64.Func, acc int, in, _ []int) { fn.Op("fadd v%d.2d, v%d.2d, v%d.2d", acc, acc, in[0]) }},
	{"sumSq64", "func(x []float64) float64", "returns Σ x[i]² (fused multiply-adds, several accumulators).",
		[]string{"x"}, nil,
		func(fn *a64.Func, acc int, in, _ []int) { fn.Op("fmla v%d.2d, v%d.2d, v%d.2d", acc, in[0], in[0]) }},
	{"sumSqScaled64", "func(x []float64, s float64) float64", "returns Σ (s·x[i])² (fused multiply-adds, several accumulators).",
		[]string{"x"}, []string{"s"},
		func(fn *a64.Func, acc int, in, sc []int) {
			fn.Op("fmul v%d.2d, v%d.2d, v%d.2d", in[0], in[0], sc[0])
			fn.Op("fmla v%d.2d, v%d.2d, v%d.2d", acc, in[0], in[0])
		}},
}

var neonMaps = []neonMap{
	{"axpy64", "func(a float64, x, y []float64)", "computes y[i] = y[i] + a·x[i], rounding the product first (no FMA); len(x) >= len(y).",
		"y", []string{"x", "y"}, []string{"a"},
		func(fn *a64.Func, in, sc []int) {
			fn.Op("fmul v%d.2d, v%d.2d, v%d.2d", in[0], in[0], sc[0])
			fn.Op("fadd v%d.2d, v%d.2d, v%d.2d", in[0], in[0], in[1])
		}},
	{"scaleTo64", "func(dst []float64, a float64, x []float64)", "computes dst[i] = a·x[i]; len(x) >= len(dst).",
		"dst", []string{"x"}, []string{"a"},
		func(fn *a64.Func, in, sc []int) {
			fn.Op("fmul v%d.2d, v%d.2d, v%d.2d", in[0], in[0], sc[0])
		}},
}

func writeNEON(asmPath, stubsPath string) error {
	f := a64.NewFile("go run ./f64")
	for _, r := range neonReds {
		r.emit(f)
	}
	for _, m := range neonMaps {
		m.emit(f)
	}
	return f.Write(asmPath, stubsPath)
}

// regList is a VLD1/VST1 register list: four consecutive registers from
// V(first), or one.
func regList(first, count int) string {
	var r []string
	for i := 0; i < count; i++ {
		r = append(r, fmt.Sprintf("V%d.D2", first+i))
	}
	return "[" + strings.Join(r, ", ") + "]"
}

// neonPrologue loads the input pointers into R0.., the count (the length
// of lenOf) into R(len(ins)), and broadcasts the scalars into V28...
func neonPrologue(fn *a64.Func, ins, scalars []string, lenOf string) (n int, sc []int) {
	for j, p := range ins {
		fn.Go("MOVD %s, R%d", fn.Arg(p+"_base"), j)
	}
	n = len(ins)
	fn.Go("MOVD %s, R%d", fn.Arg(lenOf+"_len"), n)
	for j, p := range scalars {
		v := 28 + j
		fn.Go("FMOVD %s, F%d", fn.Arg(p), v)
		fn.Op("dup v%d.2d, v%d.d[0]", v, v)
		sc = append(sc, v)
	}
	return n, sc
}

// neonLoop emits the three stages over the count in R(n): step(u, kind)
// is called with kind "block" (four registers per input loaded), "one"
// (one register) or "last" (one element in lane 0, the other lane zero).
func neonLoop(fn *a64.Func, n int, step func(kind string)) {
	fn.Label("block")
	fn.Go("CMP $%d, R%d", unroll*neonLanes, n)
	fn.Go("BLT one")
	step("block")
	fn.Go("SUB $%d, R%d", unroll*neonLanes, n)
	fn.Go("B block")
	fn.Label("one")
	fn.Go("CMP $%d, R%d", neonLanes, n)
	fn.Go("BLT last")
	step("one")
	fn.Go("SUB $%d, R%d", neonLanes, n)
	fn.Go("B one")
	fn.Label("last")
	fn.Go("CBZ R%d, done", n)
	step("last")
	fn.Label("done")
}

// load reads input j (pointer R(j)) into V(4j).. for the given stage.
func neonLoad(fn *a64.Func, j int, kind string) {
	switch kind {
	case "block":
		fn.Go("VLD1.P %d(R%d), %s", unroll*16, j, regList(4*j, unroll))
	case "one":
		fn.Go("VLD1.P 16(R%d), %s", j, regList(4*j, 1))
	case "last":
		fn.Go("FMOVD (R%d), F%d", j, 4*j)
	}
}

func (r neonRed) emit(f *a64.File) {
	fn := f.Func(r.name+"NEON", r.sig, r.name+"NEON "+r.doc)
	n, sc := neonPrologue(fn, r.ins, r.scalars, r.ins[0])
	for u := 0; u < unroll; u++ {
		fn.Go("VEOR V%d.B16, V%d.B16, V%d.B16", 24+u, 24+u, 24+u)
	}
	neonLoop(fn, n, func(kind string) {
		for j := range r.ins {
			neonLoad(fn, j, kind)
		}
		count := 1
		if kind == "block" {
			count = unroll
		}
		for u := 0; u < count; u++ {
			in := make([]int, len(r.ins))
			for j := range in {
				in[j] = 4*j + u
			}
			acc := 24 + u
			if kind == "last" {
				acc = 25
			}
			r.term(fn, acc, in, sc)
		}
	})
	fn.Op("fadd v24.2d, v24.2d, v25.2d")
	fn.Op("fadd v26.2d, v26.2d, v27.2d")
	fn.Op("fadd v24.2d, v24.2d, v26.2d")
	fn.Op("faddp d24, v24.2d")
	fn.Go("FMOVD F24, %s", fn.Arg("ret"))
	fn.Ret()
}

func (m neonMap) emit(f *a64.File) {
	fn := f.Func(m.name+"NEON", m.sig, m.name+"NEON "+m.doc)
	n, sc := neonPrologue(fn, m.ins, m.scalars, m.out)
	dst := n + 1
	fn.Go("MOVD %s, R%d", fn.Arg(m.out+"_base"), dst)
	neonLoop(fn, n, func(kind string) {
		for j := range m.ins {
			neonLoad(fn, j, kind)
		}
		count := 1
		if kind == "block" {
			count = unroll
		}
		for u := 0; u < count; u++ {
			in := make([]int, len(m.ins))
			for j := range in {
				in[j] = 4*j + u
			}
			m.body(fn, in, sc)
		}
		switch kind {
		case "block":
			fn.Go("VST1.P %s, %d(R%d)", regList(0, unroll), unroll*16, dst)
		case "one":
			fn.Go("VST1.P %s, 16(R%d)", regList(0, 1), dst)
		case "last":
			fn.Go("FMOVD F0, (R%d)", dst)
		}
	})
	fn.Ret()
}

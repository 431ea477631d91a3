// Command f64 generates trueno's float64 kernels (dot, sum, sums of
// squares, axpy, scale): AVX2 and AVX-512 with avo, from one description
// per kernel parameterised by vector width, and NEON with our arm64 emitter.
//
//	go run ./f64 -out ../trueno/f64_amd64.s -stubs ../trueno/f64_stubs_amd64.go \
//		-neon ../trueno/f64_arm64.s -neonstubs ../trueno/f64_stubs_arm64.go
package main

import (
	"github.com/batuta-go/stack/asm/internal/gen"

	"github.com/batuta-go/stack/asm/internal/x86"
	. "github.com/mmcloughlin/avo/operand"
	. "github.com/mmcloughlin/avo/reg"
)

// unroll is how many vectors the main loop handles per iteration on every
// ISA (each with its own accumulator in reductions).
const unroll = x86.Unroll

func main() {
	gen.Main("f64", "trueno", writeNEON, func() {
		for _, w := range x86.Widths(x86.Float64) {
			for _, k := range reductions {
				k.emit(w)
			}
			for _, k := range maps {
				k.Emit(w)
			}
		}
	})
}

// reductions are the kernels that fold one or two vectors into a float64.
var reductions = []reduction{
	{
		Name: "dot64", Sig: "func(x, y []float64) float64", Ins: []string{"x", "y"},
		Doc: "returns Σ x[i]·y[i] (fused multiply-adds, several accumulators); len(y) >= len(x).",
		Term: func(s x86.Step, acc VecVirtual, in []VecVirtual, _ []Op) {
			s.FMA(in[0], in[1], acc)
		},
	},
	{
		Name: "sum64", Sig: "func(x []float64) float64", Ins: []string{"x"},
		Doc: "returns Σ x[i] (several accumulators).",
		Term: func(s x86.Step, acc VecVirtual, in []VecVirtual, _ []Op) {
			s.Add(in[0], acc, acc)
		},
	},
	{
		Name: "sumSq64", Sig: "func(x []float64) float64", Ins: []string{"x"},
		Doc: "returns Σ x[i]² (fused multiply-adds, several accumulators).",
		Term: func(s x86.Step, acc VecVirtual, in []VecVirtual, _ []Op) {
			s.FMA(in[0], in[0], acc)
		},
	},
	{
		Name: "sumSqScaled64", Sig: "func(x []float64, s float64) float64", Ins: []string{"x"}, Scalars: []string{"s"},
		Doc: "returns Σ (s·x[i])² (fused multiply-adds, several accumulators).",
		Term: func(s x86.Step, acc VecVirtual, in []VecVirtual, sc []Op) {
			s.Mul(sc[0], in[0], in[0])
			s.FMA(in[0], in[0], acc)
		},
	},
}

// maps are the element-wise kernels.
var maps = []x86.Mapping{
	{
		Name: "axpy64", Sig: "func(a float64, x, y []float64)", Out: "y", Ins: []string{"x", "y"}, Scalars: []string{"a"},
		Doc: "computes y[i] = y[i] + a·x[i], rounding the product first (no FMA); len(x) >= len(y).",
		Body: func(s x86.Step, in []VecVirtual, sc []Op) VecVirtual {
			s.Mul(sc[0], in[0], in[0])
			s.Add(in[1], in[0], in[0])
			return in[0]
		},
	},
	{
		Name: "scaleTo64", Sig: "func(dst []float64, a float64, x []float64)", Out: "dst", Ins: []string{"x"}, Scalars: []string{"a"},
		Doc: "computes dst[i] = a·x[i]; len(x) >= len(dst).",
		Body: func(s x86.Step, in []VecVirtual, sc []Op) VecVirtual {
			s.Mul(sc[0], in[0], in[0])
			return in[0]
		},
	},
}

// Command f64 generates trueno's float64 kernels (dot, sum, sums of
// squares, axpy, scale): AVX2 and AVX-512 with avo, from one description
// per kernel parameterised by vector width, and NEON with our arm64 emitter.
//
//	go run ./f64 -out ../trueno/f64_amd64.s -stubs ../trueno/f64_stubs_amd64.go \
//		-neon ../trueno/f64_arm64.s -neonstubs ../trueno/f64_stubs_arm64.go
package main

import (
	"flag"
	"log"

	. "github.com/mmcloughlin/avo/build"
	. "github.com/mmcloughlin/avo/operand"
	. "github.com/mmcloughlin/avo/reg"
)

var (
	neonOut   = flag.String("neon", "", "write the NEON assembly to `file`")
	neonStubs = flag.String("neonstubs", "", "write the NEON Go declarations to `file`")
)

func main() {
	flag.Parse()
	if *neonOut != "" {
		if err := writeNEON(*neonOut, *neonStubs); err != nil {
			log.Fatal(err)
		}
	}

	// avo's Package() would type-check trueno, which this module cannot
	// import; the signatures use only built-in types, so naming the package
	// is enough. avo v0.5.0 parses constraints in the "+build" syntax.
	if err := flag.Set("pkg", "trueno"); err != nil {
		log.Fatal(err)
	}
	ConstraintExpr("gc,!purego")
	for _, w := range widths {
		for _, k := range reductions {
			k.emit(w)
		}
		for _, k := range maps {
			k.emit(w)
		}
	}
	Generate()
}

// reductions are the kernels that fold one or two vectors into a float64.
var reductions = []reduction{
	{
		name: "dot64", sig: "func(x, y []float64) float64", ins: []string{"x", "y"},
		doc: "returns Σ x[i]·y[i] (fused multiply-adds, several accumulators); len(y) >= len(x).",
		term: func(s step, acc VecVirtual, in []VecVirtual, _ []Op) {
			s.fma(in[0], in[1], acc)
		},
	},
	{
		name: "sum64", sig: "func(x []float64) float64", ins: []string{"x"},
		doc: "returns Σ x[i] (several accumulators).",
		term: func(s step, acc VecVirtual, in []VecVirtual, _ []Op) {
			s.add(in[0], acc, acc)
		},
	},
	{
		name: "sumSq64", sig: "func(x []float64) float64", ins: []string{"x"},
		doc: "returns Σ x[i]² (fused multiply-adds, several accumulators).",
		term: func(s step, acc VecVirtual, in []VecVirtual, _ []Op) {
			s.fma(in[0], in[0], acc)
		},
	},
	{
		name: "sumSqScaled64", sig: "func(x []float64, s float64) float64", ins: []string{"x"}, scalars: []string{"s"},
		doc: "returns Σ (s·x[i])² (fused multiply-adds, several accumulators).",
		term: func(s step, acc VecVirtual, in []VecVirtual, sc []Op) {
			s.mul(sc[0], in[0], in[0])
			s.fma(in[0], in[0], acc)
		},
	},
}

// maps are the element-wise kernels.
var maps = []mapping{
	{
		name: "axpy64", sig: "func(a float64, x, y []float64)", out: "y", ins: []string{"x", "y"}, scalars: []string{"a"},
		doc: "computes y[i] = y[i] + a·x[i], rounding the product first (no FMA); len(x) >= len(y).",
		body: func(s step, in []VecVirtual, sc []Op) VecVirtual {
			s.mul(sc[0], in[0], in[0])
			s.add(in[1], in[0], in[0])
			return in[0]
		},
	},
	{
		name: "scaleTo64", sig: "func(dst []float64, a float64, x []float64)", out: "dst", ins: []string{"x"}, scalars: []string{"a"},
		doc: "computes dst[i] = a·x[i]; len(x) >= len(dst).",
		body: func(s step, in []VecVirtual, sc []Op) VecVirtual {
			s.mul(sc[0], in[0], in[0])
			return in[0]
		},
	},
}

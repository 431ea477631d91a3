package main

import (
	"fmt"

	"github.com/batuta-go/stack/asm/internal/a64"
)

// neonTile is one NEON micro-kernel. Register plan: the MR×3 accumulators
// in v0..v23 (row i in v3i..v3i+2), the three vectors of a row of the B
// panel in v24..v26, the MR elements of a column of the A panel in v28..v31
// (used by element, fmla v.4s, v.4s, v.s[i]). After the loop v24..v26 hold
// a row of C, v30 alpha and v31 beta.
type neonTile struct {
	name  string
	typ   string // float32, float64
	arr   string // 4s, 2d
	goArr string // S4, D2
	el    string // s, d
	size  int
	mr    int // 8
	lanes int
}

func (t neonTile) nr() int { return 3 * t.lanes }

var neonTiles = []neonTile{
	{"gemmKernelF32NEON", "float32", "4s", "S4", "s", 4, 8, 4},
	{"gemmKernelF64NEON", "float64", "2d", "D2", "d", 8, 8, 2},
}

func regList(first, n int, arr string) string {
	s := "["
	for j := range n {
		if j > 0 {
			s += ", "
		}
		s += fmt.Sprintf("V%d.%s", first+j, arr)
	}
	return s + "]"
}

func neonKernel(f *a64.File, t neonTile) {
	sig := fmt.Sprintf("func(k int, a, b *%s, ldb int, c *%s, ldc int, alpha, beta %s)", t.typ, t.typ, t.typ)
	doc := fmt.Sprintf("%s computes the %d×%d tile c = alpha·(a·b) + beta·c from packed panels,\n"+
		"with NEON: a holds k groups of %d, b k rows of %d, ldb apart; c is not read when beta is ±0.", t.name, t.mr, t.nr(), t.mr, t.nr())
	fn := f.Func(t.name, sig, doc)
	fn.Go("MOVD %s, R0", fn.Arg("k"))
	fn.Go("MOVD %s, R1", fn.Arg("a"))
	fn.Go("MOVD %s, R2", fn.Arg("b"))
	fn.Go("MOVD %s, R6", fn.Arg("ldb"))
	fn.Go("LSL $%d, R6", map[int]int{4: 2, 8: 3}[t.size])
	for i := 0; i < 3*t.mr; i++ {
		fn.Go("VEOR V%d.B16, V%d.B16, V%d.B16", i, i, i)
	}
	aRegs := t.mr / t.lanes
	fn.Go("CBZ R0, store")
	fn.Label("loop")
	fn.Go("VLD1.P %d(R1), %s", t.mr*t.size, regList(28, aRegs, t.goArr))
	fn.Go("VLD1 (R2), %s", regList(24, 3, t.goArr))
	fn.Go("ADD R6, R2")
	for i := 0; i < t.mr; i++ {
		for j := 0; j < 3; j++ {
			fn.Op("fmla v%d.%s, v%d.%s, v%d.%s[%d]", 3*i+j, t.arr, 24+j, t.arr, 28+i/t.lanes, t.el, i%t.lanes)
		}
	}
	fn.Go("SUB $1, R0")
	fn.Go("CBNZ R0, loop")

	fn.Label("store")
	fn.Go("MOVD %s, R3", fn.Arg("c"))
	fn.Go("MOVD %s, R4", fn.Arg("ldc"))
	if t.size == 4 {
		fn.Go("LSL $2, R4")
		fn.Go("FMOVS %s, F30", fn.Arg("alpha"))
		fn.Go("FMOVS %s, F31", fn.Arg("beta"))
		fn.Go("MOVWU %s, R5", fn.Arg("beta"))
		fn.Go("AND $0x7fffffff, R5")
	} else {
		fn.Go("LSL $3, R4")
		fn.Go("FMOVD %s, F30", fn.Arg("alpha"))
		fn.Go("FMOVD %s, F31", fn.Arg("beta"))
		fn.Go("MOVD %s, R5", fn.Arg("beta"))
		fn.Go("LSL $1, R5") // drop the sign
	}
	fn.Go("CBZ R5, overwrite")
	for i := 0; i < t.mr; i++ {
		fn.Go("VLD1 (R3), %s", regList(24, 3, t.goArr))
		for j := 0; j < 3; j++ {
			r := 3*i + j
			fn.Op("fmul v%d.%s, v%d.%s, v30.%s[0]", r, t.arr, r, t.arr, t.el)
			fn.Op("fmla v%d.%s, v%d.%s, v31.%s[0]", r, t.arr, 24+j, t.arr, t.el)
		}
		fn.Go("VST1 %s, (R3)", regList(3*i, 3, t.goArr))
		fn.Go("ADD R4, R3")
	}
	fn.Ret()
	fn.Label("overwrite")
	for i := 0; i < t.mr; i++ {
		for j := 0; j < 3; j++ {
			r := 3*i + j
			fn.Op("fmul v%d.%s, v%d.%s, v30.%s[0]", r, t.arr, r, t.arr, t.el)
		}
		fn.Go("VST1 %s, (R3)", regList(3*i, 3, t.goArr))
		fn.Go("ADD R4, R3")
	}
	fn.Ret()
}

// writeNEON writes the NEON micro-kernels.
func writeNEON(asmPath, stubsPath string) error {
	f := a64.NewFile("go run ./gemm")
	f.Package = "mat"
	for _, t := range neonTiles {
		neonKernel(f, t)
	}
	for _, t := range neonTiles {
		neonGemv(f, t)
	}
	return f.Write(asmPath, stubsPath)
}

package main

import (
	"fmt"

	"github.com/batuta-go/stack/asm/internal/a64"
)

// neonGemv emits gemvDot4 and gemvAxpy4 (see gemv.go) for NEON. Rows r < 4
// of a are streamed through R1..R4, x or y through R5; n is a multiple of
// the lanes.
func neonGemv(f *a64.File, t neonTile) {
	name := fmt.Sprintf("gemvDot4%sNEON", map[int]string{4: "F32", 8: "F64"}[t.size])
	fn := f.Func(name, fmt.Sprintf("func(n int, a *%s, lda int, x, out *%s)", t.typ, t.typ),
		fmt.Sprintf("%s sets out[r] to the dot product of row r < 4 of a (rows lda apart)\n"+
			"with x, over n elements, a multiple of %d, with NEON.", name, t.lanes))
	rowPointers := func() {
		fn.Go("MOVD %s, R0", fn.Arg("n"))
		fn.Go("MOVD %s, R1", fn.Arg("a"))
		fn.Go("MOVD %s, R6", fn.Arg("lda"))
		fn.Go("LSL $%d, R6", map[int]int{4: 2, 8: 3}[t.size])
		fn.Go("ADD R1, R6, R2")
		fn.Go("ADD R2, R6, R3")
		fn.Go("ADD R3, R6, R4")
	}
	rowPointers()
	fn.Go("MOVD %s, R5", fn.Arg("x"))
	for r := range 4 {
		fn.Go("VEOR V%d.B16, V%d.B16, V%d.B16", r, r, r)
	}
	fn.Go("CBZ R0, dotdone")
	fn.Label("dotloop")
	fn.Go("VLD1.P 16(R5), [V4.%s]", t.goArr)
	for r := range 4 {
		fn.Go("VLD1.P 16(R%d), [V%d.%s]", 1+r, 5+r, t.goArr)
	}
	for r := range 4 {
		fn.Op("fmla v%d.%s, v%d.%s, v4.%s", r, t.arr, 5+r, t.arr, t.arr)
	}
	fn.Go("SUB $%d, R0", t.lanes)
	fn.Go("CBNZ R0, dotloop")
	fn.Label("dotdone")
	// Pairwise adds fold the four accumulators into out[0..3].
	fn.Go("MOVD %s, R7", fn.Arg("out"))
	if t.lanes == 4 {
		fn.Op("faddp v0.4s, v0.4s, v1.4s")
		fn.Op("faddp v2.4s, v2.4s, v3.4s")
		fn.Op("faddp v0.4s, v0.4s, v2.4s")
		fn.Go("VST1 [V0.S4], (R7)")
	} else {
		fn.Op("faddp v0.2d, v0.2d, v1.2d")
		fn.Op("faddp v1.2d, v2.2d, v3.2d")
		fn.Go("VST1 %s, (R7)", regList(0, 2, t.goArr))
	}
	fn.Ret()

	name = fmt.Sprintf("gemvAxpy4%sNEON", map[int]string{4: "F32", 8: "F64"}[t.size])
	fn = f.Func(name, fmt.Sprintf("func(n int, a *%s, lda int, s, y *%s)", t.typ, t.typ),
		fmt.Sprintf("%s adds s[0]·a[j] + s[1]·a[lda+j] + s[2]·a[2·lda+j] + s[3]·a[3·lda+j] to y[j]\n"+
			"for j < n, a multiple of %d, with NEON.", name, t.lanes))
	rowPointers()
	fn.Go("MOVD %s, R5", fn.Arg("y"))
	fn.Go("MOVD %s, R7", fn.Arg("s"))
	// s[r] is element r%lanes of v16+r/lanes.
	fn.Go("VLD1 (R7), %s", regList(16, 4/t.lanes, t.goArr))
	fn.Go("CBZ R0, axpydone")
	fn.Label("axpyloop")
	fn.Go("VLD1 (R5), [V4.%s]", t.goArr)
	for r := range 4 {
		fn.Go("VLD1.P 16(R%d), [V%d.%s]", 1+r, 5+r, t.goArr)
	}
	for r := range 4 {
		fn.Op("fmla v4.%s, v%d.%s, v%d.%s[%d]", t.arr, 5+r, t.arr, 16+r/t.lanes, t.el, r%t.lanes)
	}
	fn.Go("VST1.P [V4.%s], 16(R5)", t.goArr)
	fn.Go("SUB $%d, R0", t.lanes)
	fn.Go("CBNZ R0, axpyloop")
	fn.Label("axpydone")
	fn.Ret()
}

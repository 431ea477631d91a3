// Command reduce generates trueno's reduction kernels: the summing ones
// (sum, asum, dot, sumSq, sumSqScaled, sumSqDev) from one template, the
// selecting ones (minimum, maximum, absMax) from another and argmin/argmax
// from a third, each for AVX2 and AVX-512 from one description
// parameterised by vector width (avo), and for NEON (asm/internal/a64).
package main

import (
	"github.com/batuta-go/stack/asm/internal/gen"
)

func main() {
	gen.Main("reduce", "trueno", genNEON, func() {
		declareConstants()
		for _, w := range []width{avx2, avx512} {
			for _, k := range summingKernels {
				genSumming(w, k)
			}
			for _, s := range selectingKernels {
				genSelecting(w, s)
			}
			genArg(w, false)
			genArg(w, true)
		}
	})
}

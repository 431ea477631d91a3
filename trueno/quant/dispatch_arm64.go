//go:build gc && !purego

package quant

import (
	"github.com/batuta-go/stack/internal/cpu"
	"github.com/batuta-go/stack/trueno"
)

// The NEON kernels need SDOT (the dot-product extension); without it the
// NEON path computes dot products with the reference.
var hasDotProd = cpu.ARM64.HasDotProd

func dequantize(t Type, dst []float32, src []byte) {
	if trueno.Active() == trueno.NEON {
		switch t {
		case Q4_0:
			dequantQ4_0NEON(dst, src)
			return
		case Q4_1:
			dequantQ4_1NEON(dst, src)
			return
		case Q5_0:
			dequantQ5_0NEON(dst, src)
			return
		case Q5_1:
			dequantQ5_1NEON(dst, src)
			return
		case Q8_0:
			dequantQ8_0NEON(dst, src)
			return
		case Q8_1:
			dequantQ8_1NEON(dst, src)
			return
		case Q2_K:
			dequantQ2_KNEON(dst, src)
			return
		case Q3_K:
			dequantQ3_KNEON(dst, src)
			return
		case Q4_K:
			dequantQ4_KNEON(dst, src)
			return
		case Q5_K:
			dequantQ5_KNEON(dst, src)
			return
		case Q6_K:
			dequantQ6_KNEON(dst, src)
			return
		case Q8_K:
			dequantQ8_KNEON(dst, src)
			return
		case IQ4_NL:
			dequantIQ4_NLNEON(dst, src)
			return
		case IQ4_XS:
			dequantIQ4_XSNEON(dst, src)
			return
		}
	}
	switch t {
	case F16:
		dequantizeF16Fast(dst, src)
	case BF16:
		dequantizeBF16Fast(dst, src)
	default:
		dequantizeGeneric(t, dst, src)
	}
}

func dot(t Type, n int, x, y []byte) float32 {
	if trueno.Active() == trueno.NEON && hasDotProd {
		switch t {
		case Q8_0:
			return dotQ8_0NEON(n, x, y)
		case Q4_0:
			return dotQ4_0NEON(n, x, y)
		case Q4_1:
			return dotQ4_1NEON(n, x, y)
		case Q5_0:
			return dotQ5_0NEON(n, x, y)
		case Q5_1:
			return dotQ5_1NEON(n, x, y)
		case IQ4_NL:
			return dotIQ4_NLNEON(n, x, y)
		case Q4_K:
			return dotQ4_KNEON(n, x, y)
		case Q5_K:
			return dotQ5_KNEON(n, x, y)
		case Q2_K:
			return dotQ2_KNEON(n, x, y)
		case Q3_K:
			return dotQ3_KNEON(n, x, y)
		case IQ4_XS:
			return dotIQ4_XSNEON(n, x, y)
		case F16:
			return dotF16NEON(n, x, y)
		case BF16:
			return dotBF16NEON(n, x, y)
		case Q6_K:
			return dotQ6_KNEON(n, x, y)
		}
	}
	return dotGeneric(t, n, x, y)
}

// prepare reports whether t's products take a precomputed activation row
// on this path: never here.
func prepare(t Type, n int, y, pre []byte) bool { return false }

func dotPre(t Type, n int, x, y, pre []byte) float32 { return dot(t, n, x, y) }

// tileAvailable reports whether MatMat takes the tile kernels for t on
// this path: not on arm64 yet (the pairwise SDOT kernels serve MatMat).
func tileAvailable(t Type, batch int) bool { return false }

func tileMul(t Type, lay tileLayout, nb int, panel, a []byte, out []float32) {
	tileGeneric(t, lay, nb, panel, a, out)
}

// packPanelFast reports whether a SIMD packer wrote the panel: none here.
func packPanelFast(t Type, nb int, panel, w []byte, rb int) bool { return false }

// quantizeAct quantizes an activation row for the products: the reference
// here.
func quantizeAct(t Type, dst []byte, src []float32) { quantizeGeneric(t, dst, src) }

// dispatchPath identifies the kernels the dispatch chooses now, so that a
// precomputed activation can tell whether it was made for them.
func dispatchPath() int { return int(trueno.Active()) }

// dotRows sets dst[r] to the product of row r of w (rows of type t, n
// values) with y (pre its precomputed form when usePre).
func dotRows(t Type, n int, dst []float32, w, y, pre []byte, usePre bool) {
	dotRowsGeneric(t, n, dst, w, y, pre, usePre)
}

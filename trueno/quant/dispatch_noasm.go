//go:build !gc || purego || !(amd64 || arm64)

package quant

func dequantize(t Type, dst []float32, src []byte) {
	switch t {
	case F16:
		dequantizeF16Fast(dst, src)
	case BF16:
		dequantizeBF16Fast(dst, src)
	default:
		dequantizeGeneric(t, dst, src)
	}
}

func dot(t Type, n int, x, y []byte) float32 { return dotGeneric(t, n, x, y) }

// prepare reports whether t's products take a precomputed activation row
// on this path: never here.
func prepare(t Type, n int, y, pre []byte) bool { return false }

func dotPre(t Type, n int, x, y, pre []byte) float32 { return dot(t, n, x, y) }

// tileAvailable reports whether MatMat takes the tile kernels for t on
// this path: never here.
func tileAvailable(t Type) bool { return false }

func tileMul(t Type, lay tileLayout, nb int, panel, a []byte, out []float32) {
	tileGeneric(t, lay, nb, panel, a, out)
}

// packPanelFast reports whether a SIMD packer wrote the panel: none here.
func packPanelFast(t Type, nb int, panel, w []byte, rb int) bool { return false }

// quantizeAct quantizes an activation row for the products: the reference
// here.
func quantizeAct(t Type, dst []byte, src []float32) { quantizeGeneric(t, dst, src) }

// dispatchPath identifies the kernels the dispatch chooses: one set here.
func dispatchPath() int { return 0 }

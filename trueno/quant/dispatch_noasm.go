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

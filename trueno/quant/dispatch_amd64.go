//go:build gc && !purego

package quant

func dequantize(t Type, dst []float32, src []byte) { dequantizeGeneric(t, dst, src) }

func dot(t Type, n int, x, y []byte) float32 { return dotGeneric(t, n, x, y) }

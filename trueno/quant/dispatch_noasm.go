//go:build !gc || purego || !(amd64 || arm64)

package quant

func dequantize(t Type, dst []float32, src []byte) { dequantizeGeneric(t, dst, src) }

func dot(t Type, n int, x, y []byte) float32 { return dotGeneric(t, n, x, y) }

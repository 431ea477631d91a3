//go:build !gc || purego || !(amd64 || arm64)

package quant

func dequantize(t Type, dst []float32, src []byte) { dequantizeGeneric(t, dst, src) }

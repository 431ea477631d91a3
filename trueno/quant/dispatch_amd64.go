//go:build gc && !purego

package quant

func dequantize(t Type, dst []float32, src []byte) { dequantizeGeneric(t, dst, src) }

package quant

import "fmt"

// Quantize encodes src into dst as a row of type t with ggml's reference
// quantizer for t (the one ggml_quantize_chunk uses without an importance
// matrix), bit for bit. len(src) must be a multiple of t.BlockSize() and
// len(dst) must be t.RowBytes(len(src)). Non-finite inputs give
// unspecified (but memory-safe) blocks.
func Quantize(t Type, dst []byte, src []float32) {
	checkRow("Quantize", t, len(src), dst)
	quantizeGeneric(t, dst, src)
}

// Dequantize decodes the row src of type t into dst, exactly as ggml's
// to_float: each value is its block's scale times its quantized level
// (minus the block's min where the type has one), rounded once per
// operation in binary32. len(src) must be t.RowBytes(len(dst)). NaN or
// infinite float16 scales propagate into the values they scale.
func Dequantize(t Type, dst []float32, src []byte) {
	checkRow("Dequantize", t, len(dst), src)
	dequantize(t, dst, src)
}

func quantizeGeneric(t Type, dst []byte, src []float32) {
	switch t {
	case F16:
		quantizeF16(dst, src)
	case BF16:
		quantizeBF16(dst, src)
	case Q4_0:
		quantizeQ4_0(dst, src)
	case Q4_1:
		quantizeQ4_1(dst, src)
	case Q5_0:
		quantizeQ5_0(dst, src)
	case Q5_1:
		quantizeQ5_1(dst, src)
	case Q8_0:
		quantizeQ8_0(dst, src)
	case Q8_1:
		quantizeQ8_1(dst, src)
	case Q2_K:
		quantizeQ2_K(dst, src)
	case Q3_K:
		quantizeQ3_K(dst, src)
	case Q4_K:
		quantizeQ4_K(dst, src)
	case Q5_K:
		quantizeQ5_K(dst, src)
	case Q6_K:
		quantizeQ6_K(dst, src)
	case Q8_K:
		quantizeQ8_K(dst, src)
	case IQ4_NL:
		quantizeIQ4_NL(dst, src)
	case IQ4_XS:
		quantizeIQ4_XS(dst, src)
	default:
		panic(fmt.Sprintf("quant: Quantize: unsupported type %s", t))
	}
}

func dequantizeGeneric(t Type, dst []float32, src []byte) {
	switch t {
	case F16:
		dequantizeF16(dst, src)
	case BF16:
		dequantizeBF16(dst, src)
	case Q4_0:
		dequantizeQ4_0(dst, src)
	case Q4_1:
		dequantizeQ4_1(dst, src)
	case Q5_0:
		dequantizeQ5_0(dst, src)
	case Q5_1:
		dequantizeQ5_1(dst, src)
	case Q8_0:
		dequantizeQ8_0(dst, src)
	case Q8_1:
		dequantizeQ8_1(dst, src)
	case Q2_K:
		dequantizeQ2_K(dst, src)
	case Q3_K:
		dequantizeQ3_K(dst, src)
	case Q4_K:
		dequantizeQ4_K(dst, src)
	case Q5_K:
		dequantizeQ5_K(dst, src)
	case Q6_K:
		dequantizeQ6_K(dst, src)
	case Q8_K:
		dequantizeQ8_K(dst, src)
	case IQ4_NL:
		dequantizeIQ4_NL(dst, src)
	case IQ4_XS:
		dequantizeIQ4_XS(dst, src)
	default:
		panic(fmt.Sprintf("quant: Dequantize: unsupported type %s", t))
	}
}

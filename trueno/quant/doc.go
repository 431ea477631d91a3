// Package quant implements GGML's quantized tensor blocks, the formats that
// GGUF model files store their weights in: bit-exact quantization (the
// reference row quantizers, deterministic), dequantization to float32, and
// the fused dot product of a quantized row with an activation row quantized
// on the fly to the type's companion format (Q8_0, Q8_1 or Q8_K), computed
// with integer arithmetic inside each block as ggml's CPU backend does. On
// top of the dot products sit the quantized matrix-vector and matrix-matrix
// products, spread over a reusable worker pool whose workers spin briefly
// between products instead of parking (its parallel loop, Pool.Parallel,
// callers may use for their own work); an Activation
// quantizes a vector once for several matrix-vector products.
//
// A row of n values of type t is t.RowBytes(n) bytes: n/t.BlockSize()
// blocks of t.BlockBytes() bytes each, laid out exactly as GGUF stores them
// (little-endian, packed, float16 scales). Rows are plain byte slices, so a
// memory-mapped model file can be used in place.
//
//	w := make([]byte, quant.Q4_0.RowBytes(len(weights)))
//	quant.Quantize(quant.Q4_0, w, weights)
//	s := quant.DotF32(quant.Q4_0, w, activations) // ≈ Σ weights[i]·activations[i]
//
// The kernels follow trueno's dispatch (trueno.Active, trueno.SetISA,
// $TRUENO_ISA). Every type has a pure-Go reference; the dot products of
// every type except the companions themselves have AVX2 kernels (with
// AVX-VNNI's VPDPBUSD or VPDPWSSD where the CPU has it), AVX-512 VNNI
// kernels for every quantized type (F16 and BF16 take the AVX2 kernels on
// that path), and NEON kernels using SDOT (on an arm64 CPU without the
// dot-product extension the NEON path uses the reference). Dequantization
// has SIMD kernels for every quantized type (AVX2 and AVX-512 with F16C,
// NEON; bit-exact with the reference) and goes through trueno's
// conversions for F16 and BF16. The matrix-matrix product of Q4_0, Q8_0,
// Q4_K and Q6_K weights has tile kernels (AVX-512 VNNI; AVX2, with
// AVX-VNNI where the CPU has it, Q8_0 only then) that unpack each block of
// 16 weight rows once for a group of activation rows; on the x86 paths the
// products quantize their activations to Q8_0 and Q8_K with SIMD
// quantizers that match the reference bit for bit. Quantize always runs
// the reference: it must match ggml bit for bit.
//
// Length and shape misuse panics with a "quant:" message.
package quant

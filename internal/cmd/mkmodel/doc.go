// Command mkmodel writes a llama-architecture GGUF model of a real shape
// with random weights, for benchmarks and loader tests: what matters to
// speed is the shape and the tensor types, not what the weights say.
//
//	go run ./internal/cmd/mkmodel -shape tinyllama -type q4_k_m -seed 1 -out /work/models/tinyllama-q4_k_m.gguf
//
// Shapes: tinyllama (TinyLlama-1.1B: n_embd 2048, 22 layers, 32 heads, 4
// KV heads, FFN 5632, vocabulary 32000, context 2048, RoPE base 10000,
// RMSNorm epsilon 1e-5) and small (n_embd 256, 2 layers, 4 heads, 2 KV
// heads, FFN 512, the same vocabulary; a few MB when quantized).
//
// The vocabulary is the real 32000-token Llama-2 SentencePiece one: every
// tokenizer.* key of -vocab (by default the shared
// tokenizer/ggml-vocab-llama-spm.gguf) is copied, so llama.cpp and our
// tokenizer accept the file.
//
// Weights are independent normal values with standard deviation 0.02
// (norm weights are 1), drawn from a PCG stream per tensor and chunk of
// rows: the same seed gives the same file, whatever -j is. Tensors are
// generated and quantized while the file is written (realizar/gguf's
// Writer.AddTensorFunc), a few MB at a time, and quantized with
// trueno/quant, which matches ggml's reference quantizers bit for bit.
//
// Types, with the per-tensor mix llama-quantize applies for the same
// preset to a llama model (llama.cpp src/llama-quant.cpp,
// llama_tensor_get_type; no importance matrix):
//
//	f32     every tensor F32                                  general.file_type 0
//	f16     2-D weights F16, norms F32                        1
//	q4_0    Q4_0; output.weight Q6_K                          2
//	q8_0    Q8_0 (output.weight too)                          7
//	q4_k_m  Q4_K; output.weight Q6_K; attn_v.weight and       15
//	        ffn_down.weight Q6_K in the layers where
//	        i < n/8 || i >= 7n/8 || (i - n/8) % 3 == 2
//	        (22 layers: 0 1 4 7 10 13 16 19 20 21), else Q4_K;
//	        token_embd.weight Q4_K
//
// Norm weights are F32 in every type, as llama.cpp never quantizes them.
package main

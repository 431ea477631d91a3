// Package model is realizar's forward pass: it loads a decoder-only
// transformer (llama — Llama 1/2/3, TinyLlama, Mistral —, qwen2, qwen3,
// phi3, gemma2) from a Source such as a GGUF file and evaluates token
// sequences to logits or hidden states.
//
// Weights are used where they lie (a memory-mapped GGUF file): quantized,
// F16 and BF16 matrices through trueno/quant's fused kernels (activations
// quantized on the fly, the model never expanded to float32), F32 ones
// through trueno/mat's GEMM and trueno's dot product. Projections of the
// same input stored back to back in the file (q, k, v; gate, up) run as
// one product. A multi-token Eval (prefill) runs every projection as a
// matrix-matrix product and the attention as batched products per head
// (trueno/mat); a single token (decode) takes the matrix-vector path. All
// of it is spread over one worker pool per Model (Options.Threads): a
// prefill product at a time, or a whole decode step, whose operations the
// pool's workers claim in parts without going back to sleep in between,
// and which allocates nothing of its own.
//
// A State is one sequence: its key/value cache (float32 or float16) and
// its work buffers, allocated once by NewState.
//
//	f, err := gguf.Open("model.gguf")
//	if err != nil {
//		return err
//	}
//	defer f.Close()
//	m, err := model.Load(model.GGUFSource(f), model.Options{Threads: 4})
//	if err != nil {
//		return err
//	}
//	defer m.Close()
//	st, err := m.NewState(2048)
//	if err != nil {
//		return err
//	}
//	logits := make([]float32, m.Config.VocabSize)
//	err = st.Eval(ctx, promptIDs, logits) // then one token at a time
//
// The numerical conventions are llama.cpp's (RMSNorm, rotation layouts,
// sliding-window rule, soft-capping order); the tests compare with
// llama.cpp's logits on every supported architecture.
package model

// Package tokenizer turns text into the token ids of a language model and
// back, giving exactly the ids llama.cpp gives for the same vocabulary.
//
// Three algorithms are covered, chosen by the vocabulary:
//   - SentencePiece BPE (GGUF tokenizer.ggml.model "llama": Llama 1/2,
//     Mistral, Phi-3, TinyLlama): score-ordered merges of adjacent symbols,
//     spaces escaped to ▁, a space prefix, byte fallback to <0xXX> tokens;
//   - byte-level BPE ("gpt2": GPT-2, Llama 3, Qwen2, DeepSeek, Falcon, MPT,
//     StarCoder, ...), with the pre-tokenizer that tokenizer.ggml.pre selects,
//     through the bpe subpackage;
//   - WordPiece ("bert"): lowercasing, accent stripping, punctuation and
//     CJK splitting, greedy longest-match pieces.
//
// Special tokens in the text (<s>, <|im_start|>) become their ids only
// when Encode is asked to parse them; user-defined tokens are always
// matched. Decode and the streaming Decoder reverse the mapping; the
// Decoder never returns half a UTF-8 character, however the bytes are
// spread over byte-fallback tokens.
//
// A tokenizer comes from a GGUF file's metadata (FromGGUF) or from a
// Hugging Face tokenizer.json (FromHF: byte-level BPE, SentencePiece-style
// BPE, WordPiece), and behaves the same either way.
//
//	f, err := gguf.Open("stories260K.gguf")
//	if err != nil { ... }
//	defer f.Close()
//	tk, err := tokenizer.FromGGUF(f)
//	if err != nil { ... }
//	ids := tk.Encode("Once upon a time", true, false) // [1 403 407 261 378]
//	d := tk.NewDecoder()
//	for _, id := range ids[1:] {
//		fmt.Print(d.Next(id))
//	}
//	fmt.Print(d.Flush()) // " Once upon a time"
package tokenizer

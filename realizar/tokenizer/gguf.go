package tokenizer

import "github.com/batuta-go/stack/realizar/gguf"

// FromGGUF builds the tokenizer stored in a GGUF file's metadata
// (tokenizer.ggml.*), with llama.cpp's defaults for what the file leaves
// out. tokenizer.ggml.model selects the algorithm: "llama" (SentencePiece
// BPE), "gpt2" (byte-level BPE, pre-tokenizer from tokenizer.ggml.pre) or
// "bert" (WordPiece); any other model is an error naming it.
func FromGGUF(f *gguf.File) (*Tokenizer, error) {
	return fromMetadata(f)
}

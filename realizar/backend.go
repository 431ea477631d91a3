package realizar

import "context"

// sequence is one sequence's evaluation state (a model.State).
type sequence interface {
	Eval(ctx context.Context, tokens []int32, logits []float32) error
	EvalHidden(ctx context.Context, tokens []int32, hidden []float32) error
	Pos() int
}

// network is the forward pass the LLM drives (a model.Model).
type network interface {
	newSequence(maxTokens int) (sequence, error)
	vocabSize() int       // logits per position
	contextLength() int   // largest sequence
	embeddingLength() int // hidden state width
	close() error
}

// textDecoder turns a stream of ids into complete UTF-8 text.
type textDecoder interface {
	Next(id int32) string
	Flush() string
}

// vocabulary is the tokenizer the LLM drives (a tokenizer.Tokenizer).
type vocabulary interface {
	Encode(text string, addSpecial, parseSpecial bool) []int32
	newDecoder() textDecoder
	VocabSize() int
	IsEOG(id int32) bool
	BOS() (int32, bool)
	EOS() (int32, bool)
	ChatTemplate() string
	TokenText(id int32) string
}

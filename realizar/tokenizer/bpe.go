package tokenizer

import "errors"

// bpeCodec is what the tokenizer needs of a byte-level BPE model
// (realizar/tokenizer/bpe.Model).
type bpeCodec interface {
	Encode(dst []int32, text string) []int32
	Decode(dst []byte, id int32) []byte
}

func newBPE(tokens, merges []string, pre string) (bpeCodec, error) {
	return nil, errNoBPE
}

// errNoBPE: the byte-level BPE model is not linked in yet.
var errNoBPE = errors.New("byte-level BPE is not available in this build")

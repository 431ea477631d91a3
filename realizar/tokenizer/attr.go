package tokenizer

// Attr is the set of attributes of a vocabulary entry, with llama.cpp's
// bit values (llama_token_attr) so that behaviour keyed on them reads the
// same.
type Attr uint16

// Token attributes.
const (
	AttrUnknown     Attr = 1 << 0 // the unknown token (<unk>, [UNK])
	AttrUnused      Attr = 1 << 1 // a placeholder never produced by encoding
	AttrNormal      Attr = 1 << 2 // an ordinary piece of text
	AttrControl     Attr = 1 << 3 // BOS, EOS, chat markers: text only when parsed as special
	AttrUserDefined Attr = 1 << 4 // added text matched before the model runs, even in plain text
	AttrByte        Attr = 1 << 5 // an SPM byte-fallback token <0xXX>
	AttrNormalized  Attr = 1 << 6 // (tokenizer.json) matched after normalization there; kept for information
	AttrLStrip      Attr = 1 << 7 // a special match swallows the whitespace on its left
	AttrRStrip      Attr = 1 << 8 // a special match swallows the whitespace on its right
	AttrSingleWord  Attr = 1 << 9 // (tokenizer.json) matched only as a whole word there; kept for information
)

// GGUF tokenizer.ggml.token_type values (llama_token_type).
const (
	typeUndefined   = 0
	typeNormal      = 1
	typeUnknown     = 2
	typeControl     = 3
	typeUserDefined = 4
	typeUnused      = 5
	typeByte        = 6
)

// attrFromType maps a GGUF token type to its attribute, as llama.cpp does
// when it loads a vocabulary (an unknown type is "undefined": no bits).
func attrFromType(t int32) Attr {
	switch t {
	case typeNormal:
		return AttrNormal
	case typeUnknown:
		return AttrUnknown
	case typeControl:
		return AttrControl
	case typeUserDefined:
		return AttrUserDefined
	case typeUnused:
		return AttrUnused
	case typeByte:
		return AttrByte
	}
	return 0
}

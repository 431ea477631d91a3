// Package bpe is byte-level BPE (GPT-2 style) exactly as llama.cpp does it
// (llm_tokenizer_bpe at c392e50): text is split into pre-tokens by the
// regexes of the vocabulary's pre-tokenizer (tokenizer.ggml.pre), each
// pre-token's bytes are written in GPT-2's byte alphabet, and the merges
// are applied lowest rank first (leftmost on ties).
//
// Every pre-tokenizer name llama.cpp knows for BPE vocabularies is
// supported (see KnownPre), plus "gpt-4o"/"llama4" from later llama.cpp. llama.cpp matches most of these regexes with
// std::regex on a rewritten text and its own Unicode tables (Unicode 15.1;
// its \p{P} and \p{S} leave out some ASCII, e.g. '~'); this package
// reproduces those results with hand-written matchers, not a regex engine.
//
// Special tokens are not handled here: the caller (package tokenizer)
// splits them out and passes the plain text between them to Encode.
//
//	m, err := bpe.New(tokens, merges, "gpt-2") // from tokenizer.ggml.*
//	if err != nil {
//		return err
//	}
//	ids := m.Encode(nil, "Hello world")
//	var text []byte
//	for _, id := range ids {
//		text = m.Decode(text, id)
//	}
package bpe

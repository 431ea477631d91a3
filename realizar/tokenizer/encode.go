package tokenizer

import "strings"

// fragment is a piece of the input: raw text still to tokenize, or a
// special token already recognised (tok != none).
type fragment struct {
	text string
	tok  int32
}

// partition splits text on the special tokens, longest first, as
// llama.cpp's tokenizer_st_partition does: user-defined tokens always,
// control and unknown tokens only when parseSpecial. A token with the
// lstrip (rstrip) attribute swallows the ASCII whitespace to its left
// (right).
func (t *Tokenizer) partition(text string, parseSpecial bool) []fragment {
	frags := []fragment{{text: text, tok: none}}
	var next []fragment
	for _, id := range t.specials {
		e := &t.entries[id]
		if !parseSpecial && e.attr&(AttrControl|AttrUnknown) != 0 {
			continue
		}
		sp := e.text
		changed := false
		next = next[:0]
		for _, f := range frags {
			if f.tok != none || !strings.Contains(f.text, sp) {
				next = append(next, f)
				continue
			}
			changed = true
			rest := f.text
			for {
				m := strings.Index(rest, sp)
				if m < 0 {
					if rest != "" {
						next = append(next, fragment{text: rest, tok: none})
					}
					break
				}
				left := rest[:m]
				if e.attr&AttrLStrip != 0 {
					left = strings.TrimRight(left, cSpace)
				}
				if left != "" {
					next = append(next, fragment{text: left, tok: none})
				}
				next = append(next, fragment{tok: id})
				rest = rest[m+len(sp):]
				if e.attr&AttrRStrip != 0 {
					rest = strings.TrimLeft(rest, cSpace)
				}
			}
		}
		if changed {
			frags, next = next, frags
		}
	}
	return frags
}

// cSpace is the C locale's isspace set, which llama.cpp's lstrip and rstrip
// use.
const cSpace = " \t\n\v\f\r"

// Encode converts text to token ids as llama.cpp's llama_tokenize does.
// With addSpecial, BOS (and EOS, or BERT's [CLS] ... [SEP]) are added as
// the vocabulary's metadata asks, but never a second BOS (EOS) when the
// text already starts (ends) with one parsed as a special token; with parseSpecial, control tokens written
// in the text ("<s>", "<|im_start|>") become their ids, otherwise they are
// tokenized as plain text. User-defined tokens are always matched.
func (t *Tokenizer) Encode(text string, addSpecial, parseSpecial bool) []int32 {
	var frags []fragment
	if text != "" {
		frags = t.partition(text, parseSpecial)
	}
	out := make([]int32, 0, len(text)/3+2)
	// A text that already starts with BOS (or ends with EOS) parsed as a
	// special token does not get a second one: llama.cpp would add it and
	// warn about the doubled token.
	wantBOS := addSpecial && t.bos != none && !(len(frags) > 0 && frags[0].tok == t.bos)
	wantEOS := addSpecial && t.eos != none && !(len(frags) > 0 && frags[len(frags)-1].tok == t.eos)
	switch t.kind {
	case SPM:
		if wantBOS && t.addBOS {
			out = append(out, t.bos)
		}
		prevSpecial := true // the first text gets the space prefix
		var sess spmSession
		for _, f := range frags {
			if f.tok != none {
				out = append(out, f.tok)
				prevSpecial = true
				continue
			}
			s := f.text
			if t.addSpacePrefix && prevSpecial {
				s = " " + s
			}
			out = sess.encode(t, out, strings.ReplaceAll(s, " ", "▁"))
			prevSpecial = false
		}
		if wantEOS && t.addEOS {
			out = append(out, t.eos)
		}
	case BPE:
		if wantBOS && t.addBOS {
			out = append(out, t.bos)
		}
		for _, f := range frags {
			if f.tok != none {
				out = append(out, f.tok)
				continue
			}
			out = t.bpe.Encode(out, f.text)
		}
		if wantEOS && t.addEOS {
			out = append(out, t.eos)
		}
	case WPM:
		if wantBOS {
			out = append(out, t.bos)
		}
		for _, f := range frags {
			if f.tok != none {
				out = append(out, f.tok)
				continue
			}
			out = t.wpmEncode(out, f.text)
		}
		if addSpecial && t.sep != none && !(len(frags) > 0 && frags[len(frags)-1].tok == t.sep) {
			out = append(out, t.sep)
		}
	}
	return out
}

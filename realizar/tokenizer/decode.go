package tokenizer

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// piece appends the bytes token id prints as, following llama.cpp's
// token_to_piece: control and unknown tokens print their text only when
// special is set; user-defined tokens print their text; normal tokens are
// unescaped (SPM, WPM: ▁ → space; BPE: the byte-level mapping undone);
// SPM byte tokens print their byte; anything else prints nothing.
func (t *Tokenizer) piece(dst []byte, id int32, special bool) []byte {
	if !t.valid(id) {
		return dst
	}
	e := &t.entries[id]
	if e.attr&(AttrUnknown|AttrControl) != 0 {
		if special {
			dst = append(dst, e.text...)
		}
		return dst
	}
	if e.attr&AttrUserDefined != 0 {
		return append(dst, e.text...)
	}
	switch t.kind {
	case SPM, WPM:
		if e.attr&AttrNormal != 0 {
			return appendUnescaped(dst, e.text)
		}
		if e.attr&AttrByte != 0 {
			if b, ok := byteTokenValue(e.text); ok {
				return append(dst, b)
			}
		}
	case BPE:
		if e.attr&AttrNormal != 0 {
			return t.bpe.Decode(dst, id)
		}
	}
	return dst
}

// appendUnescaped appends s with every ▁ replaced by a space.
func appendUnescaped(dst []byte, s string) []byte {
	for {
		i := strings.Index(s, "▁")
		if i < 0 {
			return append(dst, s...)
		}
		dst = append(append(dst, s[:i]...), ' ')
		s = s[i+len("▁"):]
	}
}

// byteTokenValue parses an SPM byte token "<0xXX>".
func byteTokenValue(s string) (byte, bool) {
	if len(s) != 6 || s[:3] != "<0x" || s[5] != '>' {
		return 0, false
	}
	v, err := strconv.ParseUint(s[3:5], 16, 8)
	return byte(v), err == nil
}

// Piece returns the text of token id as llama.cpp prints it with special
// tokens shown: "▁Once" → " Once", "<0x0A>" → "\n", "Ġthe" → " the",
// "<s>" → "<s>". A byte token alone may be part of a UTF-8 character; use
// a Decoder to print a stream of tokens.
func (t *Tokenizer) Piece(id int32) string {
	if !t.valid(id) {
		return ""
	}
	return t.pieces[id]
}

// Decode converts ids back to text as llama.cpp's llama_detokenize does
// (special tokens not rendered): control and unknown tokens print nothing;
// an SPM vocabulary with a space prefix drops the leading space of the first
// token when ids do not start with BOS; the vocabularies whose tokenizers
// split punctuation off words (GPT-2 style BPE, WordPiece) get llama.cpp's
// clean-up of " ." " ," " ?" " !" and contractions. A WordPiece text also
// loses its leading phantom space. The result holds the decoded bytes as
// they are, even where they are not valid UTF-8.
func (t *Tokenizer) Decode(ids []int32) string {
	var out []byte
	removeSpace := t.addSpacePrefix
	for _, id := range ids {
		n := len(out)
		out = t.piece(out, id, false)
		if removeSpace && len(out) > n && out[n] == ' ' {
			out = append(out[:n], out[n+1:]...)
		}
		removeSpace = false
	}
	if t.kind == WPM && len(out) > 0 && out[0] == ' ' {
		out = out[1:]
	}
	if t.cleanSpaces {
		out = cleanSpaces(out)
	}
	return string(out)
}

// cleanSpaces undoes the spaces that word-splitting tokenizers leave before
// punctuation, in llama.cpp's three passes: " ?", " !", " .", " ," lose the
// space; " ' " becomes "'"; " 's", " 'm", " 're", " 've" lose the space.
func cleanSpaces(text []byte) []byte {
	if len(text) == 0 {
		return text
	}
	n := 1
	for i := 1; i < len(text); i++ {
		x := text[i]
		if text[i-1] == ' ' && (x == '?' || x == '!' || x == '.' || x == ',') {
			n--
		}
		text[n] = x
		n++
	}
	text = text[:n]

	n = 1
	for i := 1; i < len(text); i++ {
		x := text[i]
		if x == '\'' && i+1 < len(text) && text[i-1] == ' ' && text[i+1] == ' ' {
			n--
			text[i+1] = 0 // llama.cpp overwrites the following space with NUL and skips it
			text[n] = x
			n++
			i++
			continue
		}
		text[n] = x
		n++
	}
	text = text[:n]

	n = 1
	for i := 1; i < len(text); i++ {
		x := text[i]
		if text[i-1] == ' ' && x == '\'' && i+1 < len(text) {
			x1 := text[i+1]
			switch {
			case x1 == 's' || x1 == 'm':
				n--
			case i+2 < len(text):
				x2 := text[i+2]
				if (x1 == 'r' && x2 == 'e') || (x1 == 'v' && x2 == 'e') {
					n--
				}
			}
		}
		text[n] = x
		n++
	}
	return text[:n]
}

// Decoder turns a stream of token ids into text that never ends inside a
// UTF-8 character: the bytes of an incomplete character are held back
// until the tokens that complete it arrive. It prints tokens as a
// generation loop shows a continuation: every piece as it is, spaces
// included, control tokens as nothing. A Decoder serves one stream in one
// goroutine.
type Decoder struct {
	t       *Tokenizer
	pending []byte
}

// NewDecoder returns a streaming decoder.
func (t *Tokenizer) NewDecoder() *Decoder { return &Decoder{t: t} }

// Next adds token id and returns the text that is now complete. Bytes that
// can never start a valid character come out as U+FFFD.
func (d *Decoder) Next(id int32) string {
	d.pending = d.t.piece(d.pending, id, false)
	return d.emit(false)
}

// Flush returns whatever is held back, an incomplete character as U+FFFD,
// and resets the decoder.
func (d *Decoder) Flush() string { return d.emit(true) }

func (d *Decoder) emit(final bool) string {
	p := d.pending
	var out strings.Builder
	i := 0
	for i < len(p) {
		r, size := utf8.DecodeRune(p[i:])
		if r == utf8.RuneError && size <= 1 {
			if !final && !utf8.FullRune(p[i:]) {
				break // may still be completed by the next token
			}
			out.WriteRune(utf8.RuneError)
			i++
			if final {
				// An incomplete character is one replacement, not one per byte.
				for i < len(p) && !utf8.RuneStart(p[i]) {
					i++
				}
			}
			continue
		}
		out.Write(p[i : i+size])
		i += size
	}
	d.pending = append(d.pending[:0], p[i:]...)
	return out.String()
}

package tokenizer

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// WordPiece as llama.cpp's llm_tokenizer_wpm runs it. The vocabulary is in
// llama.cpp's form: a word-initial piece carries a leading "▁" (the
// phantom space), a continuation piece has none (BERT's "##ing" is
// "ing"), bracketed specials ([CLS], [UNK]) are kept as they are.

// wpmOptions are the BertNormalizer settings. llama.cpp's GGUF path always
// lowercases, strips accents (by keeping the first code point of each
// character's canonical decomposition) and splits CJK ideographs.
type wpmOptions struct {
	keepCase     bool // do not lowercase
	keepAccents  bool // do not reduce characters to their decomposition's base
	noCJKSplit   bool // do not make each CJK ideograph a word
	dropMarks    bool // drop nonspacing marks (Hugging Face strip_accents; llama.cpp keeps them)
	maxWordChars int  // words longer than this (in characters) are [UNK]; 0: no limit
}

// wpmWords normalizes text and splits it into words: whitespace separates
// words, control characters (and NUL, U+FFFD) vanish, punctuation, ASCII
// symbols and CJK ideographs are words of their own.
func (o wpmOptions) words(text string) []string {
	var words []string
	var cur strings.Builder
	flush := func() {
		if cur.Len() > 0 {
			words = append(words, cur.String())
			cur.Reset()
		}
	}
	var dec []rune
	for _, r0 := range text {
		dec = dec[:0]
		switch {
		case o.keepAccents:
			dec = append(dec, r0)
		case o.dropMarks:
			dec = appendDecomposed(dec, r0)
		default:
			dec = append(dec, nfdBase(r0))
		}
		for _, r := range dec {
			if isWhitespace(r) {
				flush()
				continue
			}
			if r == 0 || r == utf8.RuneError || unicode.In(r, unicode.Cc, unicode.Cf, unicode.Co, unicode.Cs) {
				continue
			}
			if o.dropMarks && unicode.Is(unicode.Mn, r) {
				continue
			}
			lower := r
			if !o.keepCase {
				lower = unicode.ToLower(r)
			}
			if unicode.IsPunct(r) || (r < 0x7F && unicode.IsSymbol(r)) || (!o.noCJKSplit && isCJK(r)) {
				flush()
				words = append(words, string(lower))
				continue
			}
			cur.WriteRune(lower)
		}
	}
	flush()
	return words
}

// nfdBase returns the first code point of r's canonical decomposition (r
// itself when it has none): "é" → "e", "ǘ" → "u".
func nfdBase(r rune) rune {
	if r < 0xC0 {
		return r
	}
	if r >= hangulBase && r < hangulBase+hangulCount {
		return 0x1100 + (r-hangulBase)/588 // the leading consonant
	}
	var buf [utf8.UTFMax]byte
	n := utf8.EncodeRune(buf[:], r)
	d := norm.NFD.Properties(buf[:n]).Decomposition()
	if len(d) == 0 {
		return r
	}
	base, _ := utf8.DecodeRune(d)
	return base
}

// Precomposed Hangul syllables, decomposed by rule rather than by table.
const (
	hangulBase  = 0xAC00
	hangulCount = 11172
)

// appendDecomposed appends the full canonical decomposition of r (r itself
// when it has none).
func appendDecomposed(dst []rune, r rune) []rune {
	if r < 0xC0 {
		return append(dst, r)
	}
	if r >= hangulBase && r < hangulBase+hangulCount {
		s := r - hangulBase
		dst = append(dst, 0x1100+s/588, 0x1161+(s%588)/28)
		if t := s % 28; t != 0 {
			dst = append(dst, 0x11A7+t)
		}
		return dst
	}
	var buf [utf8.UTFMax]byte
	n := utf8.EncodeRune(buf[:], r)
	d := norm.NFD.Properties(buf[:n]).Decomposition()
	if len(d) == 0 {
		return append(dst, r)
	}
	for _, x := range string(d) {
		dst = append(dst, x)
	}
	return dst
}

// isWhitespace is Unicode's White_Space property (regex \s in llama.cpp).
func isWhitespace(r rune) bool {
	switch {
	case r >= 0x09 && r <= 0x0D, r == 0x20, r == 0x85, r == 0xA0, r == 0x1680,
		r >= 0x2000 && r <= 0x200A, r == 0x2028, r == 0x2029, r == 0x202F, r == 0x205F, r == 0x3000:
		return true
	}
	return false
}

// isCJK reports a CJK ideograph, with the ranges BERT uses (including its
// 0x2B920 lower bound where Unicode's block starts at 0x2B820).
func isCJK(r rune) bool {
	return (r >= 0x4E00 && r <= 0x9FFF) ||
		(r >= 0x3400 && r <= 0x4DBF) ||
		(r >= 0x20000 && r <= 0x2A6DF) ||
		(r >= 0x2A700 && r <= 0x2B73F) ||
		(r >= 0x2B740 && r <= 0x2B81F) ||
		(r >= 0x2B920 && r <= 0x2CEAF) ||
		(r >= 0xF900 && r <= 0xFAFF) ||
		(r >= 0x2F800 && r <= 0x2FA1F)
}

// wpmEncode appends the tokens of text: each word, with the phantom space
// in front, is covered greedily by the longest vocabulary pieces from left
// to right; a word that cannot be covered entirely becomes [UNK].
func (t *Tokenizer) wpmEncode(out []int32, text string) []int32 {
	var buf []byte
	for _, w := range t.wpm.words(text) {
		start := len(out)
		if t.wpm.maxWordChars > 0 && utf8.RuneCountInString(w) > t.wpm.maxWordChars {
			if t.unk != none {
				out = append(out, t.unk)
			}
			continue
		}
		buf = append(append(buf[:0], "▁"...), w...)
		n := len(buf)
		for i := 0; i < n; i++ {
			matched := false
			for j := min(n, i+t.maxLen+1); j > i; j-- {
				if id, ok := t.ids[string(buf[i:j])]; ok {
					out = append(out, id)
					matched = true
					i = j - 1
					break
				}
			}
			if !matched {
				out = out[:start]
				break
			}
		}
		if len(out) == start && t.unk != none {
			out = append(out, t.unk)
		}
	}
	return out
}

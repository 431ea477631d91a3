package bpe

import (
	"sync"
	"unicode"
)

// Codepoint classes as llama.cpp's unicode tables define them. Each
// assigned codepoint has exactly one category bit; whitespace is a separate
// property (Unicode's White_Space list).
const (
	catUndefined uint16 = 1 << iota // Cn: unassigned
	catNumber                       // \p{N}
	catLetter                       // \p{L}
	catSeparator                    // \p{Z}
	catMark                         // \p{M}
	catPunct                        // \p{P}
	catSymbol                       // \p{S}
	catControl                      // Cc, Cf, Co, Cs
	flagSpace                       // White_Space (llama.cpp's \s)

	catMask = catUndefined | catNumber | catLetter | catSeparator | catMark | catPunct | catSymbol | catControl
)

// maxRune bounds the table; larger values never occur because decodeRunes
// replaces them by U+FFFD.
const maxRune = 0x110000

// The reference tables are Unicode 15.1 while Go 1.26's unicode package is
// 15.0.0. These are the codepoints 15.1 assigned (checked codepoint by
// codepoint against llama.cpp's unicode-data.cpp: the only differences).
var unicode151 = []struct {
	lo, hi rune
	cat    uint16
}{
	{0x2FFC, 0x2FFF, catSymbol},   // ideographic description characters
	{0x31EF, 0x31EF, catSymbol},   // CJK stroke HXG
	{0x2EBF0, 0x2EE5D, catLetter}, // CJK Unified Ideographs Extension I
}

// whitespace lists Unicode's White_Space property, the set llama.cpp's \s
// stands for.
var whitespace = []rune{
	0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x20, 0x85, 0xA0, 0x1680,
	0x2000, 0x2001, 0x2002, 0x2003, 0x2004, 0x2005, 0x2006, 0x2007, 0x2008, 0x2009, 0x200A,
	0x2028, 0x2029, 0x202F, 0x205F, 0x3000,
}

// flagTable is a two-level lookup: blocks of 256 codepoints, identical
// blocks shared.
type flagTable struct {
	index  [maxRune >> 8]uint16
	blocks [][256]uint16
}

var (
	flagsOnce sync.Once
	flags     *flagTable
)

func loadFlags() *flagTable {
	flagsOnce.Do(func() { flags = buildFlags() })
	return flags
}

func buildFlags() *flagTable {
	all := make([]uint16, maxRune)
	for i := range all {
		all[i] = catUndefined
	}
	set := func(tab *unicode.RangeTable, cat uint16) {
		for _, r := range tab.R16 {
			for c := rune(r.Lo); c <= rune(r.Hi); c += rune(r.Stride) {
				all[c] = cat
			}
		}
		for _, r := range tab.R32 {
			for c := rune(r.Lo); c <= rune(r.Hi); c += rune(r.Stride) {
				all[c] = cat
			}
		}
	}
	set(unicode.L, catLetter)
	set(unicode.M, catMark)
	set(unicode.N, catNumber)
	set(unicode.P, catPunct)
	set(unicode.S, catSymbol)
	set(unicode.Z, catSeparator)
	for _, t := range []*unicode.RangeTable{unicode.Cc, unicode.Cf, unicode.Co, unicode.Cs} {
		set(t, catControl)
	}
	for _, x := range unicode151 {
		for c := x.lo; c <= x.hi; c++ {
			if all[c] == catUndefined {
				all[c] = x.cat
			}
		}
	}
	for _, c := range whitespace {
		all[c] |= flagSpace
	}
	t := &flagTable{}
	seen := map[[256]uint16]uint16{}
	for b := range t.index {
		var blk [256]uint16
		copy(blk[:], all[b<<8:])
		id, ok := seen[blk]
		if !ok {
			id = uint16(len(t.blocks))
			seen[blk] = id
			t.blocks = append(t.blocks, blk)
		}
		t.index[b] = id
	}
	return t
}

// of returns the flags of r; 0 for values outside the codepoint range
// (llama.cpp gives those "undefined"; decodeRunes never produces them).
func (t *flagTable) of(r rune) uint16 {
	if uint32(r) >= maxRune {
		return catUndefined
	}
	return t.blocks[t.index[r>>8]][r&0xFF]
}

// decodeRunes appends the codepoints of s to dst the way llama.cpp's
// unicode_cpts_from_utf8 reads UTF-8: a lead byte with its continuation
// bytes present gives the codepoint it encodes (overlong forms and
// surrogates included, as written); anything else — a stray continuation
// byte, a truncated sequence, a byte 0xF8 or above — gives U+FFFD and
// consumes one byte. A four-byte form above U+10FFFF (where llama.cpp
// throws) is treated the same way, as invalid.
func decodeRunes(dst []rune, s string) []rune {
	for i := 0; i < len(s); {
		c := s[i]
		if c < 0x80 {
			dst = append(dst, rune(c))
			i++
			continue
		}
		r, n := decodeMulti(s, i)
		dst = append(dst, r)
		i += n
	}
	return dst
}

func decodeMulti(s string, i int) (rune, int) {
	c := s[i]
	cont := func(k int) bool { return i+k < len(s) && s[i+k]&0xC0 == 0x80 }
	switch {
	case c&0x40 == 0:
	case c&0x20 == 0:
		if cont(1) {
			return rune(c&0x1F)<<6 | rune(s[i+1]&0x3F), 2
		}
	case c&0x10 == 0:
		if cont(1) && cont(2) {
			return rune(c&0x0F)<<12 | rune(s[i+1]&0x3F)<<6 | rune(s[i+2]&0x3F), 3
		}
	case c&0x08 == 0:
		if cont(1) && cont(2) && cont(3) {
			r := rune(c&0x07)<<18 | rune(s[i+1]&0x3F)<<12 | rune(s[i+2]&0x3F)<<6 | rune(s[i+3]&0x3F)
			if r < maxRune {
				return r, 4
			}
		}
	}
	return 0xFFFD, 1
}

// appendRune appends the UTF-8 form of r the way llama.cpp writes it:
// surrogates are encoded like any other codepoint (so such input
// round-trips byte for byte). r must be below maxRune.
func appendRune(dst []byte, r rune) []byte {
	switch {
	case r < 0x80:
		return append(dst, byte(r))
	case r < 0x800:
		return append(dst, 0xC0|byte(r>>6), 0x80|byte(r)&0x3F)
	case r < 0x10000:
		return append(dst, 0xE0|byte(r>>12), 0x80|byte(r>>6)&0x3F, 0x80|byte(r)&0x3F)
	default:
		return append(dst, 0xF0|byte(r>>18), 0x80|byte(r>>12)&0x3F, 0x80|byte(r>>6)&0x3F, 0x80|byte(r)&0x3F)
	}
}

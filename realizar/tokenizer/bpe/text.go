package bpe

// text is one fragment being pre-tokenized: its codepoints, their flags,
// and the two rewritten forms llama.cpp runs its general regexes on.
type text struct {
	ft   *flagTable
	cpts []rune
	fl   []uint16

	col     []byte // "collapsed": one byte per codepoint (see collapse)
	wide    []rune // codepoints with non-ASCII whitespace replaced by '\v'
	hasCol  bool
	hasWide bool
}

func (t *text) reset(s string) {
	t.cpts = decodeRunes(t.cpts[:0], s)
	t.fl = t.fl[:0]
	for _, r := range t.cpts {
		t.fl = append(t.fl, t.ft.of(r))
	}
	t.hasCol, t.hasWide = false, false
}

// flagsAt returns the flags at pos, or 0 outside [.., end).
func (t *text) flagsAt(pos, end int) uint16 {
	if pos < end {
		return t.fl[pos]
	}
	return 0
}

// Collapsed codes for non-ASCII codepoints, as llama.cpp's
// unicode_regex_split rewrites text for regexes that use \p{..}: ASCII
// stays itself, whitespace becomes '\v', every other codepoint becomes one
// byte naming its category.
const (
	colOther  = 0xD0
	colNumber = 0xD1
	colLetter = 0xD2
	colPunct  = 0xD3
	colMark   = 0xD4
	colSymbol = 0xD5
)

func (t *text) collapsed() []byte {
	if t.hasCol {
		return t.col
	}
	t.col = t.col[:0]
	for i, r := range t.cpts {
		if r < 0x80 {
			t.col = append(t.col, byte(r))
			continue
		}
		f := t.fl[i]
		var c byte
		switch {
		case f&flagSpace != 0:
			c = '\v'
		case f&catMask == catNumber:
			c = colNumber
		case f&catMask == catLetter:
			c = colLetter
		case f&catMask == catPunct:
			c = colPunct
		case f&catMask == catMark:
			c = colMark
		case f&catMask == catSymbol:
			c = colSymbol
		default:
			c = colOther
		}
		t.col = append(t.col, c)
	}
	t.hasCol = true
	return t.col
}

// widened is the text llama.cpp gives std::wregex for regexes without
// \p{..}: the C locale's \s knows only ASCII whitespace, so other
// whitespace is replaced by '\v'.
func (t *text) widened() []rune {
	if t.hasWide {
		return t.wide
	}
	t.wide = t.wide[:0]
	for i, r := range t.cpts {
		if r > 0x7F && t.fl[i]&flagSpace != 0 {
			r = '\v'
		}
		t.wide = append(t.wide, r)
	}
	t.hasWide = true
	return t.wide
}

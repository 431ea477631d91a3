package bpe

import (
	"cmp"
	"slices"
)

// The other pre-tokenizer regexes llama.cpp runs through std::regex, with
// ECMAScript semantics (leftmost match; alternatives tried in order;
// greedy quantifiers that backtrack). A regex that uses \p{..} runs on the
// collapsed text (text.collapsed), where \p{X} matches the ASCII members
// llama.cpp lists for X plus the category byte; the others run on the
// widened text (text.widened). Each regex here is a matcher: given a start
// position it returns the end of the match there, or the start when the
// regex does not match there. The end of the fragment is the end of input
// (for $ and look-ahead).

// Bits of collapsed-byte classes.
const (
	cN  uint8 = 1 << iota // \p{N}
	cL                    // \p{L}
	cP                    // \p{P}
	cS                    // \p{S}
	cM                    // \p{M}
	cWS                   // \s
)

var colClass = func() (t [256]uint8) {
	for c := '0'; c <= '9'; c++ {
		t[c] |= cN
	}
	for c := 'A'; c <= 'Z'; c++ {
		t[c] |= cL
		t[c+'a'-'A'] |= cL
	}
	// The ASCII members llama.cpp gives \p{P} and \p{S}: '~' is in neither.
	for _, c := range "!\"#%&'()*,-./:;?@[\\]_{}" {
		t[c] |= cP
	}
	for _, c := range "$+<=>^`|" {
		t[c] |= cS
	}
	for _, c := range "\t\n\v\f\r " {
		t[c] |= cWS
	}
	t[colNumber] |= cN
	t[colLetter] |= cL
	t[colPunct] |= cP
	t[colSymbol] |= cS
	t[colMark] |= cM
	return t
}()

func colIs(c byte, class uint8) bool { return colClass[c]&class != 0 }

// wideSpace is \s of std::wregex in the C locale, on widened text.
func wideSpace(r rune) bool { return r == ' ' || (r >= '\t' && r <= '\r') }

// matcher returns the end of the match starting at p (p when none).
type matcher func(t *text, p, end int) int

// runOf returns the end of the run of elements satisfying in, from p.
func runOf[T byte | rune](s []T, p, end int, in func(T) bool) int {
	for p < end && in(s[p]) {
		p++
	}
	return p
}

// optThenRun matches pre?cls+ at p (pre tried first, then backtracked).
func optThenRun[T byte | rune](s []T, p, end int, pre, cls func(T) bool) int {
	if pre(s[p]) && p+1 < end && cls(s[p+1]) {
		return runOf(s, p+1, end, cls)
	}
	if cls(s[p]) {
		return runOf(s, p, end, cls)
	}
	return p
}

// colRun matches [class]+ on collapsed text.
func colRun(class uint8, extra string) matcher {
	var in [256]bool
	for c := range in {
		in[c] = colIs(byte(c), class)
	}
	for _, c := range extra {
		in[c] = true
	}
	f := func(c byte) bool { return in[c] }
	return func(t *text, p, end int) int { return runOf(t.collapsed(), p, end, f) }
}

// colUpTo matches [class]{1,max} on collapsed text.
func colUpTo(class uint8, max int) matcher {
	return func(t *text, p, end int) int {
		s := t.collapsed()
		e := p
		for e < end && e-p < max && colIs(s[e], class) {
			e++
		}
		return e
	}
}

// colSpaceThenRun matches \s?[class]+ on collapsed text.
func colSpaceThenRun(class uint8) matcher {
	ws := func(c byte) bool { return colIs(c, cWS) }
	in := func(c byte) bool { return colIs(c, class) }
	return func(t *text, p, end int) int { return optThenRun(t.collapsed(), p, end, ws, in) }
}

// wideRun matches [class]+ on widened text.
func wideRun(in func(rune) bool) matcher {
	return func(t *text, p, end int) int { return runOf(t.widened(), p, end, in) }
}

// wideSpaceThenRun matches \s?[class]+ on widened text.
func wideSpaceThenRun(in func(rune) bool) matcher {
	return func(t *text, p, end int) int { return optThenRun(t.widened(), p, end, wideSpace, in) }
}

// rangeClass returns the membership test of a character class given as
// inclusive pairs lo, hi: a bitmap for ASCII, binary search above.
func rangeClass(pairs ...rune) func(rune) bool {
	type span struct{ lo, hi rune }
	var spans []span
	var ascii [2]uint64
	for i := 0; i+1 < len(pairs); i += 2 {
		lo, hi := pairs[i], pairs[i+1]
		for c := lo; c <= hi && c < 0x80; c++ {
			ascii[c>>6] |= 1 << (c & 63)
		}
		if hi >= 0x80 {
			spans = append(spans, span{max(lo, 0x80), hi})
		}
	}
	slices.SortFunc(spans, func(a, b span) int { return cmp.Compare(a.lo, b.lo) })
	merged := spans[:0]
	for _, sp := range spans {
		if n := len(merged); n > 0 && sp.lo <= merged[n-1].hi+1 {
			merged[n-1].hi = max(merged[n-1].hi, sp.hi)
			continue
		}
		merged = append(merged, sp)
	}
	return func(r rune) bool {
		if r < 0x80 {
			return r >= 0 && ascii[r>>6]&(1<<(r&63)) != 0
		}
		i, found := slices.BinarySearchFunc(merged, r, func(sp span, r rune) int {
			switch {
			case sp.hi < r:
				return -1
			case sp.lo > r:
				return 1
			}
			return 0
		})
		return found && i < len(merged)
	}
}

// matchCRLF: [\r\n]
func matchCRLF(t *text, p, end int) int {
	if r := t.widened()[p]; r == '\r' || r == '\n' {
		return p + 1
	}
	return p
}

// matchThreeDigits: [0-9][0-9][0-9]
func matchThreeDigits(t *text, p, end int) int {
	s := t.widened()
	if p+3 <= end && isDigit(s[p]) && isDigit(s[p+1]) && isDigit(s[p+2]) {
		return p + 3
	}
	return p
}

func isDigit(r rune) bool { return r >= '0' && r <= '9' }

// matchTrailingSpace: \s+$ — only a whitespace run reaching the end.
func matchTrailingSpace(t *text, p, end int) int {
	s := t.widened()
	if e := runOf(s, p, end, wideSpace); e == end && e > p {
		return e
	}
	return p
}

// spaceTail matches the whitespace alternatives shared by several regexes,
// \s*[\r\n]+|\s+(?!\S)|\s+, on collapsed text.
func spaceTail(s []byte, p, end int) int {
	q := p
	lastRN := -1
	for q < end && colIs(s[q], cWS) {
		if s[q] == '\r' || s[q] == '\n' {
			lastRN = q
		}
		q++
	}
	switch {
	case lastRN >= 0: // \s*[\r\n]+ backtracks to the last line break
		return lastRN + 1
	case q == end: // \s+(?!\S) at the end takes the whole run
		return q
	case q-p >= 2: // \s+(?!\S) gives back the last one
		return q - 1
	default: // \s+
		return q
	}
}

// matchQwen2 (qwen2, stablelm2):
// (?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+
func matchQwen2(t *text, p, end int) int {
	s := t.collapsed()
	if e := contraction(s, p, end); e > p {
		return e
	}
	notCRLN := func(c byte) bool { return c != '\r' && c != '\n' && !colIs(c, cL|cN) }
	letter := func(c byte) bool { return colIs(c, cL) }
	if e := optThenRun(s, p, end, notCRLN, letter); e > p {
		return e
	}
	if colIs(s[p], cN) {
		return p + 1
	}
	if e := spaceSymbolsThen(s, p, end, "\r\n"); e > p {
		return e
	}
	return spaceTail(s, p, end)
}

// contraction matches '[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD].
func contraction(s []byte, p, end int) int {
	if s[p] != '\'' || p+1 >= end {
		return p
	}
	switch s[p+1] | 0x20 {
	case 's', 't', 'm', 'd':
		if s[p+1] >= 'A' && s[p+1] <= 'z' {
			return p + 2
		}
	case 'r', 'v':
		if s[p+1] >= 'A' && s[p+1] <= 'z' && p+2 < end && s[p+2]|0x20 == 'e' && s[p+2] >= 'A' {
			return p + 3
		}
	case 'l':
		if s[p+1] >= 'A' && s[p+1] <= 'z' && p+2 < end && s[p+2]|0x20 == 'l' && s[p+2] >= 'A' {
			return p + 3
		}
	}
	return p
}

// spaceSymbolsThen matches " ?[^\s\p{L}\p{N}]+[tail]*" on collapsed text.
func spaceSymbolsThen(s []byte, p, end int, tail string) int {
	other := func(c byte) bool { return !colIs(c, cWS|cL|cN) }
	e := optThenRun(s, p, end, func(c byte) bool { return c == ' ' }, other)
	if e == p {
		return p
	}
	for e < end && containsByte(tail, s[e]) {
		e++
	}
	return e
}

func containsByte(set string, c byte) bool {
	for i := 0; i < len(set); i++ {
		if set[i] == c {
			return true
		}
	}
	return false
}

// matchDeepseekV3 (the third deepseek-v3 regex):
// [!"#$%&'()*+,\-./:;<=>?@\[\\\]^_`{|}~][A-Za-z]+|[^\r\n\p{L}\p{P}\p{S}]?[\p{L}\p{M}]+| ?[\p{P}\p{S}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+
func matchDeepseekV3(t *text, p, end int) int {
	s := t.collapsed()
	asciiLetter := func(c byte) bool { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') }
	if c := s[p]; c < 0x80 && isASCIIPunct(c) && p+1 < end && asciiLetter(s[p+1]) {
		return runOf(s, p+1, end, asciiLetter)
	}
	pre := func(c byte) bool { return c != '\r' && c != '\n' && !colIs(c, cL|cP|cS) }
	lm := func(c byte) bool { return colIs(c, cL|cM) }
	if e := optThenRun(s, p, end, pre, lm); e > p {
		return e
	}
	ps := func(c byte) bool { return colIs(c, cP|cS) }
	if e := optThenRun(s, p, end, func(c byte) bool { return c == ' ' }, ps); e > p {
		for e < end && (s[e] == '\r' || s[e] == '\n') {
			e++
		}
		return e
	}
	if colIs(s[p], cWS) {
		return spaceTail(s, p, end)
	}
	return p
}

// isASCIIPunct: the printable ASCII characters that are neither letters,
// digits nor space.
func isASCIIPunct(c byte) bool {
	return (c >= '!' && c <= '/') || (c >= ':' && c <= '@') || (c >= '[' && c <= '`') || (c >= '{' && c <= '~')
}

// matchTekken (tekken):
// [^\r\n\p{L}\p{N}]?((?=[\p{L}])([^a-z]))*((?=[\p{L}])([^A-Z]))+|[^\r\n\p{L}\p{N}]?((?=[\p{L}])([^a-z]))+((?=[\p{L}])([^A-Z]))*|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n/]*|\s*[\r\n]+|\s+(?!\S)|\s+
var matchTekken = caseSplit(false, 1)

// matchGPT4o (gpt-4o, llama4; added to llama.cpp after c392e50): tekken's
// regex with an optional contraction after each word and \p{N}{1,3}:
// [^\r\n\p{L}\p{N}]?((?=[\p{L}])([^a-z]))*((?=[\p{L}])([^A-Z]))+(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])?|[^\r\n\p{L}\p{N}]?((?=[\p{L}])([^a-z]))+((?=[\p{L}])([^A-Z]))*(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])?|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n/]*|\s*[\r\n]+|\s+(?!\S)|\s+
var matchGPT4o = caseSplit(true, 3)

// caseSplit builds the tekken-style matcher: words split where lower case
// turns to upper case. On collapsed text a non-ASCII letter is both
// "upper" (a letter not a-z) and "lower" (a letter not A-Z).
func caseSplit(contractions bool, maxDigits int) matcher {
	upper := func(c byte) bool { return colIs(c, cL) && !(c >= 'a' && c <= 'z') }
	lower := func(c byte) bool { return colIs(c, cL) && !(c >= 'A' && c <= 'Z') }
	pre := func(c byte) bool { return c != '\r' && c != '\n' && !colIs(c, cL|cN) }
	return func(t *text, p, end int) int {
		s := t.collapsed()
		// first alternative: upper* lower+, with backtracking of upper*
		alt1 := func(q int) int {
			u := runOf(s, q, end, upper)
			if u < end && lower(s[u]) {
				return runOf(s, u, end, lower)
			}
			for k := u - 1; k >= q; k-- {
				if lower(s[k]) {
					return runOf(s, k, end, lower)
				}
			}
			return q
		}
		// second alternative: upper+ lower*
		alt2 := func(q int) int {
			u := runOf(s, q, end, upper)
			if u == q {
				return q
			}
			return runOf(s, u, end, lower)
		}
		for _, alt := range [...]func(int) int{alt1, alt2} {
			e := p
			if pre(s[p]) && p+1 < end {
				if e1 := alt(p + 1); e1 > p+1 {
					e = e1
				}
			}
			if e == p {
				e = alt(p)
			}
			if e > p {
				if contractions && e < end {
					e = max(e, contraction(s, e, end))
				}
				return e
			}
		}
		if colIs(s[p], cN) {
			e := p + 1
			for e < end && e-p < maxDigits && colIs(s[e], cN) {
				e++
			}
			return e
		}
		if e := spaceSymbolsThen(s, p, end, "\r\n/"); e > p {
			return e
		}
		return spaceTail(s, p, end)
	}
}

// matchPoro (poro-chat, bloom, gpt3-finnish, viking): " ?[^(\s|.,!?…。，、।۔،)]+"
func matchPoro(t *text, p, end int) int {
	s := t.widened()
	in := func(r rune) bool {
		switch r {
		case '(', '|', '.', ',', '!', '?', ')', '…', '。', '，', '、', '।', '۔', '،':
			return false
		}
		return !wideSpace(r)
	}
	return optThenRun(s, p, end, func(r rune) bool { return r == ' ' }, in)
}

// matchSentinel (chameleon): <sentinel:[0-9]+>
func matchSentinel(t *text, p, end int) int {
	s := t.widened()
	const lit = "<sentinel:"
	if end-p < len(lit)+2 {
		return p
	}
	for i := 0; i < len(lit); i++ {
		if s[p+i] != rune(lit[i]) {
			return p
		}
	}
	q := p + len(lit)
	e := runOf(s, q, end, isDigit)
	if e > q && e < end && s[e] == '>' {
		return e + 1
	}
	return p
}

// matchImageToken (chameleon): (IMGIMG)((A|B|C|D|E|F|G|H|I){1,4})Z
func matchImageToken(t *text, p, end int) int {
	s := t.widened()
	const lit = "IMGIMG"
	if end-p < len(lit)+2 {
		return p
	}
	for i := 0; i < len(lit); i++ {
		if s[p+i] != rune(lit[i]) {
			return p
		}
	}
	q := p + len(lit)
	e := q
	for e < end && e-q < 4 && s[e] >= 'A' && s[e] <= 'I' {
		e++
	}
	if e > q && e < end && s[e] == 'Z' {
		return e + 1
	}
	return p
}

// matchChameleonSpace (chameleon): ([\t\n]|    |  )
func matchChameleonSpace(t *text, p, end int) int {
	s := t.widened()
	if s[p] == '\t' || s[p] == '\n' {
		return p + 1
	}
	spaces := func(n int) bool {
		if end-p < n {
			return false
		}
		for i := 0; i < n; i++ {
			if s[p+i] != ' ' {
				return false
			}
		}
		return true
	}
	if spaces(4) {
		return p + 4
	}
	if spaces(2) {
		return p + 2
	}
	return p
}

// matchChameleonPunct (chameleon): [\p{P}!-/:-@\[-`{-~]
func matchChameleonPunct(t *text, p, end int) int {
	c := t.collapsed()[p]
	if colIs(c, cP) || (c < 0x80 && isASCIIPunct(c)) {
		return p + 1
	}
	return p
}

// splitRegex applies one matcher to cpts[a:b] as std::regex_iterator does:
// each leftmost match is a piece, and so is each stretch between matches.
func splitRegex(m matcher) func(t *text, a, b int, out []int) []int {
	return func(t *text, a, b int, out []int) []int {
		cur := a
		for p := a; p < b; {
			e := m(t, p, b)
			if e == p {
				p++
				continue
			}
			if p > cur {
				out = append(out, p-cur)
			}
			out = append(out, e-p)
			cur, p = e, e
		}
		if cur < b {
			out = append(out, b-cur)
		}
		return out
	}
}

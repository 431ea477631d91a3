package bpe

// llama.cpp does not run the GPT-2 and Llama-3 regexes through a regex
// engine: it has hand-written matchers for them (unicode.cpp,
// unicode_regex_split_custom_gpt2/_llama3) whose results define its
// tokenization. splitGPT2 and splitLlama3 follow those matchers step for
// step, including where they differ from a literal reading of the regex.

const outOfRange = -1

func cptAt(t *text, pos, end int) rune {
	if pos < end {
		return t.cpts[pos]
	}
	return outOfRange
}

const letterNumberSpace = catLetter | catNumber | flagSpace

// splitGPT2 splits cpts[a:b] by
// 's|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)
// (with a final \s+ for whitespace at the end), appending piece lengths.
func splitGPT2(t *text, a, b int, out []int) []int {
	prev := a
	add := func(end int) {
		if end > prev {
			out = append(out, end-prev)
		}
		prev = end
	}
	for pos := a; pos < b; {
		cpt := t.cpts[pos]
		fl := t.fl[pos]

		if cpt == '\'' && pos+1 < b {
			next := t.cpts[pos+1]
			if next == 's' || next == 't' || next == 'm' || next == 'd' {
				pos += 2
				add(pos)
				continue
			}
			if pos+2 < b {
				nn := t.cpts[pos+2]
				if (next == 'r' && nn == 'e') || (next == 'v' && nn == 'e') || (next == 'l' && nn == 'l') {
					pos += 3
					add(pos)
					continue
				}
			}
		}

		fl2 := fl
		if cpt == ' ' {
			fl2 = t.flagsAt(pos+1, b)
		}
		if fl2&catLetter != 0 {
			if cpt == ' ' {
				pos++
			}
			for fl2&catLetter != 0 {
				pos++
				fl2 = t.flagsAt(pos, b)
			}
			add(pos)
			continue
		}
		if fl2&catNumber != 0 {
			if cpt == ' ' {
				pos++
			}
			for fl2&catNumber != 0 {
				pos++
				fl2 = t.flagsAt(pos, b)
			}
			add(pos)
			continue
		}
		if fl2&letterNumberSpace == 0 && fl2 != 0 {
			if cpt == ' ' {
				pos++
			}
			for fl2&letterNumberSpace == 0 && fl2 != 0 {
				pos++
				fl2 = t.flagsAt(pos, b)
			}
			add(pos)
			continue
		}

		n := 0
		for t.flagsAt(pos+n, b)&flagSpace != 0 {
			n++
		}
		if n > 1 && cptAt(t, pos+n, b) != outOfRange {
			pos += n - 1
			add(pos)
			continue
		}
		if n > 0 {
			pos += n
			add(pos)
			continue
		}
		pos++
		add(pos)
	}
	return out
}

func asciiLower(r rune) rune {
	if r >= 'A' && r <= 'Z' {
		return r + 'a' - 'A'
	}
	return r
}

// splitLlama3 splits cpts[a:b] by Llama 3's
// (?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+
// appending piece lengths. (The only codepoints whose lowercase is one of
// s, t, r, e, v, m, l, d are the ASCII capitals, so ASCII folding is the
// full case-insensitive match.)
func splitLlama3(t *text, a, b int, out []int) []int {
	prev := a
	add := func(end int) {
		if end > prev {
			out = append(out, end-prev)
		}
		prev = end
	}
	for pos := a; pos < b; {
		cpt := t.cpts[pos]
		fl := t.fl[pos]

		if cpt == '\'' && pos+1 < b {
			next := asciiLower(t.cpts[pos+1])
			if next == 's' || next == 't' || next == 'm' || next == 'd' {
				pos += 2
				add(pos)
				continue
			}
			if pos+2 < b {
				nn := asciiLower(t.cpts[pos+2])
				if (next == 'r' && nn == 'e') || (next == 'v' && nn == 'e') || (next == 'l' && nn == 'l') {
					pos += 3
					add(pos)
					continue
				}
			}
		}

		// [^\r\n\p{L}\p{N}]?\p{L}+
		if !(cpt == '\r' || cpt == '\n' || fl&catNumber != 0) {
			if fl&catLetter != 0 || t.flagsAt(pos+1, b)&catLetter != 0 {
				pos++
				for t.flagsAt(pos, b)&catLetter != 0 {
					pos++
				}
				add(pos)
				continue
			}
		}

		// \p{N}{1,3}
		if fl&catNumber != 0 {
			ini := pos
			for t.flagsAt(pos, b)&catNumber != 0 {
				pos++
				if pos-ini >= 3 {
					add(pos)
					ini = pos
				}
			}
			add(pos)
			continue
		}

		// <space>?[^\s\p{L}\p{N}]+[\r\n]*
		fl2 := fl
		if cpt == ' ' {
			fl2 = t.flagsAt(pos+1, b)
		}
		if fl2&letterNumberSpace == 0 && fl != 0 {
			if cpt == ' ' {
				pos++
			}
			for fl2&letterNumberSpace == 0 && fl2 != 0 {
				pos++
				fl2 = t.flagsAt(pos, b)
			}
			for c := cptAt(t, pos, b); c == '\r' || c == '\n'; c = cptAt(t, pos, b) {
				pos++
			}
			add(pos)
			continue
		}

		n := 0
		lastRN := 0
		for t.flagsAt(pos+n, b)&flagSpace != 0 {
			if c := t.cpts[pos+n]; c == '\r' || c == '\n' {
				lastRN = pos + n + 1
			}
			n++
		}
		// \s*[\r\n]+
		if lastRN > 0 {
			pos = lastRN
			add(pos)
			continue
		}
		// \s+(?!\S)
		if n > 1 && cptAt(t, pos+n, b) != outOfRange {
			pos += n - 1
			add(pos)
			continue
		}
		// \s+
		if n > 0 {
			pos += n
			add(pos)
			continue
		}
		pos++
		add(pos)
	}
	return out
}

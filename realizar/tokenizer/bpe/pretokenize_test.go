package bpe

import (
	"encoding/json"
	"errors"
	"os"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

// testdata/pretokenize.json holds, for one pre-tokenizer name of each
// regex set llama.cpp has, the pre-token lengths (in codepoints) of the
// gpt-2 suite's inputs and of random strings over letters, digits,
// punctuation, symbols, marks and whitespace of many scripts. It was made
// by an independent reference, not by this package: llama.cpp's regex
// strings (llama-vocab.cpp, c392e50) rewritten as unicode_regex_split does
// (\p{..} collapsed to category bytes, or whitespace replaced for the
// wide-character path), with \s as the C locale's, and run by the
// backtracking ECMAScript engine github.com/dlclark/regexp2/v2 v2.13.0;
// llama.cpp's own GPT-2 and Llama-3 matchers (which it uses instead of
// those two regexes) agree with that engine on every input. ("gpt-4o" uses
// the regex later llama.cpp versions give it.)
type pretokenizeGolden struct {
	Inputs []string           `json:"inputs"`
	Splits map[string][][]int `json:"splits"`
}

func TestPreTokenizeGolden(t *testing.T) {
	raw, err := os.ReadFile("testdata/pretokenize.json")
	if err != nil {
		t.Fatal(err)
	}
	var g pretokenizeGolden
	if err := json.Unmarshal(raw, &g); err != nil {
		t.Fatal(err)
	}
	if len(g.Splits) == 0 || len(g.Inputs) == 0 {
		t.Fatal("empty golden file")
	}
	covered := map[*preTokenizer]bool{}
	for pre, splits := range g.Splits {
		p, err := lookupPre(pre)
		if err != nil {
			t.Fatal(err)
		}
		covered[p] = true
		if len(splits) != len(g.Inputs) {
			t.Fatalf("%s: %d splits for %d inputs", pre, len(splits), len(g.Inputs))
		}
		fails := 0
		for i, in := range g.Inputs {
			words, err := PreTokenize(pre, in)
			if err != nil {
				t.Fatal(err)
			}
			got := make([]int, len(words))
			for j, w := range words {
				got[j] = utf8.RuneCountInString(w)
			}
			if !slices.Equal(got, splits[i]) && fails < 5 {
				fails++
				t.Errorf("%s %q: got %q (lengths %v), want lengths %v", pre, in, words, got, splits[i])
			}
		}
	}
	// Every name must share its regexes with a name checked above.
	for name, p := range preTypes {
		ok := false
		for q := range covered {
			if sameSplits(p, q) {
				ok = true
			}
		}
		if !ok {
			t.Errorf("pre-tokenizer %q not covered by the golden file", name)
		}
	}
}

func sameSplits(a, b *preTokenizer) bool {
	return len(a.splits) > 0 && len(a.splits) == len(b.splits) && &a.splits[0] == &b.splits[0]
}

func TestUnknownPre(t *testing.T) {
	_, err := New([]string{"a"}, nil, "no-such-pre")
	var upe *UnknownPreError
	if !errors.As(err, &upe) || upe.Pre != "no-such-pre" {
		t.Fatalf("New: got %v, want an *UnknownPreError", err)
	}
	if !strings.Contains(err.Error(), "llama-bpe") || !strings.Contains(err.Error(), "qwen2") {
		t.Errorf("error does not list the known names: %v", err)
	}
	if _, err := PreTokenize("no-such-pre", "x"); !errors.As(err, &upe) {
		t.Errorf("PreTokenize: got %v", err)
	}
	if _, err := New(nil, nil, "gpt-2"); err == nil {
		t.Error("New accepted an empty vocabulary")
	}
	if _, err := New([]string{"a"}, nil, ""); err != nil {
		t.Errorf(`pre "" (absent key) should mean default: %v`, err)
	}
}

// TestLlamaQuirks pins places where llama.cpp's reading of a regex differs
// from a Unicode-aware engine (and so from Hugging Face).
func TestLlamaQuirks(t *testing.T) {
	for _, c := range []struct {
		pre, in string
		want    []string
	}{
		// The collapsed \p{P} and \p{S} leave out '~': "~" alone is not matched
		// by " ?[\p{P}\p{S}]+", so the second '~' pairs with the letters.
		{"deepseek-v3", "~~a", []string{"~", "~a"}},
		// Non-ASCII whitespace is "\v" for std::wregex, so U+3000 is not in
		// deepseek-llm's punctuation range 　-。 nor its CJK range ࠀ-一, but
		// is \s.
		{"deepseek-llm", "\u3000,", []string{"\u3000,"}},
		{"deepseek-llm", "\u3000。", []string{"\u3000", "。"}},
		{"deepseek-llm", "a\u3000", []string{"a", "\u3000"}},
		// Unicode 15.1 letters (CJK Extension I) are \p{L} in llama.cpp's tables.
		{"gpt-2", " \U0002EBF0\U0002EBF1!", []string{" \U0002EBF0\U0002EBF1", "!"}},
		// The Llama-3 matcher splits digit runs in threes.
		{"llama-bpe", "1234567", []string{"123", "456", "7"}},
		// GPT-2's contractions are case-sensitive, Llama-3's are not.
		{"gpt-2", "I'M", []string{"I", "'", "M"}},
		{"llama-bpe", "I'M", []string{"I", "'M"}},
	} {
		got, err := PreTokenize(c.pre, c.in)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(got, c.want) {
			t.Errorf("%s %q: got %q, want %q", c.pre, c.in, got, c.want)
		}
	}
}

func TestUnicodeTables(t *testing.T) {
	ft := loadFlags()
	for _, c := range []struct {
		r    rune
		want uint16
	}{
		{'a', catLetter}, {'5', catNumber}, {'~', catSymbol}, {'!', catPunct}, {' ', catSeparator | flagSpace},
		{'\n', catControl | flagSpace}, {0x85, catControl | flagSpace}, {0xA0, catSeparator | flagSpace},
		{0x301, catMark}, {0x378, catUndefined}, {0xD800, catControl}, {0xE000, catControl},
		{0x2FFC, catSymbol}, {0x31EF, catSymbol}, {0x2EBF0, catLetter}, {0x2EE5D, catLetter}, {0x2EE5E, catUndefined},
		{0x3000, catSeparator | flagSpace}, {0x10FFFF, catUndefined}, {0x110000, catUndefined}, {-1, catUndefined},
	} {
		if got := ft.of(c.r); got != c.want {
			t.Errorf("flags(U+%04X) = %#x, want %#x", c.r, got, c.want)
		}
	}
}

func TestInvalidUTF8(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"a\xffb", "a\uFFFDb"},
		{"\xc3", "\uFFFD"},
		{"\xe4\xb8", "\uFFFD\uFFFD"},
		{"\xc0\x80", "\x00"},             // overlong: the codepoint it spells
		{"\xed\xa0\x80", "\xed\xa0\x80"}, // surrogate kept as written
		{"\xf4\x90\x80\x80", "\uFFFD\uFFFD\uFFFD\uFFFD"},
		{"\xf8\x88\x80\x80\x80", strings.Repeat("\uFFFD", 5)},
	} {
		if got := normalized(c.in); got != c.want {
			t.Errorf("normalized(%q) = %q, want %q", c.in, got, c.want)
		}
		words, err := PreTokenize("gpt-2", c.in)
		if err != nil {
			t.Fatal(err)
		}
		if got := strings.Join(words, ""); got != c.want {
			t.Errorf("PreTokenize(%q) joins to %q, want %q", c.in, got, c.want)
		}
	}
}

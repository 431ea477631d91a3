package bpe

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"

	"github.com/batuta-go/stack/internal/testdata"
)

// fuzzModels: one model per known pre-tokenizer over a small vocabulary
// holding every byte plus some merges, so every text can be encoded.
var fuzzModels = sync.OnceValue(func() map[string]*Model {
	tokens := make([]string, 0, 300)
	for b := 0; b < 256; b++ {
		tokens = append(tokens, string(byteToRune[b]))
	}
	var merges []string
	for _, mg := range []string{"Ġ t", "h e", "Ġt he", "i n", "Ġ a", "e r", "o n", "Ġ w", "Ġw or", "l l", "Ġ Ġ", "ĠĠ ĠĠ", "Ċ Ċ", "1 2", "12 3", "ä ¸", "ä¸ Ń"} {
		merges = append(merges, mg)
		tokens = append(tokens, strings.ReplaceAll(mg, " ", ""))
	}
	models := map[string]*Model{}
	for _, pre := range KnownPre() {
		m, err := New(tokens, merges, pre)
		if err != nil {
			panic(err)
		}
		models[pre] = m
	}
	return models
})

// normalized is text as llama.cpp reads it (invalid sequences replaced).
func normalized(s string) string {
	var b []byte
	for _, r := range decodeRunes(nil, s) {
		b = appendRune(b, r)
	}
	return string(b)
}

func addSeeds(f *testing.F) {
	for _, s := range []string{"", " ", "Hello world", "  Hello\n\n\tworld  ", "I'm 12345 OK'S", "\xff\xfe", "a\xc3", "\xed\xa0\x80", "\xc0\x80", "\xf4\x90\x80\x80", "IMGIMGABZ <sentinel:12>", "你好世界 ١٢٣ ½", "\u3000\u00a0\u2028x"} {
		f.Add(s)
	}
	if dir, err := testdata.Root(); err == nil {
		inps, _ := filepath.Glob(filepath.Join(dir, "tokenizer", "*.gguf.inp"))
		if len(inps) > 0 {
			raw, err := os.ReadFile(inps[0])
			if err == nil {
				for _, s := range strings.Split(string(raw), "\n__ggml_vocab_test__\n") {
					f.Add(s)
				}
			}
		}
	}
}

// FuzzEncode checks, for every pre-tokenizer, that pre-tokens cover the
// text and that decoding the encoding gives the text back (as llama.cpp
// reads it, which is the text itself when it is valid UTF-8).
func FuzzEncode(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, s string) {
		if len(s) > 1<<12 {
			s = s[:1<<12]
		}
		want := normalized(s)
		if utf8.ValidString(s) && want != s {
			t.Fatalf("valid UTF-8 %q read as %q", s, want)
		}
		for pre, m := range fuzzModels() {
			words, err := PreTokenize(pre, s)
			if err != nil {
				t.Fatal(err)
			}
			for _, w := range words {
				if w == "" {
					t.Fatalf("%s: empty pre-token in %q", pre, s)
				}
			}
			if got := strings.Join(words, ""); got != want {
				t.Fatalf("%s: pre-tokens of %q join to %q", pre, s, got)
			}
			var dec []byte
			for _, id := range m.Encode(nil, s) {
				dec = m.Decode(dec, id)
			}
			if !bytes.Equal(dec, []byte(want)) {
				t.Fatalf("%s: Decode(Encode(%q)) = %q", pre, s, dec)
			}
		}
	})
}

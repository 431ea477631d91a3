package tokenizer

import (
	"fmt"
	"maps"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"

	"github.com/batuta-go/stack/internal/testdata"
	"github.com/batuta-go/stack/realizar/gguf"
)

// families loads every vocabulary in the shared data (the tokenizer
// suites' GGUF files and the stories260K model), once per test binary.
var families = sync.OnceValues(func() (map[string]*Tokenizer, error) {
	root, err := testdata.Root()
	if err != nil {
		return nil, err
	}
	paths, err := filepath.Glob(filepath.Join(root, "tokenizer", "*.gguf"))
	if err != nil {
		return nil, err
	}
	paths = append(paths, filepath.Join(root, "models", "stories260K.gguf"))
	out := map[string]*Tokenizer{}
	for _, path := range paths {
		f, err := gguf.Open(path)
		if err != nil {
			return nil, err
		}
		tk, err := FromGGUF(f)
		f.Close()
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		out[strings.TrimPrefix(strings.TrimSuffix(filepath.Base(path), ".gguf"), "ggml-vocab-")] = tk
	}
	return out, nil
})

// firstOfEachKind picks one vocabulary per kind, by name order.
func firstOfEachKind(fam map[string]*Tokenizer) map[string]*Tokenizer {
	names := slices.Sorted(maps.Keys(fam))
	out := map[string]*Tokenizer{}
	seen := map[Kind]bool{}
	for _, n := range names {
		if k := fam[n].Kind(); !seen[k] {
			seen[k] = true
			out[n] = fam[n]
		}
	}
	return out
}

func loadFamilies(tb testing.TB) map[string]*Tokenizer {
	tb.Helper()
	testdata.Dir(tb, "tokenizer") // skips (or fails in CI) when the data is absent
	fam, err := families()
	if err != nil {
		tb.Fatal(err)
	}
	return fam
}

// rawText concatenates the pieces of ids with no clean-up and no leading
// space removed: the exact bytes the tokens stand for.
func (t *Tokenizer) rawText(ids []int32) string {
	var b []byte
	for _, id := range ids {
		b = t.piece(b, id, false)
	}
	return string(b)
}

// checkEncode checks one input against one vocabulary: ids in range, and
// for the lossless kinds the text back from the ids.
func checkEncode(t *testing.T, name string, tk *Tokenizer, text string, addSpecial, parseSpecial bool) {
	ids := tk.Encode(text, addSpecial, parseSpecial)
	for _, id := range ids {
		if !tk.valid(id) {
			t.Fatalf("%s: Encode(%q) gave id %d outside [0,%d)", name, text, id, tk.VocabSize())
		}
	}
	if tk.Kind() == SPM {
		// Word-by-word merging must equal one pass over the whole text.
		var sess spmSession
		esc := strings.ReplaceAll(" "+text, " ", "▁")
		whole := sess.encodeChunk(tk, nil, esc)
		if split := sess.encode(tk, nil, esc); !slices.Equal(whole, split) {
			t.Fatalf("%s: %q: word by word %v, whole text %v", name, text, split, whole)
		}
	}
	// Invalid UTF-8 is split by lead-byte lengths that can swallow the
	// following ▁, as in llama.cpp: not lossless.
	if addSpecial || parseSpecial || !utf8.ValidString(text) {
		return
	}
	// A user-defined token in the text is cut out (and an SPM text after it
	// gets a space prefix of its own), as in llama.cpp: not lossless either.
	if frags := tk.partition(text, false); len(frags) > 1 || len(frags) == 1 && frags[0].tok != none {
		return
	}
	switch tk.Kind() {
	case SPM:
		// Spaces travel as ▁, so a literal ▁ comes back as a space.
		if strings.Contains(text, "▁") {
			return
		}
		if got := tk.Decode(ids); got != text {
			t.Fatalf("%s: Decode(Encode(%q)) = %q (ids %v)", name, text, got, ids)
		}
	case BPE:
		// A byte the vocabulary has no token for is dropped, as in llama.cpp
		// (Falcon lacks some control bytes).
		single := singleBytes(tk)
		for i := 0; i < len(text); i++ {
			if !single[text[i]] {
				return
			}
		}
		if got := tk.rawText(ids); got != text {
			t.Fatalf("%s: pieces of Encode(%q) = %q (ids %v)", name, text, got, ids)
		}
	}
}

func FuzzEncode(f *testing.F) {
	for _, c := range readSuite(f, suites(f)[0]) {
		f.Add(c.text, uint8(0))
	}
	f.Add("<s>Hi</s> [CLS] <|endoftext|>", uint8(3))
	f.Add("emoji 🙂 日本 café\n\t", uint8(1))
	f.Add("\xf0\x9f\x99", uint8(0))
	f.Add("\x15", uint8(0)) // a byte Falcon has no token for
	fam := loadFamilies(f)
	f.Fuzz(func(t *testing.T, text string, flags uint8) {
		if len(text) > 4096 {
			return
		}
		for name, tk := range fam {
			checkEncode(t, name, tk, text, flags&1 != 0, flags&2 != 0)
		}
	})
}

// TestRoundTrip decodes every suite string encoded by every lossless
// vocabulary present.
func TestRoundTrip(t *testing.T) {
	fam := loadFamilies(t)
	var texts []string
	for _, inp := range suites(t)[:1] {
		for _, c := range readSuite(t, inp) {
			texts = append(texts, c.text)
		}
	}
	texts = append(texts, "\xff\xfe invalid \xc3", "a\x00b", "  multiple   spaces  ", "🦙🦙🦙")
	for name, tk := range fam {
		for _, s := range texts {
			checkEncode(t, name, tk, s, false, false)
		}
	}
}

var singleByteCache sync.Map // *Tokenizer → *[256]bool

// singleBytes reports which bytes have a token of their own.
func singleBytes(tk *Tokenizer) *[256]bool {
	if v, ok := singleByteCache.Load(tk); ok {
		return v.(*[256]bool)
	}
	var single [256]bool
	for id := range int32(tk.VocabSize()) {
		if p := tk.Piece(id); len(p) == 1 {
			single[p[0]] = true
		}
	}
	singleByteCache.Store(tk, &single)
	return &single
}

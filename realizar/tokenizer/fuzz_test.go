package tokenizer

import (
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"

	"github.com/batuta-go/stack/internal/testdata"
	"github.com/batuta-go/stack/realizar/gguf"
)

// families loads one vocabulary of each kind present in the shared data,
// once per test binary: stories260K and llama-spm (SPM), bert-bge (WPM),
// gpt-2 (BPE).
var families = sync.OnceValues(func() (map[string]*Tokenizer, error) {
	root, err := testdata.Root()
	if err != nil {
		return nil, err
	}
	out := map[string]*Tokenizer{}
	for name, path := range map[string]string{
		"stories260K": filepath.Join(root, "models", "stories260K.gguf"),
		"llama-spm":   filepath.Join(root, "tokenizer", "ggml-vocab-llama-spm.gguf"),
		"bert-bge":    filepath.Join(root, "tokenizer", "ggml-vocab-bert-bge.gguf"),
		"gpt-2":       filepath.Join(root, "tokenizer", "ggml-vocab-gpt-2.gguf"),
	} {
		f, err := gguf.Open(path)
		if err != nil {
			return nil, err
		}
		tk, err := FromGGUF(f)
		f.Close()
		if err != nil {
			return nil, err
		}
		out[name] = tk
	}
	return out, nil
})

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
		if got := tk.rawText(ids); got != text {
			t.Fatalf("%s: pieces of Encode(%q) = %q (ids %v)", name, text, got, ids)
		}
	}
}

func FuzzEncode(f *testing.F) {
	dir := testdata.Dir(f, "tokenizer")
	inps, _ := filepath.Glob(filepath.Join(dir, "ggml-vocab-llama-spm.gguf.inp"))
	for _, inp := range inps {
		for _, c := range readSuite(f, inp) {
			f.Add(c.text, uint8(0))
		}
	}
	f.Add("<s>Hi</s> [CLS] <|endoftext|>", uint8(3))
	f.Add("emoji 🙂 日本 café\n\t", uint8(1))
	f.Add("\xf0\x9f\x99", uint8(0))
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

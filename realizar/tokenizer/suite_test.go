package tokenizer

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/batuta-go/stack/internal/testdata"
	"github.com/batuta-go/stack/realizar/gguf"
)

// suiteCase is one llama.cpp tokenizer test: an input string and the ids
// the Hugging Face tokenizer gives for it (no special tokens added).
type suiteCase struct {
	text string
	ids  []int32
}

// readSuite reads a ggml-vocab .inp/.out pair.
func readSuite(tb testing.TB, inp string) []suiteCase {
	tb.Helper()
	in, err := os.ReadFile(inp)
	if err != nil {
		tb.Fatal(err)
	}
	out, err := os.ReadFile(strings.TrimSuffix(inp, ".inp") + ".out")
	if err != nil {
		tb.Fatal(err)
	}
	const sep = "\n__ggml_vocab_test__\n"
	texts := strings.Split(string(in), sep)
	if len(texts) < 2 || texts[len(texts)-1] != "" {
		tb.Fatalf("%s: not a list of strings each followed by %q", inp, sep)
	}
	texts = texts[:len(texts)-1]
	lines := strings.Split(strings.TrimSuffix(string(out), "\n"), "\n")
	if len(lines) != len(texts) {
		tb.Fatalf("%s: %d strings but %d lines of ids", inp, len(texts), len(lines))
	}
	cases := make([]suiteCase, len(texts))
	for i, line := range lines {
		cases[i].text = texts[i]
		for _, f := range strings.Fields(line) {
			v, err := strconv.ParseInt(f, 10, 32)
			if err != nil {
				tb.Fatalf("%s line %d: %v", inp, i+1, err)
			}
			cases[i].ids = append(cases[i].ids, int32(v))
		}
	}
	return cases
}

// suites lists the vocabulary test files present.
func suites(tb testing.TB) []string {
	dir := testdata.Dir(tb, "tokenizer")
	inps, err := filepath.Glob(filepath.Join(dir, "*.gguf.inp"))
	if err != nil {
		tb.Fatal(err)
	}
	if len(inps) == 0 {
		tb.Fatalf("no *.gguf.inp files in %s", dir)
	}
	return inps
}

func loadGGUF(tb testing.TB, path string) *Tokenizer {
	tb.Helper()
	f, err := gguf.Open(path)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	tk, err := FromGGUF(f)
	if err != nil {
		tb.Fatalf("%s: %v", filepath.Base(path), err)
	}
	return tk
}

// runSuite checks every case and reports the pass count.
func runSuite(t *testing.T, name string, tk *Tokenizer, cases []suiteCase) {
	t.Helper()
	pass := 0
	for i, c := range cases {
		got := tk.Encode(c.text, false, false)
		if slices.Equal(got, c.ids) {
			pass++
			continue
		}
		t.Errorf("%s case %d %q:\n want %v\n  got %v", name, i+1, c.text, c.ids, got)
	}
	t.Logf("%s: %d/%d cases pass", name, pass, len(cases))
}

func TestVocabSuites(t *testing.T) {
	for _, inp := range suites(t) {
		name := strings.TrimSuffix(filepath.Base(inp), ".gguf.inp")
		t.Run(name, func(t *testing.T) {
			tk := loadGGUF(t, strings.TrimSuffix(inp, ".inp"))
			runSuite(t, name, tk, readSuite(t, inp))
		})
	}
}

// hfSuites pairs each tokenizer/hf folder with its ggml-vocab suite: as
// the folder's README lists them ("## DIR/ — ... — suite: FILE.gguf"), else
// the suite whose GGUF vocabulary has the same tokens in the same order.
func hfSuites(tb testing.TB) map[string]string {
	dir := testdata.Dir(tb, "tokenizer")
	readme, err := os.ReadFile(filepath.Join(dir, "hf", "README.md"))
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		tb.Fatal(err)
	}
	pairs := map[string]string{}
	for line := range strings.Lines(string(readme)) {
		if !strings.HasPrefix(line, "## ") {
			continue
		}
		f := strings.Fields(line)
		i := slices.Index(f, "suite:")
		if i < 0 || i+1 >= len(f) {
			continue
		}
		sub := strings.TrimSuffix(f[1], "/")
		pairs[filepath.Join(dir, "hf", sub)] = filepath.Join(dir, f[i+1]+".inp")
	}
	jsons, err := filepath.Glob(filepath.Join(dir, "hf", "*", "tokenizer.json"))
	if err != nil {
		tb.Fatal(err)
	}
	for _, j := range jsons {
		hf := filepath.Dir(j)
		if _, ok := pairs[hf]; ok {
			continue
		}
		h, err := FromHF(hf)
		if err != nil {
			tb.Fatalf("%s: %v", hf, err)
		}
		for _, inp := range suites(tb) {
			if sameTokens(h, loadGGUF(tb, strings.TrimSuffix(inp, ".inp"))) {
				pairs[hf] = inp
				break
			}
		}
		if _, ok := pairs[hf]; !ok {
			tb.Logf("%s: no suite with the same vocabulary; only its loading is tested", hf)
		}
	}
	if len(jsons) == 0 {
		tb.Fatalf("no tokenizer.json files under %s", filepath.Join(dir, "hf"))
	}
	return pairs
}

func sameTokens(a, b *Tokenizer) bool {
	if a.VocabSize() != b.VocabSize() {
		return false
	}
	for id := range int32(a.VocabSize()) {
		if a.TokenText(id) != b.TokenText(id) {
			return false
		}
	}
	return true
}

func TestHFSuites(t *testing.T) {
	for hf, inp := range hfSuites(t) {
		name := filepath.Base(hf)
		t.Run(name, func(t *testing.T) {
			tk, err := FromHF(hf)
			if err != nil {
				t.Fatal(err)
			}
			runSuite(t, fmt.Sprintf("%s (%s)", name, filepath.Base(inp)), tk, readSuite(t, inp))
		})
	}
}

// TestHFMatchesGGUF loads each tokenizer.json and the GGUF vocabulary made
// from the same upstream tokenizer: same tokens (in llama.cpp's form), same
// attributes, same special tokens and flags.
func TestHFMatchesGGUF(t *testing.T) {
	for hf, inp := range hfSuites(t) {
		t.Run(filepath.Base(hf), func(t *testing.T) {
			h, err := FromHF(hf)
			if err != nil {
				t.Fatal(err)
			}
			g := loadGGUF(t, strings.TrimSuffix(inp, ".inp"))
			if h.Kind() != g.Kind() || h.VocabSize() != g.VocabSize() || h.Pre() != g.Pre() {
				t.Fatalf("HF %v %d tokens pre %q, GGUF %v %d pre %q", h.Kind(), h.VocabSize(), h.Pre(), g.Kind(), g.VocabSize(), g.Pre())
			}
			bad := 0
			const hfOnly = AttrNormalized | AttrSingleWord // GGUF does not carry these
			for id := range int32(g.VocabSize()) {
				if h.TokenText(id) != g.TokenText(id) || h.Attr(id)&^hfOnly != g.Attr(id) {
					if bad++; bad <= 5 {
						t.Errorf("token %d: HF %q %b, GGUF %q %b", id, h.TokenText(id), h.Attr(id), g.TokenText(id), g.Attr(id))
					}
				}
			}
			if bad > 0 {
				t.Errorf("%d tokens differ", bad)
			}
			for _, f := range []struct {
				name string
				get  func(*Tokenizer) (int32, bool)
			}{{"BOS", (*Tokenizer).BOS}, {"EOS", (*Tokenizer).EOS}, {"EOT", (*Tokenizer).EOT}, {"UNK", (*Tokenizer).UNK}, {"SEP", (*Tokenizer).SEP}, {"PAD", (*Tokenizer).PAD}} {
				hi, hok := f.get(h)
				gi, gok := f.get(g)
				if hi != gi || hok != gok {
					t.Errorf("%s: HF %d %v, GGUF %d %v", f.name, hi, hok, gi, gok)
				}
			}
			if h.AddBOS() != g.AddBOS() || h.AddEOS() != g.AddEOS() {
				t.Errorf("AddBOS/AddEOS: HF %v %v, GGUF %v %v", h.AddBOS(), h.AddEOS(), g.AddBOS(), g.AddEOS())
			}
		})
	}
}

package bpe

import (
	"cmp"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/batuta-go/stack/internal/testdata"
	"github.com/batuta-go/stack/realizar/gguf"
)

// userDefinedType is llama.cpp's LLAMA_TOKEN_TYPE_USER_DEFINED.
const userDefinedType = 4

// loadGGUF reads a byte-level BPE vocabulary from a GGUF file, with the
// ids of its user-defined tokens; ok is false when the file's tokenizer is
// not "gpt2" (byte-level BPE).
func loadGGUF(t *testing.T, path string) (m *Model, userDefined map[string]int32, ok bool) {
	t.Helper()
	f, err := gguf.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	model, err := f.String("tokenizer.ggml.model")
	if err != nil {
		t.Fatal(err)
	}
	if model != "gpt2" {
		return nil, nil, false
	}
	tokens, err := f.Strings("tokenizer.ggml.tokens")
	if err != nil {
		t.Fatal(err)
	}
	merges, err := f.Strings("tokenizer.ggml.merges")
	if err != nil {
		t.Fatal(err)
	}
	pre, err := f.String("tokenizer.ggml.pre")
	if err != nil && !errors.Is(err, gguf.ErrKeyNotFound) {
		t.Fatal(err)
	}
	m, err = New(tokens, merges, pre)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	types, err := f.Int32s("tokenizer.ggml.token_type")
	if err != nil && !errors.Is(err, gguf.ErrKeyNotFound) {
		t.Fatal(err)
	}
	userDefined = map[string]int32{}
	for i, ty := range types {
		if ty == userDefinedType && i < len(tokens) {
			userDefined[tokens[i]] = int32(i)
		}
	}
	return m, userDefined, true
}

// partition stands in for the special-token split package tokenizer
// does before BPE (llama.cpp's tokenizer_st_partition): with
// parse_special false only user-defined tokens are split out, longest
// text first, each occurrence left to right. It returns raw fragments and
// token ids in order (a fragment with id -1 is text).
func partition(text string, userDefined map[string]int32) []fragment {
	frags := []fragment{{text: text, id: -1}}
	specials := make([]string, 0, len(userDefined))
	for s := range userDefined {
		specials = append(specials, s)
	}
	slices.SortFunc(specials, func(a, b string) int {
		if c := cmp.Compare(len(b), len(a)); c != 0 {
			return c
		}
		return strings.Compare(a, b)
	})
	for _, sp := range specials {
		var next []fragment
		for _, fr := range frags {
			if fr.id >= 0 {
				next = append(next, fr)
				continue
			}
			rest := fr.text
			for {
				i := strings.Index(rest, sp)
				if i < 0 {
					break
				}
				if i > 0 {
					next = append(next, fragment{text: rest[:i], id: -1})
				}
				next = append(next, fragment{id: userDefined[sp]})
				rest = rest[i+len(sp):]
			}
			if rest != "" {
				next = append(next, fragment{text: rest, id: -1})
			}
		}
		frags = next
	}
	return frags
}

type fragment struct {
	text string
	id   int32
}

// TestSuiteGGUF runs llama.cpp's suite of every byte-level BPE vocabulary
// in the shared test data.
func TestSuiteGGUF(t *testing.T) {
	dir := testdata.Dir(t, "tokenizer")
	inps, err := filepath.Glob(filepath.Join(dir, "*.gguf.inp"))
	if err != nil {
		t.Fatal(err)
	}
	ran := 0
	for _, inp := range inps {
		vocab := strings.TrimSuffix(inp, ".inp")
		name := strings.TrimSuffix(strings.TrimPrefix(filepath.Base(vocab), "ggml-vocab-"), ".gguf")
		t.Run(name, func(t *testing.T) {
			m, userDefined, ok := loadGGUF(t, vocab)
			if !ok {
				t.Skip("not a byte-level BPE vocabulary")
			}
			ran++
			pass := 0
			cases := readSuite(t, inp)
			for i, c := range cases {
				var got []int32
				var split []string
				for _, fr := range partition(c.in, userDefined) {
					if fr.id >= 0 {
						got = append(got, fr.id)
						split = append(split, fmt.Sprintf("[%d]", fr.id))
						continue
					}
					n0 := len(got)
					got = m.Encode(got, fr.text)
					var dec []byte
					for _, id := range got[n0:] {
						dec = m.Decode(dec, id)
					}
					if string(dec) != fr.text {
						t.Errorf("case %d: Decode(Encode(%q)) = %q", i, fr.text, dec)
					}
				}
				if len(split) > 0 {
					// This case depends on the user-defined-token split
					// that package tokenizer does before BPE.
					t.Logf("case %d %q has user-defined tokens %v: checked with the split done first", i, c.in, split)
				}
				if slices.Equal(got, c.want) {
					pass++
				} else {
					t.Errorf("case %d %q:\n got %v\nwant %v", i, c.in, got, c.want)
				}
			}
			t.Logf("%s (pre %q): %d/%d cases exact", name, m.Pre(), pass, len(cases))
		})
	}
	if ran == 0 {
		t.Errorf("no byte-level BPE vocabulary in %s", dir)
	}
}

// loadBenchModel reads the vocabulary and merges of a GGUF file and
// builds a model with the given pre-tokenizer.
func loadBenchModel(b *testing.B, path, pre string) *Model {
	b.Helper()
	f, err := gguf.Open(path)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	tokens, err := f.Strings("tokenizer.ggml.tokens")
	if err != nil {
		b.Fatal(err)
	}
	merges, err := f.Strings("tokenizer.ggml.merges")
	if err != nil {
		b.Fatal(err)
	}
	m, err := New(tokens, merges, pre)
	if err != nil {
		b.Fatal(err)
	}
	return m
}

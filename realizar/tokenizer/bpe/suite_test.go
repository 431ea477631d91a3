package bpe

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/batuta-go/stack/internal/testdata"
)

// suiteCase is one case of llama.cpp's tokenizer suite.
type suiteCase struct {
	in   string
	want []int32
}

// readSuite reads a .inp/.out pair the way llama.cpp's test-tokenizer-0
// does: inputs separated by "\n__ggml_vocab_test__\n", one line of ids
// per input.
func readSuite(t *testing.T, inp string) []suiteCase {
	t.Helper()
	raw, err := os.ReadFile(inp)
	if err != nil {
		t.Fatal(err)
	}
	outRaw, err := os.ReadFile(strings.TrimSuffix(inp, ".inp") + ".out")
	if err != nil {
		t.Fatal(err)
	}
	const sep = "\n__ggml_vocab_test__\n"
	var ins []string
	for s := string(raw); s != ""; {
		i := strings.Index(s, sep)
		if i < 0 {
			ins = append(ins, s)
			break
		}
		ins = append(ins, s[:i])
		s = s[i+len(sep):]
	}
	lines := strings.Split(strings.TrimSuffix(string(outRaw), "\n"), "\n")
	if len(lines) != len(ins) {
		t.Fatalf("%s: %d inputs but %d output lines", inp, len(ins), len(lines))
	}
	cases := make([]suiteCase, len(ins))
	for i, in := range ins {
		cases[i].in = in
		for _, f := range strings.Fields(lines[i]) {
			id, err := strconv.ParseInt(f, 10, 32)
			if err != nil {
				t.Fatalf("%s line %d: %v", inp, i+1, err)
			}
			cases[i].want = append(cases[i].want, int32(id))
		}
	}
	return cases
}

// runSuite encodes every case and reports each difference; it returns
// the number of exact cases.
func runSuite(t *testing.T, m *Model, cases []suiteCase) int {
	t.Helper()
	pass := 0
	for i, c := range cases {
		got := m.Encode(nil, c.in)
		if slices.Equal(got, c.want) {
			pass++
		} else {
			t.Errorf("case %d %q:\n got %v\nwant %v", i, c.in, got, c.want)
		}
		var dec []byte
		for _, id := range got {
			dec = m.Decode(dec, id)
		}
		if !bytes.Equal(dec, []byte(c.in)) {
			t.Errorf("case %d: Decode(Encode(%q)) = %q", i, c.in, dec)
		}
	}
	t.Logf("%d/%d cases exact", pass, len(cases))
	return pass
}

// hfTokenizer is the part of a Hugging Face tokenizer.json a byte-level
// BPE needs.
type hfTokenizer struct {
	Model struct {
		Type   string           `json:"type"`
		Vocab  map[string]int32 `json:"vocab"`
		Merges []string         `json:"merges"`
	} `json:"model"`
	AddedTokens []struct {
		ID      int32  `json:"id"`
		Content string `json:"content"`
	} `json:"added_tokens"`
}

func loadHF(t *testing.T, path, pre string) *Model {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var hf hfTokenizer
	if err := json.Unmarshal(raw, &hf); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	if hf.Model.Type != "" && hf.Model.Type != "BPE" { // old files omit the type
		t.Fatalf("%s: model type %q, want BPE", path, hf.Model.Type)
	}
	n := int32(0)
	for _, id := range hf.Model.Vocab {
		n = max(n, id+1)
	}
	for _, a := range hf.AddedTokens {
		n = max(n, a.ID+1)
	}
	tokens := make([]string, n)
	for s, id := range hf.Model.Vocab {
		tokens[id] = s
	}
	for _, a := range hf.AddedTokens {
		tokens[a.ID] = a.Content
	}
	m, err := New(tokens, hf.Model.Merges, pre)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// TestSuiteHFGPT2 runs the gpt-2 suite on the Hugging Face gpt2
// tokenizer.json (same vocabulary and merges as ggml-vocab-gpt-2.gguf).
func TestSuiteHFGPT2(t *testing.T) {
	dir := testdata.Dir(t, "tokenizer")
	m := loadHF(t, filepath.Join(dir, "hf", "gpt2", "tokenizer.json"), "gpt-2")
	cases := readSuite(t, filepath.Join(dir, "ggml-vocab-gpt-2.gguf.inp"))
	if pass := runSuite(t, m, cases); pass != len(cases) {
		t.Errorf("gpt-2 (tokenizer.json): %d/%d", pass, len(cases))
	}
}

package tokenizer

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/batuta-go/stack/internal/testdata"
	"github.com/batuta-go/stack/realizar/tokenizer/bpe"
)

// writeHF writes a tokenizer.json (and a tokenizer_config.json when cfg is
// not empty) to a new directory.
func writeHF(t *testing.T, tok, cfg string) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "tokenizer.json"), []byte(tok), 0o644); err != nil {
		t.Fatal(err)
	}
	if cfg != "" {
		if err := os.WriteFile(filepath.Join(dir, "tokenizer_config.json"), []byte(cfg), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

const tinyWordPiece = `{
  "added_tokens": [
    {"id": 0, "content": "[PAD]", "special": true},
    {"id": 1, "content": "[UNK]", "special": true},
    {"id": 2, "content": "[CLS]", "special": true},
    {"id": 3, "content": "[SEP]", "special": true},
    {"id": 9, "content": "<x>", "special": false, "rstrip": true}
  ],
  "normalizer": {"type": "BertNormalizer", "clean_text": true, "handle_chinese_chars": true, "strip_accents": null, "lowercase": true},
  "pre_tokenizer": {"type": "BertPreTokenizer"},
  "post_processor": {"type": "TemplateProcessing",
    "single": [{"SpecialToken": {"id": "[CLS]", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}}, {"SpecialToken": {"id": "[SEP]", "type_id": 0}}]},
  "model": {"type": "WordPiece", "unk_token": "[UNK]", "continuing_subword_prefix": "##", "max_input_chars_per_word": 8,
    "vocab": {"[PAD]": 0, "[UNK]": 1, "[CLS]": 2, "[SEP]": 3, "cafe": 4, "##s": 5, "!": 6, "日": 7, "x": 8, "<x>": 9}}
}`

func TestFromHFWordPiece(t *testing.T) {
	dir := writeHF(t, tinyWordPiece, `{"chat_template": [{"name": "tool_use", "template": "T"}, {"name": "default", "template": "D"}]}`)
	tk, err := FromHF(filepath.Join(dir, "tokenizer.json"))
	if err != nil {
		t.Fatal(err)
	}
	if tk.Kind() != WPM || tk.VocabSize() != 10 {
		t.Fatalf("Kind %v, %d tokens", tk.Kind(), tk.VocabSize())
	}
	if tk.TokenText(4) != "▁cafe" || tk.TokenText(5) != "s" || tk.TokenText(2) != "[CLS]" {
		t.Errorf("tokens not in llama.cpp's form: %q %q %q", tk.TokenText(4), tk.TokenText(5), tk.TokenText(2))
	}
	if tk.ChatTemplate() != "D" {
		t.Errorf("ChatTemplate = %q, want the default one", tk.ChatTemplate())
	}
	// Accents stripped, lowercased, punctuation and CJK split, words over
	// 8 characters unknown, [CLS] ... [SEP] around.
	got := tk.Encode("CAFÉS!日 cafexxxxxxxx x<x> x", true, false)
	want := []int32{2, 4, 5, 6, 7, 1, 8, 9, 8, 3}
	if !slices.Equal(got, want) {
		t.Errorf("Encode = %v, want %v", got, want)
	}
	if got := tk.Decode(got); got != "cafes! 日 x<x> x" {
		t.Errorf("Decode = %q", got)
	}
}

func TestFromHFConfig(t *testing.T) {
	cfg := `{"bos_token": {"content": "[CLS]", "lstrip": false}, "eos_token": "[SEP]", "add_bos_token": true, "add_eos_token": true, "chat_template": "{{ x }}"}`
	tk, err := FromHF(writeHF(t, tinyWordPiece, cfg))
	if err != nil {
		t.Fatal(err)
	}
	if id, ok := tk.EOS(); !ok || id != 3 {
		t.Errorf("EOS = %d %v, want 3", id, ok)
	}
	if !tk.IsEOG(3) || !tk.AddEOS() || tk.ChatTemplate() != "{{ x }}" {
		t.Errorf("IsEOG %v AddEOS %v template %q", tk.IsEOG(3), tk.AddEOS(), tk.ChatTemplate())
	}
}

func TestFromHFErrors(t *testing.T) {
	for _, c := range []struct {
		name, tok, cfg, want string
	}{
		{"unigram", `{"model": {"type": "Unigram", "vocab": [["a", 0.0]]}}`, "", `"Unigram"`},
		{"unknown type", `{"model": {"vocab": {}}}`, "", "not recognisable"},
		{"bad json", `{"model": `, "", "unexpected end"},
		{"unknown regex", `{"pre_tokenizer": {"type": "Split", "pattern": {"Regex": "\\w+"}}, "model": {"type": "BPE", "vocab": {"a": 0}, "merges": []}}`, "", `\\w+`},
		{"metaspace merge", `{"pre_tokenizer": {"type": "Metaspace"}, "model": {"type": "BPE", "byte_fallback": true, "vocab": {"a": 0}, "merges": ["aa"]}}`, "", "merges[0]"},
		{"metaspace unk", `{"pre_tokenizer": {"type": "Metaspace"}, "model": {"type": "BPE", "unk_token": "<u>", "vocab": {"a": 0}, "merges": []}}`, "", `"<u>"`},
		{"no pre-tokenizer", `{"model": {"type": "BPE", "vocab": {"a": 0}, "merges": ["a a"]}}`, "", "pre_tokenizer"},
		{"merge pair", `{"pre_tokenizer": {"type": "ByteLevel"}, "model": {"type": "BPE", "vocab": {"a": 0}, "merges": [["a"]]}}`, "", "merges[0]"},
		{"bad id", `{"model": {"type": "WordPiece", "continuing_subword_prefix": "##", "max_input_chars_per_word": 10, "vocab": {"a": -1}}}`, "", `"a"`},
		{"wordpiece normalizer", strings.Replace(tinyWordPiece, `"BertNormalizer"`, `"NFC"`, 1), "", `"NFC"`},
		{"wordpiece template", strings.Replace(tinyWordPiece, `{"SpecialToken": {"id": "[SEP]", "type_id": 0}}]}`, `{"SpecialToken": {"id": "[SEP]", "type_id": 0}}, {"SpecialToken": {"id": "[SEP]", "type_id": 0}}]}`, 1), "", "not [CLS] $A [SEP]"},
		{"config bos", tinyWordPiece, `{"bos_token": "<nope>"}`, `"<nope>"`},
		{"config template", tinyWordPiece, `{"chat_template": 3}`, "chat_template"},
	} {
		_, err := FromHF(writeHF(t, c.tok, c.cfg))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want one containing %s", c.name, err, c.want)
		}
	}
	if _, err := FromHF(filepath.Join(t.TempDir(), "missing")); err == nil {
		t.Error("a missing file loaded")
	}
}

// TestFromHFSentencePiece writes the llama-spm vocabulary the way the
// Hugging Face converter does (merges ordered by the score of the merged
// piece, no scores, ▁ and the space prefix through the normalizer) and runs
// the llama-spm suite through it.
func TestFromHFSentencePiece(t *testing.T) {
	inp := filepath.Join(testdata.Dir(t, "tokenizer"), "ggml-vocab-llama-spm.gguf.inp")
	g := loadGGUF(t, strings.TrimSuffix(inp, ".inp"))
	vocab := map[string]int{}
	var added []map[string]any
	type merge struct {
		a, b  string
		score float32
		id    int
	}
	var merges []merge
	for id := range g.VocabSize() {
		w := g.TokenText(int32(id))
		vocab[w] = id
		if g.Attr(int32(id))&(AttrControl|AttrUnknown) != 0 {
			added = append(added, map[string]any{"id": id, "content": w, "special": true})
		}
	}
	for id := range g.VocabSize() {
		w := g.TokenText(int32(id))
		if g.Attr(int32(id)) != AttrNormal {
			continue
		}
		for k := 1; k < len(w); k++ {
			_, okA := vocab[w[:k]]
			_, okB := vocab[w[k:]]
			if okA && okB {
				merges = append(merges, merge{w[:k], w[k:], g.Score(int32(id)), id})
			}
		}
	}
	slices.SortStableFunc(merges, func(x, y merge) int {
		switch {
		case x.score > y.score:
			return -1
		case x.score < y.score:
			return 1
		}
		return x.id - y.id
	})
	ms := make([]string, len(merges))
	for i, m := range merges {
		ms[i] = m.a + " " + m.b
	}
	doc := map[string]any{
		"added_tokens": added,
		"normalizer": map[string]any{"type": "Sequence", "normalizers": []any{
			map[string]any{"type": "Prepend", "prepend": "▁"},
			map[string]any{"type": "Replace", "pattern": map[string]any{"String": " "}, "content": "▁"},
		}},
		"pre_tokenizer": nil,
		"model": map[string]any{"type": "BPE", "byte_fallback": true, "fuse_unk": true, "unk_token": "<unk>",
			"vocab": vocab, "merges": ms},
	}
	data, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	h, err := FromHF(writeHF(t, string(data), `{"bos_token": "<s>", "eos_token": "</s>", "add_bos_token": true}`))
	if err != nil {
		t.Fatal(err)
	}
	if h.Kind() != SPM || h.VocabSize() != g.VocabSize() {
		t.Fatalf("Kind %v, %d tokens", h.Kind(), h.VocabSize())
	}
	for id := range int32(g.VocabSize()) {
		if h.TokenText(id) != g.TokenText(id) || h.Attr(id) != g.Attr(id) {
			t.Fatalf("token %d: HF %q %b, GGUF %q %b", id, h.TokenText(id), h.Attr(id), g.TokenText(id), g.Attr(id))
		}
	}
	if b, _ := h.BOS(); b != 1 || !h.AddBOS() {
		t.Errorf("BOS %d AddBOS %v", b, h.AddBOS())
	}
	runSuite(t, "llama-spm via tokenizer.json", h, readSuite(t, inp))
}

func FuzzFromHF(f *testing.F) {
	f.Add([]byte(tinyWordPiece), []byte(`{"bos_token": "[CLS]", "chat_template": "x"}`))
	f.Add([]byte(`{"pre_tokenizer": {"type": "ByteLevel"}, "model": {"type": "BPE", "vocab": {"a": 0, "b": 1, "ab": 2, "<|endoftext|>": 3}, "merges": [["a", "b"]]},
		"added_tokens": [{"id": 3, "content": "<|endoftext|>", "special": true}]}`), []byte(`{}`))
	f.Add([]byte(`{"normalizer": {"type": "Sequence", "normalizers": [{"type": "Prepend", "prepend": "▁"}, {"type": "Replace", "pattern": {"String": " "}, "content": "▁"}]},
		"model": {"type": "BPE", "byte_fallback": true, "unk_token": "<unk>", "vocab": {"<unk>": 0, "<0x41>": 1, "▁": 2, "a": 3, "▁a": 4}, "merges": ["▁ a"]}}`), []byte(nil))
	f.Add([]byte(`{"model": {"type": "WordPiece", "vocab": {"a": 16777000}, "continuing_subword_prefix": "##", "max_input_chars_per_word": 5}}`), []byte(nil))
	f.Fuzz(func(t *testing.T, tok, cfg []byte) {
		var c *hfConfig
		if len(cfg) > 0 {
			var err error
			if c, err = parseHFConfig(cfg); err != nil {
				return
			}
		}
		tk, err := parseHF(tok, c)
		if err != nil {
			return
		}
		for _, s := range []string{"", "a b", "Hello, world! 日本 🦙", "<|endoftext|>[CLS]<unk>"} {
			for _, id := range tk.Encode(s, true, true) {
				if !tk.valid(id) {
					t.Fatalf("Encode(%q) gave id %d of %d", s, id, tk.VocabSize())
				}
			}
		}
		tk.Decode([]int32{-1, 0, 1, 2, 3, 1 << 30})
	})
}

func TestHFPreNames(t *testing.T) {
	known := bpe.KnownPre()
	for exprs, name := range hfPreNames {
		if !slices.Contains(known, name) {
			t.Errorf("%q is not a bpe pre-tokenizer", name)
		}
		// As the characters themselves, and written with \r \n escapes.
		for _, form := range []func(string) string{func(s string) string { return s }, escapeControls} {
			var steps []any
			for _, e := range strings.Split(exprs, "\x00") {
				switch {
				case e == gpt2Regex && name != "llama-bpe" && name != "qwen2" && name != "tekken" && name != "gpt-4o":
					steps = append(steps, map[string]any{"type": "ByteLevel", "use_regex": true})
				case e == `\p{N}` && name == "starcoder":
					steps = append(steps, map[string]any{"type": "Digits", "individual_digits": true})
				default:
					steps = append(steps, map[string]any{"type": "Split", "pattern": map[string]any{"Regex": form(e)}, "behavior": "Isolated"})
				}
			}
			steps = append(steps, map[string]any{"type": "ByteLevel", "use_regex": false})
			raw, err := json.Marshal(map[string]any{"type": "Sequence", "pretokenizers": steps})
			if err != nil {
				t.Fatal(err)
			}
			if got, err := hfPre(raw); err != nil || got != name {
				t.Errorf("%s: hfPre = %q, %v", name, got, err)
			}
		}
	}
}

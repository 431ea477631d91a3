package tokenizer

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
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
		{"metaspace", `{"pre_tokenizer": {"type": "Metaspace"}, "model": {"type": "BPE", "byte_fallback": true, "vocab": {"a": 0}, "merges": []}}`, "", "SentencePiece"},
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

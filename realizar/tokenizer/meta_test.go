package tokenizer

import (
	"slices"
	"strings"
	"testing"
)

// mapMeta is GGUF metadata held in a map.
type mapMeta map[string]any

func (m mapMeta) Value(key string) (any, bool) {
	v, ok := m[key]
	return v, ok
}

// tinySPM is a small SentencePiece vocabulary with byte fallback for the
// bytes of "\n", special tokens of every kind, and a few merges.
func tinySPM() mapMeta {
	tokens := []string{"<unk>", "<s>", "</s>", "<0x0A>", "<|im_start|>", "<|im_end|>", "<tool>",
		"▁", "h", "i", "▁h", "▁hi", "o", "▁ho", "<", ">", "x", "▁x"}
	types := []int32{typeUnknown, typeControl, typeControl, typeByte, typeControl, typeControl, typeUserDefined,
		typeNormal, typeNormal, typeNormal, typeNormal, typeNormal, typeNormal, typeNormal, typeNormal, typeNormal, typeNormal, typeNormal}
	scores := make([]float32, len(tokens))
	for i := range scores {
		scores[i] = -float32(i)
	}
	return mapMeta{
		keyModel:     "llama",
		keyTokens:    tokens,
		keyScores:    scores,
		keyTokenType: types,
	}
}

func mustMeta(t *testing.T, m mapMeta) *Tokenizer {
	t.Helper()
	tk, err := fromMetadata(m)
	if err != nil {
		t.Fatal(err)
	}
	return tk
}

func TestMetadataErrors(t *testing.T) {
	for _, c := range []struct {
		name string
		edit func(m mapMeta)
		want string
	}{
		{"t5", func(m mapMeta) { m[keyModel] = "t5" }, `"t5"`},
		{"rwkv", func(m mapMeta) { m[keyModel] = "rwkv" }, `"rwkv"`},
		{"no model", func(m mapMeta) { delete(m, keyModel) }, keyModel},
		{"model type", func(m mapMeta) { m[keyModel] = int32(1) }, keyModel},
		{"no tokens", func(m mapMeta) { delete(m, keyTokens) }, keyTokens},
		{"tokens type", func(m mapMeta) { m[keyTokens] = []int32{1} }, keyTokens},
		{"scores length", func(m mapMeta) { m[keyScores] = []float32{1} }, keyScores},
		{"types length", func(m mapMeta) { m[keyTokenType] = []int32{1} }, keyTokenType},
		{"types type", func(m mapMeta) { m[keyTokenType] = []string{"a"} }, keyTokenType},
		{"bos type", func(m mapMeta) { m["tokenizer.ggml.bos_token_id"] = "1" }, "bos_token_id"},
		{"bos negative", func(m mapMeta) { m["tokenizer.ggml.bos_token_id"] = int32(-1) }, "bos_token_id"},
		{"add_bos type", func(m mapMeta) { m[keyAddBOS] = uint8(1) }, keyAddBOS},
		{"gpt2 without merges", func(m mapMeta) { m[keyModel] = "gpt2" }, keyMerges},
		{"empty vocabulary", func(m mapMeta) {
			m[keyTokens] = []string{}
			delete(m, keyScores)
			delete(m, keyTokenType)
		}, "empty"},
	} {
		m := tinySPM()
		c.edit(m)
		_, err := fromMetadata(m)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want one naming %s", c.name, err, c.want)
		}
	}
}

func TestMetadataDefaults(t *testing.T) {
	tk := mustMeta(t, tinySPM())
	if id, ok := tk.BOS(); !ok || id != 1 {
		t.Errorf("default BOS = %d %v, want 1", id, ok)
	}
	if id, ok := tk.EOS(); !ok || id != 2 {
		t.Errorf("default EOS = %d %v, want 2", id, ok)
	}
	if !tk.AddBOS() || tk.AddEOS() {
		t.Errorf("SPM defaults: AddBOS %v AddEOS %v", tk.AddBOS(), tk.AddEOS())
	}
	// <|im_end|> is found by its text: end of turn and end of generation.
	if id, ok := tk.EOT(); !ok || id != 5 || !tk.IsEOG(5) {
		t.Errorf("EOT = %d %v", id, ok)
	}

	m := tinySPM()
	m["tokenizer.ggml.bos_token_id"] = uint32(4)
	m["tokenizer.ggml.eos_token_id"] = uint32(999) // out of range: the default stays
	m[keyAddBOS] = false
	m[keyAddEOS] = true
	m[keyAddSpacePrefix] = false
	m[keyChatTemplate] = "{{ messages }}"
	tk = mustMeta(t, m)
	if id, _ := tk.BOS(); id != 4 {
		t.Errorf("BOS = %d, want 4", id)
	}
	if id, _ := tk.EOS(); id != 2 {
		t.Errorf("EOS = %d, want the default 2", id)
	}
	if got := tk.Encode("hi", true, false); !slices.Equal(got, []int32{8, 9, 2}) {
		t.Errorf("no BOS, EOS, no space prefix: %v, want [8 9 2]", got)
	}
	if tk.ChatTemplate() != "{{ messages }}" {
		t.Errorf("ChatTemplate = %q", tk.ChatTemplate())
	}
}

func TestPartition(t *testing.T) {
	tk := mustMeta(t, tinySPM())
	hi := tk.Encode("hi", false, false)
	if !slices.Equal(hi, []int32{11}) {
		t.Fatalf("hi = %v, want [11]", hi)
	}
	// User-defined tokens split the text even without parseSpecial.
	if got := tk.Encode("hi<tool>hi", false, false); !slices.Equal(got, []int32{11, 6, 11}) {
		t.Errorf("user-defined: %v, want [11 6 11]", got)
	}
	// Control tokens are text unless parsed; after one, the space prefix
	// comes back.
	if got := tk.Encode("<|im_start|>hi", false, true); !slices.Equal(got, []int32{4, 11}) {
		t.Errorf("parsed control: %v, want [4 11]", got)
	}
	if got := tk.Encode("<s>", false, false); slices.Contains(got, 1) {
		t.Errorf("unparsed <s> gave BOS: %v", got)
	}
	// rstrip swallows the whitespace after the token, lstrip before it.
	tk.entries[4].attr |= AttrRStrip
	tk.entries[5].attr |= AttrLStrip
	if got := tk.Encode("<|im_start|> \n hi \t<|im_end|>", false, true); !slices.Equal(got, []int32{4, 11, 5}) {
		t.Errorf("lstrip/rstrip: %v, want [4 11 5]", got)
	}
	// Byte fallback for a character the vocabulary lacks: "\n" by its byte
	// token, "é" (no byte tokens) as <unk> per byte.
	if got := tk.Encode("hi\n", false, false); !slices.Equal(got, []int32{11, 3}) {
		t.Errorf("byte fallback: %v, want [11 3]", got)
	}
	if got := tk.Encode("é", false, false); !slices.Equal(got, []int32{7, 0, 0}) {
		t.Errorf("missing bytes: %v, want [7 0 0]", got)
	}
	if got := tk.Decode([]int32{11, 3, 1, 0, 4}); got != "hi\n" {
		t.Errorf("Decode = %q, want %q", got, "hi\n")
	}
	if got := tk.Piece(4); got != "<|im_start|>" {
		t.Errorf("Piece(control) = %q", got)
	}
}

func TestWordPieceDecode(t *testing.T) {
	m := mapMeta{
		keyModel:  "bert",
		keyTokens: []string{"[PAD]", "[UNK]", "[CLS]", "[SEP]", "▁hello", "▁,", "▁world", "ing", "▁'", "▁s", "▁it"},
		keyTokenType: []int32{typeControl, typeUnknown, typeControl, typeControl, typeNormal, typeNormal, typeNormal,
			typeNormal, typeNormal, typeNormal, typeNormal},
		"tokenizer.ggml.bos_token_id":        uint32(2),
		"tokenizer.ggml.seperator_token_id":  uint32(3),
		"tokenizer.ggml.unknown_token_id":    uint32(1),
		"tokenizer.ggml.padding_token_id":    uint32(0),
		"tokenizer.ggml.cls_token_id":        uint32(2),
		"tokenizer.ggml.mask_token_id":       uint32(999),
		"tokenizer.ggml.token_type_count":    uint32(2),
		"tokenizer.ggml.add_space_prefix":    false,
		"tokenizer.ggml.remove_extra_spaces": true,
	}
	tk := mustMeta(t, m)
	ids := tk.Encode("Hello, WORLDing xyz it's", true, false)
	want := []int32{2, 4, 5, 6, 7, 1, 10, 8, 9, 3}
	if !slices.Equal(ids, want) {
		t.Fatalf("Encode = %v, want %v", ids, want)
	}
	if got := tk.Decode(ids); got != "hello, worlding it's" {
		t.Errorf("Decode = %q", got)
	}
}

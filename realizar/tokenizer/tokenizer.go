package tokenizer

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/batuta-go/stack/realizar/tokenizer/bpe"
)

// Kind is the tokenization algorithm of a vocabulary.
type Kind int

// The vocabulary kinds, named after llama.cpp's vocabulary types.
const (
	SPM Kind = iota + 1 // SentencePiece BPE: score-ordered merges, byte fallback (tokenizer.ggml.model "llama")
	BPE                 // byte-level BPE with a regex pre-tokenizer ("gpt2")
	WPM                 // WordPiece, BERT ("bert")
)

// String returns the llama.cpp name of the kind.
func (k Kind) String() string {
	switch k {
	case SPM:
		return "SPM"
	case BPE:
		return "BPE"
	case WPM:
		return "WPM"
	}
	return "Kind(" + strconv.Itoa(int(k)) + ")"
}

// none marks an absent special token id.
const none int32 = -1

type entry struct {
	text  string
	score float32
	attr  Attr
}

// Tokenizer converts text to token ids and back, exactly as llama.cpp does
// for the same vocabulary. It is safe for concurrent use.
type Tokenizer struct {
	kind    Kind
	pre     string
	entries []entry
	ids     map[string]int32
	maxLen  int // longest token text in bytes
	bpe     *bpe.Model
	wpm     wpmOptions
	bytes   [256]int32      // SPM byte-fallback token of each byte, none when missing
	spmJoin map[string]bool // SPM: the 1-4 byte strings that precede a ▁ inside some token

	bos, eos, unk, sep, pad, eot, eom int32
	eog                               map[int32]bool

	addBOS, addEOS, addSpacePrefix, cleanSpaces bool

	specials     []int32  // control, user-defined and unknown tokens, longest text first
	pieces       []string // each token as printed with special tokens shown
	chatTemplate string
}

// spec is a vocabulary as read from a file, before llama.cpp's defaults
// and fix-ups are applied.
type spec struct {
	model  string // tokenizer.ggml.model: "llama", "gpt2", "bert"
	pre    string // tokenizer.ggml.pre
	name   string // general.name (a few per-model attribute rules key on it)
	tokens []string
	scores []float32 // nil: all zero
	types  []int32   // nil: all normal
	merges []string

	special map[string]int64 // "bos", "eos", ... → id, only those the file gives

	addBOS, addEOS, addSpacePrefix *bool

	extraAttr    map[int32]Attr // attributes beyond the token type (HF lstrip/rstrip)
	wpm          wpmOptions
	chatTemplate string
}

// Special-token names used in spec.special.
var specialNames = []string{"bos", "eos", "eot", "eom", "unk", "sep", "pad", "mask",
	"fim_pre", "fim_suf", "fim_mid", "fim_pad", "fim_rep", "fim_sep"}

func newTokenizer(s *spec) (*Tokenizer, error) {
	n := len(s.tokens)
	if n == 0 {
		return nil, fmt.Errorf("empty vocabulary")
	}
	if n > 1<<31-1 {
		return nil, fmt.Errorf("vocabulary of %d tokens is too large", n)
	}
	if s.scores != nil && len(s.scores) != n {
		return nil, fmt.Errorf("%d scores for %d tokens", len(s.scores), n)
	}
	if s.types != nil && len(s.types) != n {
		return nil, fmt.Errorf("%d token types for %d tokens", len(s.types), n)
	}
	t := &Tokenizer{pre: s.pre, chatTemplate: s.chatTemplate, wpm: s.wpm}
	ids := map[string]int64{}
	for _, k := range specialNames {
		ids[k] = int64(none)
	}
	switch s.model {
	case "llama":
		t.kind = SPM
		ids["bos"], ids["eos"], ids["unk"] = 1, 2, 0
		t.addSpacePrefix, t.addBOS = true, true
	case "bert":
		t.kind = WPM
		ids["bos"], ids["unk"], ids["sep"], ids["pad"], ids["mask"] = 101, 100, 102, 0, 103
		t.cleanSpaces, t.addBOS = true, true
	case "gpt2":
		t.kind = BPE
		ids["bos"], ids["eos"] = 11, 11
		t.cleanSpaces = true
		if t.pre == "" {
			t.pre = "default"
		}
		switch t.pre {
		case "llama3", "llama-v3", "llama-bpe", "falcon3", "tekken":
			t.addBOS = true
		case "chameleon":
			t.addBOS = true
		case "chatglm-bpe":
			ids["bos"] = int64(none)
		}
		switch t.pre {
		case "deepseek-llm", "deepseek-coder", "deepseek-v3", "command-r", "qwen2", "deepseek-r1-qwen",
			"poro-chat", "viking", "tekken", "smollm", "chameleon":
			t.cleanSpaces = false
		}
	case "":
		return nil, fmt.Errorf("no tokenizer model (tokenizer.ggml.model) given")
	default:
		return nil, fmt.Errorf("unsupported tokenizer model %q (supported: llama, gpt2, bert)", s.model)
	}
	if s.addSpacePrefix != nil {
		t.addSpacePrefix = *s.addSpacePrefix
	}

	t.entries = make([]entry, n)
	t.ids = make(map[string]int32, n)
	for i, w := range s.tokens {
		if w == "" {
			w = "[EMPTY_" + strconv.Itoa(i) + "]"
		}
		e := &t.entries[i]
		e.text = w
		e.attr = AttrNormal
		if s.scores != nil {
			e.score = s.scores[i]
		}
		if s.types != nil {
			e.attr = attrFromType(s.types[i])
		}
		t.ids[w] = int32(i) // a repeated text maps to its last id, as in llama.cpp
		t.maxLen = max(t.maxLen, len(w))
	}

	if t.kind == BPE {
		m, err := bpe.New(s.tokens, s.merges, t.pre)
		if err != nil {
			return nil, fmt.Errorf("byte-level BPE (pre-tokenizer %q): %w", t.pre, err)
		}
		t.bpe = m
	}
	if t.kind == SPM {
		for b := range 256 {
			t.bytes[b] = t.spmByteToken(byte(b))
		}
		t.spmJoin = map[string]bool{}
		for _, e := range t.entries {
			w := e.text
			for k := 1; k < len(w); k++ {
				if strings.HasPrefix(w[k:], "▁") {
					for n := 1; n <= min(k, 4); n++ {
						t.spmJoin[w[k-n:k]] = true
					}
				}
			}
		}
	}

	for _, k := range specialNames {
		if v, ok := s.special[k]; ok && v >= 0 && v < int64(n) {
			ids[k] = v
		}
	}
	if s.addBOS != nil {
		t.addBOS = *s.addBOS
	}
	if s.addEOS != nil {
		t.addEOS = *s.addEOS
	}
	id := func(k string) int32 {
		v := ids[k]
		if v < 0 || v >= int64(n) {
			return none
		}
		return int32(v)
	}
	t.bos, t.eos, t.unk, t.sep, t.pad = id("bos"), id("eos"), id("unk"), id("sep"), id("pad")
	t.eot, t.eom = id("eot"), id("eom")
	fim := [6]int32{id("fim_pre"), id("fim_suf"), id("fim_mid"), id("fim_pad"), id("fim_rep"), id("fim_sep")}

	// Find end-of-turn and fill-in-the-middle tokens by their text when the
	// file does not name them, and make them control tokens, as llama.cpp
	// does. llama.cpp walks a hash map, so which of several candidates wins
	// is unspecified there; here the lowest id wins.
	detect := func(dst *int32, texts ...string) {
		if *dst != none {
			return
		}
		best := none
		for _, w := range texts {
			if i, ok := t.ids[w]; ok && (best == none || i < best) {
				best = i
			}
		}
		if best != none {
			*dst = best
			t.entries[best].attr |= AttrControl
		}
	}
	detect(&t.eot, "<|eot_id|>", "<|im_end|>", "<|end|>", "<end_of_turn>", "<|endoftext|>", "<EOT>", "<｜end▁of▁sentence｜>")
	detect(&t.eom, "<|eom_id|>")
	detect(&fim[0], "<|fim_prefix|>", "<fim-prefix>", "<｜fim▁begin｜>", "<PRE>")
	detect(&fim[1], "<|fim_suffix|>", "<fim-suffix>", "<｜fim▁hole｜>", "<SUF>")
	detect(&fim[2], "<|fim_middle|>", "<fim-middle>", "<｜fim▁end｜>", "<MID>")
	detect(&fim[3], "<|fim_pad|>", "<fim-pad>", "<PAD>")
	detect(&fim[4], "<|fim_repo|>", "<|repo_name|>", "<fim-repo>", "<REPO>")
	detect(&fim[5], "<|file_sep|>")

	t.eog = map[int32]bool{}
	for _, f := range fim[3:] {
		if f != none {
			t.eog[f] = true
		}
	}
	for _, w := range []string{"<|eot_id|>", "<|im_end|>", "<|end|>", "<end_of_turn>", "<|endoftext|>", "<|eom_id|>", "<EOT>"} {
		if i, ok := t.ids[w]; ok {
			t.eog[i] = true
			t.entries[i].attr |= AttrControl
		}
	}
	for _, e := range []int32{t.eos, t.eot, t.eom} {
		if e != none {
			t.eog[e] = true
		}
	}

	for i := range t.entries {
		if t.entries[i].attr&(AttrControl|AttrUserDefined|AttrUnknown) != 0 {
			t.specials = append(t.specials, int32(i))
		}
	}
	slices.SortStableFunc(t.specials, func(a, b int32) int {
		return len(t.entries[b].text) - len(t.entries[a].text)
	})

	t.pieces = make([]string, n)
	for i := range t.entries {
		t.pieces[i] = string(t.piece(nil, int32(i), true))
	}

	// Per-model attribute rules llama.cpp applies after building its caches.
	name := strings.ToLower(s.name)
	switch {
	case strings.Contains(t.pre, "jina-v2-de") || strings.Contains(t.pre, "jina-v2-es") || strings.Contains(t.pre, "jina-v2-code"):
		if i, ok := t.ids["<mask>"]; ok {
			t.entries[i].attr |= AttrLStrip
		}
	case strings.Contains(name, "phi-3") || strings.Contains(name, "phi3"):
		for _, i := range t.specials {
			t.entries[i].attr |= AttrRStrip
		}
		if i, ok := t.ids["</s>"]; ok {
			t.entries[i].attr |= AttrRStrip
		}
		for _, w := range []string{"<unk>", "<s>", "<|endoftext|>"} {
			if i, ok := t.ids[w]; ok {
				t.entries[i].attr &^= AttrRStrip
			}
		}
	}
	for i, a := range s.extraAttr {
		if i >= 0 && int(i) < n {
			t.entries[i].attr |= a
		}
	}
	return t, nil
}

// spmByteToken is the token of byte b in an SPM vocabulary: "<0xXX>", else
// the one-byte text itself, else none.
func (t *Tokenizer) spmByteToken(b byte) int32 {
	const hex = "0123456789ABCDEF"
	if i, ok := t.ids[string([]byte{'<', '0', 'x', hex[b>>4], hex[b&15], '>'})]; ok {
		return i
	}
	if i, ok := t.ids[string([]byte{b})]; ok {
		return i
	}
	return none
}

// Kind returns the tokenization algorithm.
func (t *Tokenizer) Kind() Kind { return t.kind }

// Pre returns the byte-level BPE pre-tokenizer name ("" for SPM and WPM).
func (t *Tokenizer) Pre() string {
	if t.kind != BPE {
		return ""
	}
	return t.pre
}

// VocabSize returns the number of tokens.
func (t *Tokenizer) VocabSize() int { return len(t.entries) }

func (t *Tokenizer) valid(id int32) bool { return id >= 0 && int(id) < len(t.entries) }

func opt(id int32) (int32, bool) { return id, id != none }

// BOS returns the beginning-of-sequence token, if the vocabulary has one.
func (t *Tokenizer) BOS() (int32, bool) { return opt(t.bos) }

// EOS returns the end-of-sequence token, if the vocabulary has one.
func (t *Tokenizer) EOS() (int32, bool) { return opt(t.eos) }

// EOT returns the end-of-turn token, if the vocabulary has one.
func (t *Tokenizer) EOT() (int32, bool) { return opt(t.eot) }

// UNK returns the unknown token, if the vocabulary has one.
func (t *Tokenizer) UNK() (int32, bool) { return opt(t.unk) }

// SEP returns the separator token (BERT's [SEP]), if the vocabulary has one.
func (t *Tokenizer) SEP() (int32, bool) { return opt(t.sep) }

// PAD returns the padding token, if the vocabulary has one.
func (t *Tokenizer) PAD() (int32, bool) { return opt(t.pad) }

// AddBOS reports whether Encode with addSpecial prepends BOS.
func (t *Tokenizer) AddBOS() bool { return t.addBOS || t.kind == WPM }

// AddEOS reports whether Encode with addSpecial appends EOS.
func (t *Tokenizer) AddEOS() bool { return t.addEOS }

// IsEOG reports whether id ends generation: EOS, EOT, EOM and the tokens
// llama.cpp recognises by their text (<|im_end|>, <|eot_id|>,
// <end_of_turn>, <|endoftext|>, ...).
func (t *Tokenizer) IsEOG(id int32) bool { return t.eog[id] }

// IsControl reports whether id is a control token (BOS, EOS, chat markers).
func (t *Tokenizer) IsControl(id int32) bool {
	return t.valid(id) && t.entries[id].attr&AttrControl != 0
}

// Attr returns the attributes of token id (0 when out of range).
func (t *Tokenizer) Attr(id int32) Attr {
	if !t.valid(id) {
		return 0
	}
	return t.entries[id].attr
}

// Score returns the SentencePiece score of token id (0 when absent).
func (t *Tokenizer) Score(id int32) float32 {
	if !t.valid(id) {
		return 0
	}
	return t.entries[id].score
}

// ChatTemplate returns the model's chat template (tokenizer.chat_template,
// or tokenizer_config.json's chat_template), "" when there is none.
func (t *Tokenizer) ChatTemplate() string { return t.chatTemplate }

// TokenText returns the raw vocabulary string of id ("" when out of
// range), e.g. "▁Once", "<s>", "<0x0A>", "Ġthe".
func (t *Tokenizer) TokenText(id int32) string {
	if !t.valid(id) {
		return ""
	}
	return t.entries[id].text
}

// TokenID returns the id of a vocabulary string.
func (t *Tokenizer) TokenID(text string) (int32, bool) {
	i, ok := t.ids[text]
	return i, ok
}

package tokenizer

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

// hfFile is the part of a Hugging Face tokenizer.json the loader reads.
type hfFile struct {
	AddedTokens   []hfAddedToken  `json:"added_tokens"`
	Normalizer    json.RawMessage `json:"normalizer"`
	PreTokenizer  json.RawMessage `json:"pre_tokenizer"`
	PostProcessor json.RawMessage `json:"post_processor"`
	Model         struct {
		Type                    string          `json:"type"`
		Vocab                   json.RawMessage `json:"vocab"`
		Merges                  json.RawMessage `json:"merges"`
		UnkToken                *string         `json:"unk_token"`
		ContinuingSubwordPrefix *string         `json:"continuing_subword_prefix"`
		MaxInputCharsPerWord    int             `json:"max_input_chars_per_word"`
		ByteFallback            bool            `json:"byte_fallback"`
	} `json:"model"`
}

type hfAddedToken struct {
	ID         int64  `json:"id"`
	Content    string `json:"content"`
	Special    bool   `json:"special"`
	LStrip     bool   `json:"lstrip"`
	RStrip     bool   `json:"rstrip"`
	Normalized bool   `json:"normalized"`
	SingleWord bool   `json:"single_word"`
}

// hfNode is any normalizer, pre-tokenizer or post-processor object.
type hfNode struct {
	Type          string          `json:"type"`
	UseRegex      *bool           `json:"use_regex"`
	Individual    bool            `json:"individual_digits"`
	Pattern       hfPattern       `json:"pattern"`
	Pretokenizers []hfNode        `json:"pretokenizers"`
	Normalizers   []hfNode        `json:"normalizers"`
	Processors    []hfNode        `json:"processors"`
	Lowercase     *bool           `json:"lowercase"`
	StripAccents  *bool           `json:"strip_accents"`
	ChineseChars  *bool           `json:"handle_chinese_chars"`
	Single        []hfTemplateRef `json:"single"`
	Cls           []any           `json:"cls"`
	Sep           []any           `json:"sep"`
	Prepend       *string         `json:"prepend"`
	Content       *string         `json:"content"`
	Replacement   *string         `json:"replacement"`
	PrependScheme *string         `json:"prepend_scheme"`
	AddPrefix     *bool           `json:"add_prefix_space"`
}

type hfPattern struct {
	Regex  *string `json:"Regex"`
	String *string `json:"String"`
}

type hfTemplateRef struct {
	SpecialToken *struct {
		ID string `json:"id"`
	} `json:"SpecialToken"`
	Sequence *struct {
		ID string `json:"id"`
	} `json:"Sequence"`
}

// FromHF builds a tokenizer from a Hugging Face tokenizer.json: path is the
// file or the directory holding it. A tokenizer_config.json beside it adds
// the chat template, the BOS/EOS tokens and add_bos_token/add_eos_token.
//
// Supported models: byte-level BPE (GPT-2 style; the pre-tokenizer is
// recognised from its regular expressions and mapped to the bpe package's
// name for it), SentencePiece-style BPE (Llama: ▁ for spaces, byte
// fallback; run as the GGUF "llama" tokenizer) and WordPiece (BERT:
// BertNormalizer options, [CLS] ... [SEP] added by Encode's addSpecial).
// Unigram and an unrecognised pre-tokenizer regex are errors naming what
// was found. Added tokens keep their special flag (special: control,
// otherwise user-defined), lstrip, rstrip and normalized; like llama.cpp,
// they are matched in the raw text.
func FromHF(path string) (*Tokenizer, error) {
	file := path
	if st, err := os.Stat(path); err == nil && st.IsDir() {
		file = filepath.Join(path, "tokenizer.json")
	}
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, fmt.Errorf("tokenizer: %w", err)
	}
	var cfg *hfConfig
	cfgPath := filepath.Join(filepath.Dir(file), "tokenizer_config.json")
	if c, err := os.ReadFile(cfgPath); err == nil {
		if cfg, err = parseHFConfig(c); err != nil {
			return nil, fmt.Errorf("tokenizer: %s: %w", cfgPath, err)
		}
	} else if !errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("tokenizer: %w", err)
	}
	t, err := parseHF(data, cfg)
	if err != nil {
		return nil, fmt.Errorf("tokenizer: %s: %w", file, err)
	}
	return t, nil
}

// hfConfig is the part of tokenizer_config.json the loader reads.
type hfConfig struct {
	chatTemplate           string
	bos, eos, unk, pad     string
	addBOS, addEOS         *bool
	hasBOS, hasEOS, hasUNK bool
}

func parseHFConfig(data []byte) (*hfConfig, error) {
	var raw struct {
		ChatTemplate json.RawMessage `json:"chat_template"`
		BOS          json.RawMessage `json:"bos_token"`
		EOS          json.RawMessage `json:"eos_token"`
		UNK          json.RawMessage `json:"unk_token"`
		PAD          json.RawMessage `json:"pad_token"`
		AddBOS       *bool           `json:"add_bos_token"`
		AddEOS       *bool           `json:"add_eos_token"`
	}
	if err := json.Unmarshal(data, &raw); err != nil {
		return nil, err
	}
	c := &hfConfig{addBOS: raw.AddBOS, addEOS: raw.AddEOS}
	var err error
	if c.chatTemplate, err = chatTemplate(raw.ChatTemplate); err != nil {
		return nil, fmt.Errorf("chat_template: %w", err)
	}
	for _, f := range []struct {
		name string
		raw  json.RawMessage
		dst  *string
		has  *bool
	}{{"bos_token", raw.BOS, &c.bos, &c.hasBOS}, {"eos_token", raw.EOS, &c.eos, &c.hasEOS},
		{"unk_token", raw.UNK, &c.unk, &c.hasUNK}, {"pad_token", raw.PAD, &c.pad, new(bool)}} {
		s, ok, err := tokenContent(f.raw)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", f.name, err)
		}
		*f.dst, *f.has = s, ok
	}
	return c, nil
}

// chatTemplate reads a chat_template: a string, or a list of named
// templates of which the one named "default" is taken.
func chatTemplate(raw json.RawMessage) (string, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return "", nil
	}
	var s string
	if err := json.Unmarshal(raw, &s); err == nil {
		return s, nil
	}
	var list []struct {
		Name     string `json:"name"`
		Template string `json:"template"`
	}
	if err := json.Unmarshal(raw, &list); err != nil {
		return "", errors.New("neither a string nor a list of {name, template}")
	}
	for _, e := range list {
		if e.Name == "default" {
			return e.Template, nil
		}
	}
	if len(list) > 0 {
		return list[0].Template, nil
	}
	return "", nil
}

// tokenContent reads a special token given as a string or as an added
// token object {"content": ...}; null means absent.
func tokenContent(raw json.RawMessage) (string, bool, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return "", false, nil
	}
	var s string
	if err := json.Unmarshal(raw, &s); err == nil {
		return s, true, nil
	}
	var obj struct {
		Content *string `json:"content"`
	}
	if err := json.Unmarshal(raw, &obj); err != nil || obj.Content == nil {
		return "", false, errors.New("neither a string nor an object with content")
	}
	return *obj.Content, true, nil
}

func parseHF(data []byte, cfg *hfConfig) (*Tokenizer, error) {
	var f hfFile
	if err := json.Unmarshal(data, &f); err != nil {
		return nil, err
	}
	kind := f.Model.Type
	if kind == "" { // files written by older tokenizers versions omit it
		switch {
		case len(f.Model.Merges) > 0:
			kind = "BPE"
		case f.Model.ContinuingSubwordPrefix != nil && f.Model.MaxInputCharsPerWord > 0:
			kind = "WordPiece"
		}
	}
	s := &spec{special: map[string]int64{}, extraAttr: map[int32]Attr{}}
	var err error
	switch kind {
	case "BPE":
		err = hfBPE(&f, s)
	case "WordPiece":
		err = hfWordPiece(&f, s)
	case "":
		return nil, errors.New("model type not given and not recognisable")
	default:
		return nil, fmt.Errorf("model type %q is not supported (supported: BPE (byte-level), WordPiece)", kind)
	}
	if err != nil {
		return nil, err
	}
	if err := hfAdded(&f, s); err != nil {
		return nil, err
	}
	if u, ok := s.special["unk"]; ok && s.model == "llama" {
		s.types[u] = typeUnknown // SentencePiece's <unk> is not a control token
	}
	if cfg != nil {
		s.chatTemplate = cfg.chatTemplate
		s.addBOS, s.addEOS = cfg.addBOS, cfg.addEOS
		for _, c := range []struct {
			name, text string
			has        bool
		}{{"bos", cfg.bos, cfg.hasBOS}, {"eos", cfg.eos, cfg.hasEOS}, {"unk", cfg.unk, cfg.hasUNK}, {"pad", cfg.pad, cfg.pad != ""}} {
			if !c.has {
				continue
			}
			i := slices.Index(s.tokens, c.text)
			if i < 0 {
				return nil, fmt.Errorf("tokenizer_config.json: %s_token %q is not in the vocabulary", c.name, c.text)
			}
			s.special[c.name] = int64(i)
		}
	}
	return newTokenizer(s)
}

// vocabList turns a {"token": id} map into the id-ordered token list;
// ids missing from the map (below the largest) become unused placeholders.
func vocabList(raw json.RawMessage, extra []hfAddedToken) ([]string, []int32, error) {
	var vocab map[string]int64
	if err := json.Unmarshal(raw, &vocab); err != nil {
		return nil, nil, fmt.Errorf("model.vocab: %w", err)
	}
	n := int64(0)
	for w, id := range vocab {
		if id < 0 || id >= 1<<24 {
			return nil, nil, fmt.Errorf("model.vocab: token %q has id %d", w, id)
		}
		n = max(n, id+1)
	}
	for _, a := range extra {
		if a.ID < 0 || a.ID >= 1<<24 {
			return nil, nil, fmt.Errorf("added_tokens: %q has id %d", a.Content, a.ID)
		}
		n = max(n, a.ID+1)
	}
	// Ids are dense in real files; a few gaps are tolerated, a sparse id
	// space (a hostile file asking for a huge table) is not.
	if entries := int64(len(vocab) + len(extra)); n > entries+1024 {
		return nil, nil, fmt.Errorf("model.vocab: largest id %d for %d tokens", n-1, entries)
	}
	tokens := make([]string, n)
	types := make([]int32, n)
	for w, id := range vocab {
		tokens[id] = w
		types[id] = typeNormal
	}
	for i := range tokens {
		if types[i] == 0 {
			tokens[i] = "[PAD" + strconv.Itoa(i) + "]"
			types[i] = typeUnused
		}
	}
	return tokens, types, nil
}

// hfAdded applies added_tokens: special ones become control tokens, the
// others user-defined; lstrip/rstrip carry over.
func hfAdded(f *hfFile, s *spec) error {
	for _, a := range f.AddedTokens {
		if a.Content == "" {
			return fmt.Errorf("added_tokens: id %d has empty content", a.ID)
		}
		i := a.ID
		s.tokens[i] = a.Content
		switch {
		case a.Special:
			s.types[i] = typeControl
		default:
			s.types[i] = typeUserDefined
		}
		var at Attr
		if a.LStrip {
			at |= AttrLStrip
		}
		if a.RStrip {
			at |= AttrRStrip
		}
		if a.Normalized {
			at |= AttrNormalized
		}
		if a.SingleWord {
			at |= AttrSingleWord
		}
		if at != 0 {
			s.extraAttr[int32(i)] = at
		}
	}
	return nil
}

func hfBPE(f *hfFile, s *spec) error {
	s.model = "gpt2"
	var err error
	if s.tokens, s.types, err = vocabList(f.Model.Vocab, f.AddedTokens); err != nil {
		return err
	}
	if s.merges, err = hfMerges(f.Model.Merges); err != nil {
		return err
	}
	if f.Model.ByteFallback || hasNode(f.PreTokenizer, "Metaspace") || hasNode(f.Normalizer, "Replace") {
		return hfSentencePiece(f, s)
	}
	if s.pre, err = hfPre(f.PreTokenizer); err != nil {
		return err
	}
	// A byte-level vocabulary names its end-of-text token in the post
	// processor or not at all; GPT-2 style models use it for both ends.
	if i := slices.Index(s.tokens, "<|endoftext|>"); i >= 0 {
		s.special["bos"], s.special["eos"] = int64(i), int64(i)
	}
	return nil
}

// hfSentencePiece reads a SentencePiece BPE model converted to
// tokenizer.json (Llama, Mistral, TinyLlama): spaces become ▁ through the
// normalizer or a Metaspace pre-tokenizer, unknown characters fall back to
// <0xXX> byte tokens. It runs as llama.cpp's SPM tokenizer. The file has
// no piece scores; the merge list is ordered by them (the converter sorts
// merges by the score of the merged piece), so each piece's score is minus
// the rank of the first merge that produces it, which orders merges as the
// original scores do. A Metaspace pre-tokenizer that splits the text at
// each ▁ is run without splitting, as llama.cpp runs the GGUF made from the
// same model; the two differ only for pieces with a ▁ inside (runs of
// spaces).
func hfSentencePiece(f *hfFile, s *spec) error {
	s.model = "llama"
	s.scores = make([]float32, len(s.tokens))
	ids := make(map[string]int, len(s.tokens))
	for i, w := range s.tokens {
		ids[w] = i
		if f.Model.ByteFallback {
			if _, ok := byteTokenValue(w); ok {
				s.types[i] = typeByte
			}
		}
	}
	seen := make([]bool, len(s.tokens))
	for r, m := range s.merges {
		a, b, ok := strings.Cut(m, " ")
		if !ok {
			return fmt.Errorf("model.merges[%d] %q: not two pieces", r, m)
		}
		if i, ok := ids[a+b]; ok && !seen[i] {
			seen[i] = true
			s.scores[i] = -float32(r)
		}
	}
	s.merges = nil
	prefix := false
	var walk func(n hfNode)
	walk = func(n hfNode) {
		switch n.Type {
		case "Prepend":
			prefix = prefix || (n.Prepend != nil && *n.Prepend == "▁")
		case "Metaspace":
			switch {
			case n.PrependScheme != nil:
				prefix = prefix || *n.PrependScheme != "never"
			case n.AddPrefix != nil:
				prefix = prefix || *n.AddPrefix
			default:
				prefix = true
			}
		}
		for _, c := range slices.Concat(n.Pretokenizers, n.Normalizers) {
			walk(c)
		}
	}
	for _, raw := range []json.RawMessage{f.Normalizer, f.PreTokenizer} {
		if len(raw) == 0 || string(raw) == "null" {
			continue
		}
		var n hfNode
		if err := json.Unmarshal(raw, &n); err != nil {
			return err
		}
		walk(n)
	}
	s.addSpacePrefix = &prefix
	if f.Model.UnkToken != nil {
		i, ok := ids[*f.Model.UnkToken]
		if !ok {
			return fmt.Errorf("model.unk_token %q is not in the vocabulary", *f.Model.UnkToken)
		}
		s.special["unk"] = int64(i)
	}
	return nil
}

// hfMerges reads merges given as "a b" strings or as [a, b] pairs.
func hfMerges(raw json.RawMessage) ([]string, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return nil, nil
	}
	var strs []string
	if err := json.Unmarshal(raw, &strs); err == nil {
		return strs, nil
	}
	var pairs [][]string
	if err := json.Unmarshal(raw, &pairs); err != nil {
		return nil, errors.New("model.merges: neither strings nor pairs of strings")
	}
	out := make([]string, len(pairs))
	for i, p := range pairs {
		if len(p) != 2 {
			return nil, fmt.Errorf("model.merges[%d]: %d strings, want 2", i, len(p))
		}
		out[i] = p[0] + " " + p[1]
	}
	return out, nil
}

// hasNode reports whether a normalizer/pre-tokenizer tree has a node of
// the given type.
func hasNode(raw json.RawMessage, typ string) bool {
	if len(raw) == 0 || string(raw) == "null" {
		return false
	}
	var n hfNode
	if json.Unmarshal(raw, &n) != nil {
		return false
	}
	var walk func(n hfNode) bool
	walk = func(n hfNode) bool {
		if n.Type == typ {
			return true
		}
		for _, c := range slices.Concat(n.Pretokenizers, n.Normalizers) {
			if walk(c) {
				return true
			}
		}
		return false
	}
	return walk(n)
}

// The GPT-2 pre-tokenizer regex (ByteLevel's use_regex).
const gpt2Regex = `'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)`

// hfPreNames maps the regex lists of known tokenizer.json pre-tokenizers
// (Split patterns and ByteLevel/Digits steps in order, joined by "\x00")
// to the bpe package's pre-tokenizer names.
var hfPreNames = map[string]string{
	gpt2Regex: "gpt-2",
	`(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+`:                                                                                                                                                                "llama-bpe",
	`(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+`:                                                                                                                                                                     "qwen2",
	`[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+(?i:'s|'t|'re|'ve|'m|'ll|'d)?|[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]*(?i:'s|'t|'re|'ve|'m|'ll|'d)?|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n/]*|\s*[\r\n]+|\s+(?!\S)|\s+`: "gpt-4o",
	`\p{N}` + "\x00" + gpt2Regex: "starcoder",
	strings.Join([]string{"[\r\n]", `\s?\p{L}+`, `\s?\p{P}+`, "[一-龥ࠀ-一가-퟿]+", `\p{N}`}, "\x00"): "deepseek-coder",
	strings.Join([]string{"[\r\n]", `\s?[A-Za-zµÀ-ÖØ-öø-ƺƼ-ƿǄ-ʓʕ-ʯͰ-ͳͶͷͻ-ͽͿΆΈ-ΊΌΎ-ΡΣ-ϵϷ-ҁҊ-ԯԱ-ՖႠ-ჅᎠ-Ᏽᏸ-ᏽᲐ-ᲺᲽ-Ჿᴀ-ᴫᵫ-ᵷᵹ-ᶚḀ-ἕἘ-Ἕἠ-ὅὈ-Ὅὐ-ὗὙὛὝὟ-ώᾀ-ᾴᾶ-ᾼιῂ-ῄῆ-ῌῐ-ΐῖ-Ίῠ-Ῥῲ-ῴῶ-ῼℂℇℊ-ℓℕℙ-ℝℤΩℨK-ℭℯ-ℴℹℼ-ℿⅅ-ⅉⅎↃↄⰀ-ⱻⱾ-ⳤⳫ-ⳮⳲⳳꙀ-ꙭꚀ-ꚛꜢ-ꝯꝱ-ꞇꞋ-ꞎꭰ-ꮿﬀ-ﬆﬓ-ﬗＡ-Ｚａ-ｚ𐐀-𐑏𐒰-𐓓𐓘-𐓻𐲀-𐲲𐳀-𐳲𑢠-𑣟𞤀-𞥃]+`, `\s?[!-/:-~！-／：-～‘-‟　-。]+`, `\s+$`, `[一-龥ࠀ-一가-퟿]+`, `\p{N}+`}, "\x00"): "deepseek-llm",
	strings.Join([]string{`\p{N}{1,3}`, `[一-龥぀-ゟ゠-ヿ]+`, "[!\"#$%&'()*+,\\-./:;<=>?@\\[\\\\\\]^_`{|}~][A-Za-z]+|[^\r\n\\p{L}\\p{P}\\p{S}]?[\\p{L}\\p{M}]+| ?[\\p{P}\\p{S}]+[\r\n]*|\\s*[\r\n]+|\\s+(?!\\S)|\\s+"}, "\x00"): "deepseek-v3",
	`[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+|[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]*|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n/]*|\s*[\r\n]+|\s+(?!\S)|\s+`: "tekken",
}

// hfPreLookup is hfPreNames with escapeControls applied to the keys.
var hfPreLookup = func() map[string]string {
	m := make(map[string]string, len(hfPreNames))
	for k, v := range hfPreNames {
		m[escapeControls(k)] = v
	}
	return m
}()

// escapeControls writes CR, LF and tab as regex escapes, so that a pattern
// holding the characters themselves and one holding \r, \n, \t compare
// equal.
func escapeControls(s string) string {
	return strings.NewReplacer("\r", `\r`, "\n", `\n`, "\t", `\t`).Replace(s)
}

// hfPre maps a tokenizer.json pre_tokenizer to a bpe pre-tokenizer name.
func hfPre(raw json.RawMessage) (string, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return "", errors.New("byte-level BPE without a pre_tokenizer is not supported")
	}
	var root hfNode
	if err := json.Unmarshal(raw, &root); err != nil {
		return "", fmt.Errorf("pre_tokenizer: %w", err)
	}
	var exprs []string
	var walk func(n hfNode) error
	walk = func(n hfNode) error {
		switch n.Type {
		case "Sequence":
			for _, c := range n.Pretokenizers {
				if err := walk(c); err != nil {
					return err
				}
			}
		case "ByteLevel":
			if n.UseRegex == nil || *n.UseRegex {
				exprs = append(exprs, gpt2Regex)
			}
		case "Split":
			switch {
			case n.Pattern.Regex != nil:
				exprs = append(exprs, *n.Pattern.Regex)
			case n.Pattern.String != nil:
				exprs = append(exprs, regexpQuote(*n.Pattern.String))
			default:
				return errors.New("pre_tokenizer: Split without a pattern")
			}
		case "Digits":
			if n.Individual {
				exprs = append(exprs, `\p{N}`)
			} else {
				exprs = append(exprs, `\p{N}+`)
			}
		default:
			return fmt.Errorf("pre_tokenizer type %q is not supported", n.Type)
		}
		return nil
	}
	if err := walk(root); err != nil {
		return "", err
	}
	name, ok := hfPreLookup[escapeControls(strings.Join(exprs, "\x00"))]
	if !ok {
		return "", fmt.Errorf("pre_tokenizer regex %q is not a known one (known: gpt-2, llama-bpe, qwen2, starcoder, deepseek-llm, deepseek-coder, deepseek-v3, tekken, gpt-4o)", exprs)
	}
	return name, nil
}

// regexpQuote escapes a literal Split pattern the way it would be written
// as a regex, so that it can be compared with the known lists.
func regexpQuote(s string) string {
	var b strings.Builder
	for _, r := range s {
		if strings.ContainsRune(`\.+*?()|[]{}^$`, r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}

func hfWordPiece(f *hfFile, s *spec) error {
	s.model = "bert"
	hf, types, err := vocabList(f.Model.Vocab, f.AddedTokens)
	if err != nil {
		return err
	}
	prefix := "##"
	if f.Model.ContinuingSubwordPrefix != nil {
		prefix = *f.Model.ContinuingSubwordPrefix
	}
	s.types = types
	s.tokens = make([]string, len(hf))
	for i, w := range hf {
		s.tokens[i] = phantom(w, prefix, types[i] == typeUnused)
	}
	for _, a := range f.AddedTokens {
		hf[a.ID] = a.Content
	}
	if f.Model.UnkToken != nil {
		i := slices.Index(hf, *f.Model.UnkToken)
		if i < 0 {
			return fmt.Errorf("model.unk_token %q is not in the vocabulary", *f.Model.UnkToken)
		}
		s.special["unk"] = int64(i)
	}
	if i := slices.Index(hf, "[PAD]"); i >= 0 {
		s.special["pad"] = int64(i)
	}
	if i := slices.Index(hf, "[MASK]"); i >= 0 {
		s.special["mask"] = int64(i)
	}
	s.wpm.maxWordChars = f.Model.MaxInputCharsPerWord
	if err := hfBertNormalizer(f.Normalizer, &s.wpm); err != nil {
		return err
	}
	if len(f.PreTokenizer) > 0 && string(f.PreTokenizer) != "null" {
		var n hfNode
		if err := json.Unmarshal(f.PreTokenizer, &n); err != nil {
			return fmt.Errorf("pre_tokenizer: %w", err)
		}
		if n.Type != "BertPreTokenizer" {
			return fmt.Errorf("WordPiece with pre_tokenizer %q is not supported (only BertPreTokenizer)", n.Type)
		}
	}
	cls, sep, err := hfClsSep(f.PostProcessor)
	if err != nil {
		return err
	}
	for _, c := range []struct{ name, text string }{{"bos", cls}, {"sep", sep}} {
		if c.text == "" {
			continue
		}
		i := slices.Index(hf, c.text)
		if i < 0 {
			return fmt.Errorf("post_processor: %q is not in the vocabulary", c.text)
		}
		s.special[c.name] = int64(i)
	}
	return nil
}

// phantom converts a WordPiece token to llama.cpp's form: a bracketed
// special stays, a continuation loses its prefix, a word start gets "▁".
func phantom(w, prefix string, unused bool) string {
	switch {
	case unused, strings.HasPrefix(w, "[") && strings.HasSuffix(w, "]"):
		return w
	case prefix != "" && strings.HasPrefix(w, prefix) && len(w) > len(prefix):
		return w[len(prefix):]
	}
	return "▁" + w
}

func hfBertNormalizer(raw json.RawMessage, o *wpmOptions) error {
	if len(raw) == 0 || string(raw) == "null" {
		o.keepCase, o.keepAccents, o.noCJKSplit = true, true, true
		return nil
	}
	var n hfNode
	if err := json.Unmarshal(raw, &n); err != nil {
		return fmt.Errorf("normalizer: %w", err)
	}
	if n.Type != "BertNormalizer" {
		return fmt.Errorf("WordPiece with normalizer %q is not supported (only BertNormalizer)", n.Type)
	}
	lower := n.Lowercase == nil || *n.Lowercase
	strip := lower
	if n.StripAccents != nil {
		strip = *n.StripAccents
	}
	o.keepCase = !lower
	o.keepAccents = !strip
	o.dropMarks = strip
	o.noCJKSplit = n.ChineseChars != nil && !*n.ChineseChars
	return nil
}

// hfClsSep finds the tokens a BERT post-processor wraps a single sequence
// in: TemplateProcessing "[CLS] $A [SEP]" or BertProcessing / RobertaProcessing.
func hfClsSep(raw json.RawMessage) (cls, sep string, err error) {
	if len(raw) == 0 || string(raw) == "null" {
		return "", "", nil
	}
	var n hfNode
	if err := json.Unmarshal(raw, &n); err != nil {
		return "", "", fmt.Errorf("post_processor: %w", err)
	}
	switch n.Type {
	case "TemplateProcessing":
		seq := slices.IndexFunc(n.Single, func(r hfTemplateRef) bool { return r.Sequence != nil })
		if seq < 0 {
			return "", "", errors.New("post_processor: template without $A")
		}
		for i, r := range n.Single {
			switch {
			case r.SpecialToken == nil:
			case i == seq-1 && i == 0:
				cls = r.SpecialToken.ID
			case i == seq+1 && i == len(n.Single)-1:
				sep = r.SpecialToken.ID
			default:
				return "", "", fmt.Errorf("post_processor: template %v is not [CLS] $A [SEP]", n.Single)
			}
		}
		return cls, sep, nil
	case "BertProcessing", "RobertaProcessing":
		if len(n.Cls) > 0 {
			cls, _ = n.Cls[0].(string)
		}
		if len(n.Sep) > 0 {
			sep, _ = n.Sep[0].(string)
		}
		return cls, sep, nil
	}
	return "", "", fmt.Errorf("post_processor type %q is not supported with WordPiece", n.Type)
}

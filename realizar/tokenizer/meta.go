package tokenizer

import (
	"fmt"
	"math"
)

// metadata is the view of a GGUF file the tokenizer needs.
type metadata interface {
	Value(key string) (any, bool)
}

// GGUF keys of the tokenizer (llama.cpp's LLM_KV names).
const (
	keyModel          = "tokenizer.ggml.model"
	keyPre            = "tokenizer.ggml.pre"
	keyTokens         = "tokenizer.ggml.tokens"
	keyScores         = "tokenizer.ggml.scores"
	keyTokenType      = "tokenizer.ggml.token_type"
	keyMerges         = "tokenizer.ggml.merges"
	keyAddBOS         = "tokenizer.ggml.add_bos_token"
	keyAddEOS         = "tokenizer.ggml.add_eos_token"
	keyAddSpacePrefix = "tokenizer.ggml.add_space_prefix"
	keyChatTemplate   = "tokenizer.chat_template"
	keyName           = "general.name"
)

// specialKeys maps spec.special names to their GGUF keys; the deprecated
// prefix/suffix/middle keys come after the fim ones and override them, as
// in llama.cpp.
var specialKeys = []struct{ name, key string }{
	{"bos", "tokenizer.ggml.bos_token_id"},
	{"eos", "tokenizer.ggml.eos_token_id"},
	{"eot", "tokenizer.ggml.eot_token_id"},
	{"eom", "tokenizer.ggml.eom_token_id"},
	{"unk", "tokenizer.ggml.unknown_token_id"},
	{"sep", "tokenizer.ggml.seperator_token_id"},
	{"pad", "tokenizer.ggml.padding_token_id"},
	{"mask", "tokenizer.ggml.mask_token_id"},
	{"fim_pre", "tokenizer.ggml.fim_pre_token_id"},
	{"fim_suf", "tokenizer.ggml.fim_suf_token_id"},
	{"fim_mid", "tokenizer.ggml.fim_mid_token_id"},
	{"fim_pad", "tokenizer.ggml.fim_pad_token_id"},
	{"fim_rep", "tokenizer.ggml.fim_rep_token_id"},
	{"fim_sep", "tokenizer.ggml.fim_sep_token_id"},
	{"fim_pre", "tokenizer.ggml.prefix_token_id"},
	{"fim_suf", "tokenizer.ggml.suffix_token_id"},
	{"fim_mid", "tokenizer.ggml.middle_token_id"},
}

// fromMetadata builds a tokenizer from GGUF metadata.
func fromMetadata(m metadata) (*Tokenizer, error) {
	s := &spec{special: map[string]int64{}}
	var err error
	if s.model, err = metaString(m, keyModel, true); err != nil {
		return nil, err
	}
	switch s.model {
	case "llama", "gpt2", "bert":
	default:
		return nil, fmt.Errorf("tokenizer: %s = %q is not supported (supported: llama, gpt2, bert)", keyModel, s.model)
	}
	if s.pre, err = metaString(m, keyPre, false); err != nil {
		return nil, err
	}
	if s.name, err = metaString(m, keyName, false); err != nil {
		return nil, err
	}
	if s.chatTemplate, err = metaString(m, keyChatTemplate, false); err != nil {
		return nil, err
	}
	v, ok := m.Value(keyTokens)
	if !ok {
		return nil, fmt.Errorf("tokenizer: %s missing", keyTokens)
	}
	if s.tokens, ok = v.([]string); !ok {
		return nil, fmt.Errorf("tokenizer: %s is %T, want an array of strings", keyTokens, v)
	}
	if v, ok := m.Value(keyScores); ok {
		if s.scores, ok = v.([]float32); !ok {
			return nil, fmt.Errorf("tokenizer: %s is %T, want an array of float32", keyScores, v)
		}
		if len(s.scores) != len(s.tokens) {
			return nil, fmt.Errorf("tokenizer: %s has %d entries for %d tokens", keyScores, len(s.scores), len(s.tokens))
		}
	}
	if v, ok := m.Value(keyTokenType); ok {
		if s.types, err = int32s(v); err != nil {
			return nil, fmt.Errorf("tokenizer: %s: %w", keyTokenType, err)
		}
		if len(s.types) != len(s.tokens) {
			return nil, fmt.Errorf("tokenizer: %s has %d entries for %d tokens", keyTokenType, len(s.types), len(s.tokens))
		}
	}
	if s.model == "gpt2" {
		v, ok := m.Value(keyMerges)
		if !ok {
			return nil, fmt.Errorf("tokenizer: %s missing (required by a gpt2 vocabulary)", keyMerges)
		}
		if s.merges, ok = v.([]string); !ok {
			return nil, fmt.Errorf("tokenizer: %s is %T, want an array of strings", keyMerges, v)
		}
	}
	for _, k := range specialKeys {
		v, ok := m.Value(k.key)
		if !ok {
			continue
		}
		id, err := uintValue(v)
		if err != nil {
			return nil, fmt.Errorf("tokenizer: %s: %w", k.key, err)
		}
		if id < uint64(len(s.tokens)) { // out of range: llama.cpp keeps the default
			s.special[k.name] = int64(id)
		}
	}
	// tokenizer.ggml.remove_extra_whitespaces only matters to Unigram
	// (T5) vocabularies, which are not supported.
	for _, b := range []struct {
		key string
		dst **bool
	}{{keyAddBOS, &s.addBOS}, {keyAddEOS, &s.addEOS}, {keyAddSpacePrefix, &s.addSpacePrefix}} {
		v, ok := m.Value(b.key)
		if !ok {
			continue
		}
		bv, ok := v.(bool)
		if !ok {
			return nil, fmt.Errorf("tokenizer: %s is %T, want bool", b.key, v)
		}
		*b.dst = &bv
	}
	t, err := newTokenizer(s)
	if err != nil {
		return nil, fmt.Errorf("tokenizer: %w", err)
	}
	return t, nil
}

func metaString(m metadata, key string, required bool) (string, error) {
	v, ok := m.Value(key)
	if !ok {
		if required {
			return "", fmt.Errorf("tokenizer: %s missing", key)
		}
		return "", nil
	}
	s, ok := v.(string)
	if !ok {
		return "", fmt.Errorf("tokenizer: %s is %T, want string", key, v)
	}
	return s, nil
}

// uintValue accepts any non-negative integer value.
func uintValue(v any) (uint64, error) {
	switch x := v.(type) {
	case uint8:
		return uint64(x), nil
	case uint16:
		return uint64(x), nil
	case uint32:
		return uint64(x), nil
	case uint64:
		return x, nil
	case int8:
		if x >= 0 {
			return uint64(x), nil
		}
	case int16:
		if x >= 0 {
			return uint64(x), nil
		}
	case int32:
		if x >= 0 {
			return uint64(x), nil
		}
	case int64:
		if x >= 0 {
			return uint64(x), nil
		}
	default:
		return 0, fmt.Errorf("value is %T, want an integer", v)
	}
	return 0, fmt.Errorf("negative value %v", v)
}

// int32s converts an integer array to int32s.
func int32s(v any) ([]int32, error) {
	conv := func(n int, at func(int) int64) ([]int32, error) {
		out := make([]int32, n)
		for i := range out {
			x := at(i)
			if x < math.MinInt32 || x > math.MaxInt32 {
				return nil, fmt.Errorf("entry %d = %d out of int32 range", i, x)
			}
			out[i] = int32(x)
		}
		return out, nil
	}
	switch x := v.(type) {
	case []int32:
		return x, nil
	case []int8:
		return conv(len(x), func(i int) int64 { return int64(x[i]) })
	case []uint8:
		return conv(len(x), func(i int) int64 { return int64(x[i]) })
	case []int16:
		return conv(len(x), func(i int) int64 { return int64(x[i]) })
	case []uint16:
		return conv(len(x), func(i int) int64 { return int64(x[i]) })
	case []uint32:
		return conv(len(x), func(i int) int64 { return int64(x[i]) })
	case []int64:
		return conv(len(x), func(i int) int64 { return x[i] })
	case []uint64:
		return conv(len(x), func(i int) int64 {
			if x[i] > math.MaxInt64 {
				return math.MaxInt64
			}
			return int64(x[i])
		})
	}
	return nil, fmt.Errorf("value is %T, want an integer array", v)
}

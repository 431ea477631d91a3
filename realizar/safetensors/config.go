package safetensors

import (
	"encoding/json"
	"fmt"
	"math"
	"strings"

	"github.com/batuta-go/stack/realizar/model"
)

// hfConfig holds the fields of a Hugging Face config.json that the
// supported architectures use. Pointers tell an absent (or null) field
// from a zero.
type hfConfig struct {
	Architectures         []string `json:"architectures"`
	ModelType             string   `json:"model_type"`
	VocabSize             int      `json:"vocab_size"`
	HiddenSize            int      `json:"hidden_size"`
	IntermediateSize      int      `json:"intermediate_size"`
	NumHiddenLayers       int      `json:"num_hidden_layers"`
	NumAttentionHeads     int      `json:"num_attention_heads"`
	NumKeyValueHeads      *int     `json:"num_key_value_heads"`
	HeadDim               *int     `json:"head_dim"`
	MaxPositionEmbeddings int      `json:"max_position_embeddings"`
	OrigMaxPosition       *int     `json:"original_max_position_embeddings"`
	RMSNormEps            *float64 `json:"rms_norm_eps"`
	RopeTheta             *float64 `json:"rope_theta"`
	PartialRotaryFactor   *float64 `json:"partial_rotary_factor"`
	RopeScaling           *struct {
		Type                string    `json:"type"`
		RopeType            string    `json:"rope_type"`
		Factor              *float64  `json:"factor"`
		OriginalMaxPosition *int      `json:"original_max_position_embeddings"`
		LowFreqFactor       *float64  `json:"low_freq_factor"`
		HighFreqFactor      *float64  `json:"high_freq_factor"`
		BetaFast            *float64  `json:"beta_fast"`
		BetaSlow            *float64  `json:"beta_slow"`
		AttentionFactor     *float64  `json:"attention_factor"`
		Long                []float64 `json:"long_factor"`
		Short               []float64 `json:"short_factor"`
	} `json:"rope_scaling"`
	SlidingWindow         *int     `json:"sliding_window"`
	UseSlidingWindow      *bool    `json:"use_sliding_window"`
	AttnLogitSoftcapping  optFloat `json:"attn_logit_softcapping"`
	FinalLogitSoftcapping optFloat `json:"final_logit_softcapping"`
	QueryPreAttnScalar    *float64 `json:"query_pre_attn_scalar"`
	HiddenAct             string   `json:"hidden_act"`
	HiddenActivation      string   `json:"hidden_activation"`
	TieWordEmbeddings     *bool    `json:"tie_word_embeddings"`
}

// archOf maps a config.json model_type to the GGUF architecture name.
var archOf = map[string]string{
	"llama":   "llama",
	"mistral": "llama",
	"qwen2":   "qwen2",
	"qwen3":   "qwen3",
	"phi3":    "phi3",
	"gemma2":  "gemma2",
}

// hfDefaults are the transformers defaults of fields a config.json may
// omit, per model_type: rms_norm_eps and rope_theta.
var hfDefaults = map[string][2]float64{
	"llama":   {1e-6, 10000},
	"mistral": {1e-6, 10000},
	"qwen2":   {1e-6, 10000},
	"qwen3":   {1e-6, 10000},
	"phi3":    {1e-5, 10000},
	"gemma2":  {1e-6, 10000},
}

// ParseConfig maps a Hugging Face config.json to a model.Config, the way
// llama.cpp's converter fills the GGUF metadata, with one difference: the
// query and key weights of llama-family checkpoints stay in Hugging
// Face's layout, so RopeNeoX is set instead of permuting them. VocabSize
// is config.json's vocab_size; OpenModel checks it against the embedding.
// Fields transformers defaults (rms_norm_eps, rope_theta, gemma2's soft
// caps and window) take transformers' defaults when absent.
func ParseConfig(data []byte) (model.Config, error) {
	c, _, err := parseConfig(data)
	return c, err
}

// parseConfig is ParseConfig, also returning the tensors the
// configuration implies.
func parseConfig(data []byte) (model.Config, *extraTensors, error) {
	var h hfConfig
	if err := json.Unmarshal(data, &h); err != nil {
		return model.Config{}, nil, fmt.Errorf("safetensors: config.json: %w", err)
	}
	arch, ok := archOf[h.ModelType]
	if !ok {
		return model.Config{}, nil, fmt.Errorf("safetensors: config.json: unsupported model_type %q (architectures %v; supported: llama, mistral, qwen2, qwen3, phi3, gemma2)", h.ModelType, h.Architectures)
	}
	def := hfDefaults[h.ModelType]
	c := model.Config{
		Arch:              arch,
		VocabSize:         h.VocabSize,
		ContextLength:     h.MaxPositionEmbeddings,
		EmbeddingLength:   h.HiddenSize,
		BlockCount:        h.NumHiddenLayers,
		FeedForwardLength: h.IntermediateSize,
		HeadCount:         h.NumAttentionHeads,
		HeadCountKV:       h.NumAttentionHeads,
		RMSNormEps:        float32(orDefault(h.RMSNormEps, def[0])),
		RopeTheta:         orDefault(h.RopeTheta, def[1]),
		RopeNeoX:          true, // every supported architecture, llama included (unpermuted weights)
		Activation:        model.SiLU,
	}
	if h.NumKeyValueHeads != nil {
		c.HeadCountKV = *h.NumKeyValueHeads
	}
	if c.HeadCount <= 0 || c.EmbeddingLength <= 0 {
		return model.Config{}, nil, fmt.Errorf("safetensors: config.json: num_attention_heads %d and hidden_size %d must be positive", c.HeadCount, c.EmbeddingLength)
	}
	c.HeadDim = c.EmbeddingLength / c.HeadCount
	if h.HeadDim != nil && *h.HeadDim > 0 {
		c.HeadDim = *h.HeadDim
	}
	c.RopeDim = c.HeadDim
	if h.PartialRotaryFactor != nil {
		c.RopeDim = int(float64(c.HeadDim) * *h.PartialRotaryFactor)
	}
	var extra extraTensors
	if err := ropeScaling(&h, &c, &extra); err != nil {
		return model.Config{}, nil, err
	}

	switch h.ModelType {
	case "mistral":
		if h.SlidingWindow != nil {
			c.SlidingWindow = *h.SlidingWindow
		}
	case "qwen2":
		c.QKVBias = true
		if h.UseSlidingWindow != nil && *h.UseSlidingWindow {
			return model.Config{}, nil, fmt.Errorf("safetensors: config.json: qwen2 with use_sliding_window is not supported")
		}
	case "qwen3":
		c.QKNorm = true
	case "phi3":
		if h.SlidingWindow != nil {
			c.SlidingWindow = *h.SlidingWindow
		}
		if h.OrigMaxPosition != nil {
			c.RopeScaling.OriginalContextLength = *h.OrigMaxPosition
		}
	case "gemma2":
		c.SlidingWindow = 4096
		if h.SlidingWindow != nil {
			c.SlidingWindow = *h.SlidingWindow
		}
		c.SlidingWindowPattern = 2
		c.AttnSoftcap = float32(h.AttnLogitSoftcapping.or(50))
		c.FinalSoftcap = float32(h.FinalLogitSoftcapping.or(30))
		c.EmbedScale = float32(math.Sqrt(float64(c.EmbeddingLength)))
		c.Activation = model.GELU
		c.PostNorm = true
		if q := orDefault(h.QueryPreAttnScalar, float64(c.HeadDim)); q != float64(c.HeadDim) {
			if !(q > 0) {
				return model.Config{}, nil, fmt.Errorf("safetensors: config.json: query_pre_attn_scalar %g must be positive", q)
			}
			c.AttnScale = float32(1 / math.Sqrt(q))
		}
	}
	if act := strings.ToLower(firstNonEmpty(h.HiddenActivation, h.HiddenAct)); act != "" {
		switch {
		case c.Activation == model.SiLU && (act == "silu" || act == "swish"):
		case c.Activation == model.GELU && strings.HasPrefix(act, "gelu"):
		default:
			return model.Config{}, nil, fmt.Errorf("safetensors: config.json: %s with activation %q is not supported", h.ModelType, act)
		}
	}
	return c, &extra, nil
}

// extraTensors are tensors a GGUF conversion derives from config.json:
// Phi-3's long-context rotation factors.
type extraTensors struct {
	ropeLong, ropeShort []float32
}

func ropeScaling(h *hfConfig, c *model.Config, extra *extraTensors) error {
	rs := h.RopeScaling
	if rs == nil {
		return nil
	}
	typ := strings.ToLower(firstNonEmpty(rs.RopeType, rs.Type))
	sc := &c.RopeScaling
	if rs.OriginalMaxPosition != nil {
		sc.OriginalContextLength = *rs.OriginalMaxPosition
	}
	sc.Factor = orDefault(rs.Factor, 0)
	switch typ {
	case "", "default":
		sc.Factor = 0
	case "linear":
		sc.Type = "linear"
	case "yarn":
		sc.Type = "yarn"
		sc.BetaFast = float32(orDefault(rs.BetaFast, 0))
		sc.BetaSlow = float32(orDefault(rs.BetaSlow, 0))
		sc.AttnFactor = float32(orDefault(rs.AttentionFactor, 0))
	case "llama3":
		sc.Type = "llama3"
		sc.LowFreqFactor = orDefault(rs.LowFreqFactor, 0)
		sc.HighFreqFactor = orDefault(rs.HighFreqFactor, 0)
	case "longrope", "su":
		// As llama.cpp's converter: the factors become tensors, the
		// attention factor is derived from the context extension.
		pairs := c.RopeDim / 2
		if len(rs.Long) != pairs || len(rs.Short) != pairs {
			return fmt.Errorf("safetensors: config.json: rope_scaling long_factor/short_factor have %d/%d values, want %d", len(rs.Long), len(rs.Short), pairs)
		}
		extra.ropeLong = toFloat32s(rs.Long)
		extra.ropeShort = toFloat32s(rs.Short)
		sc.Factor = 0
		orig := c.ContextLength
		if h.OrigMaxPosition != nil {
			orig = *h.OrigMaxPosition
		}
		if scale := float64(c.ContextLength) / float64(orig); orig > 0 && scale > 1 {
			sc.AttnFactor = float32(math.Sqrt(1 + math.Log(scale)/math.Log(float64(orig))))
		}
	default:
		return fmt.Errorf("safetensors: config.json: rope_scaling type %q is not supported", typ)
	}
	return nil
}

// optFloat is a number field that may be absent (default) or null
// (disabled: zero).
type optFloat struct {
	set bool
	v   float64
}

func (o *optFloat) UnmarshalJSON(b []byte) error {
	o.set = true
	if string(b) == "null" {
		o.v = 0
		return nil
	}
	return json.Unmarshal(b, &o.v)
}

func (o optFloat) or(def float64) float64 {
	if !o.set {
		return def
	}
	return o.v
}

func orDefault(p *float64, def float64) float64 {
	if p == nil {
		return def
	}
	return *p
}

func firstNonEmpty(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}

func toFloat32s(v []float64) []float32 {
	s := make([]float32, len(v))
	for i, x := range v {
		s[i] = float32(x)
	}
	return s
}

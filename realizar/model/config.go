package model

import (
	"errors"
	"fmt"
	"math"

	"github.com/batuta-go/stack/realizar/gguf"
)

// Architectures lists the model architectures this package runs, by their
// GGUF general.architecture names.
var Architectures = []string{"llama", "qwen2", "qwen3", "phi3", "gemma2"}

// Activation names the gating nonlinearity of the feed-forward block,
// act(gate)·up.
type Activation string

// The feed-forward activations.
const (
	SiLU Activation = "silu" // llama, qwen2, qwen3, phi3 (SwiGLU)
	GELU Activation = "gelu" // gemma2: GELU in its tanh form (GeGLU)
)

// RopeScaling is the context-extension scheme of the rotary embedding.
type RopeScaling struct {
	// Type is "" or "none" (no scaling), "linear" (positions divided by
	// Factor), "yarn" (YaRN: interpolation blended with extrapolation per
	// dimension, llama.cpp's formulation), "llama3" (per-frequency
	// factors from LowFreqFactor, HighFreqFactor and
	// OriginalContextLength, Llama 3.1) or "longrope" (the per-frequency
	// factor tensors of Phi-3 long-context models).
	Type string
	// Factor is the context extension factor (rope.scaling.factor); the
	// positions of linear and YaRN scaling are multiplied by 1/Factor.
	// Zero means 1.
	Factor float64
	// OriginalContextLength is the context the model was trained with
	// before the extension (YaRN, llama3, longrope). Zero means
	// ContextLength.
	OriginalContextLength int
	// AttnFactor multiplies the rotation's cosines and sines
	// (rope.scaling.attn_factor); zero means 1.
	AttnFactor float32
	// BetaFast and BetaSlow bound YaRN's blend ramp; zero means
	// llama.cpp's defaults 32 and 1.
	BetaFast, BetaSlow float32
	// LowFreqFactor and HighFreqFactor are Llama 3.1's wavelength bounds;
	// zero means 1 and 4.
	LowFreqFactor, HighFreqFactor float64
}

// Config is a model's hyper-parameters: everything the forward pass needs
// besides the tensors. GGUFSource fills it from the file's metadata (keys
// prefixed with the architecture name: "llama.embedding_length", ...) the
// way llama.cpp reads them; other sources fill the same fields. The
// forward pass follows the fields, never the Arch name, so a source may
// describe a variant (for example a Hugging Face llama with NeoX rotation
// and unpermuted weights) by the fields alone.
type Config struct {
	Arch string // one of Architectures

	VocabSize         int
	ContextLength     int // positions the model was trained for; the largest KV cache
	EmbeddingLength   int // n_embd: the width of the residual stream
	BlockCount        int // layers
	FeedForwardLength int // n_ff: the hidden width of the feed-forward block
	HeadCount         int // query heads
	HeadCountKV       int // key/value heads (grouped-query attention when fewer)
	HeadDim           int // per head, queries, keys and values alike

	RMSNormEps float32

	RopeTheta   float64 // base frequency (rope.freq_base), 10000 by default
	RopeDim     int     // rotated dimensions per head (partial rotary when below HeadDim; 0 means HeadDim)
	RopeNeoX    bool    // rotate (x[i], x[i+RopeDim/2]) rather than adjacent pairs (x[2i], x[2i+1])
	RopeScaling RopeScaling

	// SlidingWindow, when positive, limits attention on the layers it
	// applies to: a query at position q sees the keys at positions p with
	// q-SlidingWindow < p ≤ q (llama.cpp's rule). SlidingWindowPattern
	// says which layers: 0 or 1 all of them, k > 1 the layers il with
	// il%k == 0 (gemma2: 2, the even layers).
	SlidingWindow        int
	SlidingWindowPattern int

	// AttnScale multiplies the query-key products; zero means
	// 1/√HeadDim.
	AttnScale float32
	// AttnSoftcap, when positive, caps the scaled attention scores
	// smoothly: s → c·tanh(s/c) (gemma2). FinalSoftcap does the same to
	// the output logits.
	AttnSoftcap, FinalSoftcap float32
	// EmbedScale multiplies the token embeddings (gemma2: √n_embd); zero
	// means 1.
	EmbedScale float32

	Activation Activation // "" means SiLU
	QKVBias    bool       // q, k and v projections have biases (qwen2); required when set, used when present otherwise
	QKNorm     bool       // RMSNorm of each query and key head before the rotation (qwen3: attn_q_norm, attn_k_norm)
	PostNorm   bool       // RMSNorm of the attention and feed-forward outputs before the residual add (gemma2)
}

// maxDim bounds every size in a Config, so that a hostile file cannot
// make the loader or NewState compute giant allocations.
const maxDim = 1 << 24

// Validate checks that the configuration describes a model this package
// can run.
func (c *Config) Validate() error {
	if !knownArch(c.Arch) {
		return fmt.Errorf("model: unsupported architecture %q (supported: %v)", c.Arch, Architectures)
	}
	for _, f := range []struct {
		name string
		v    int
	}{
		{"VocabSize", c.VocabSize}, {"ContextLength", c.ContextLength},
		{"EmbeddingLength", c.EmbeddingLength}, {"BlockCount", c.BlockCount},
		{"FeedForwardLength", c.FeedForwardLength}, {"HeadCount", c.HeadCount},
		{"HeadCountKV", c.HeadCountKV}, {"HeadDim", c.HeadDim},
	} {
		if f.v <= 0 || f.v > maxDim {
			return fmt.Errorf("model: %s config: %s = %d, want 1..%d", c.Arch, f.name, f.v, maxDim)
		}
	}
	if c.HeadCount%c.HeadCountKV != 0 {
		return fmt.Errorf("model: %s config: %d query heads do not divide into %d key/value heads", c.Arch, c.HeadCount, c.HeadCountKV)
	}
	if c.HeadCount*c.HeadDim > maxDim {
		return fmt.Errorf("model: %s config: %d heads of %d values are too wide", c.Arch, c.HeadCount, c.HeadDim)
	}
	if c.RopeDim < 0 || c.RopeDim%2 != 0 || c.RopeDim > c.HeadDim || c.RopeDim > 0 && c.HeadDim%2 != 0 {
		return fmt.Errorf("model: %s config: RopeDim %d must be even and at most HeadDim %d (itself even)", c.Arch, c.RopeDim, c.HeadDim)
	}
	if !(c.RopeTheta > 0) || math.IsInf(c.RopeTheta, 0) {
		return fmt.Errorf("model: %s config: RopeTheta %g must be positive", c.Arch, c.RopeTheta)
	}
	if !(c.RMSNormEps >= 0) {
		return fmt.Errorf("model: %s config: RMSNormEps %g must not be negative", c.Arch, c.RMSNormEps)
	}
	if c.SlidingWindow < 0 || c.SlidingWindowPattern < 0 {
		return fmt.Errorf("model: %s config: sliding window %d (pattern %d) must not be negative", c.Arch, c.SlidingWindow, c.SlidingWindowPattern)
	}
	for _, f := range []struct {
		name string
		v    float32
	}{{"AttnScale", c.AttnScale}, {"AttnSoftcap", c.AttnSoftcap}, {"FinalSoftcap", c.FinalSoftcap}, {"EmbedScale", c.EmbedScale}} {
		if !(f.v >= 0) || math.IsInf(float64(f.v), 0) {
			return fmt.Errorf("model: %s config: %s = %g, want a finite value ≥ 0", c.Arch, f.name, f.v)
		}
	}
	switch c.Activation {
	case "", SiLU, GELU:
	default:
		return fmt.Errorf("model: %s config: unknown activation %q", c.Arch, c.Activation)
	}
	return c.RopeScaling.validate(c.Arch)
}

func (r *RopeScaling) validate(arch string) error {
	switch r.Type {
	case "", "none", "linear", "yarn", "llama3", "longrope":
	default:
		return fmt.Errorf("model: %s config: unsupported rope scaling type %q", arch, r.Type)
	}
	if !(r.Factor >= 0) || math.IsInf(r.Factor, 0) || (r.Factor > 0 && r.Factor < 1e-6) {
		return fmt.Errorf("model: %s config: rope scaling factor %g out of range", arch, r.Factor)
	}
	if r.OriginalContextLength < 0 || r.OriginalContextLength > maxDim {
		return fmt.Errorf("model: %s config: rope original context length %d out of range", arch, r.OriginalContextLength)
	}
	if !(r.LowFreqFactor >= 0) || !(r.HighFreqFactor >= 0) || math.IsInf(r.LowFreqFactor, 0) || math.IsInf(r.HighFreqFactor, 0) {
		return fmt.Errorf("model: %s config: llama3 rope frequency factors %g, %g out of range", arch, r.LowFreqFactor, r.HighFreqFactor)
	}
	for _, v := range []float32{r.AttnFactor, r.BetaFast, r.BetaSlow} {
		if !(v >= 0) || math.IsInf(float64(v), 0) {
			return fmt.Errorf("model: %s config: rope scaling parameter %g out of range", arch, v)
		}
	}
	return nil
}

func knownArch(a string) bool {
	for _, k := range Architectures {
		if a == k {
			return true
		}
	}
	return false
}

// configFromGGUF reads the hyper-parameters of a GGUF model, with keys
// prefixed by the architecture (A = general.architecture) and llama.cpp's
// defaults:
//
//	A.context_length, A.embedding_length, A.block_count,
//	A.feed_forward_length, A.attention.head_count  required
//	A.attention.head_count_kv                       head_count
//	A.attention.key_length (= value_length)         embedding_length/head_count
//	A.attention.layer_norm_rms_epsilon              required
//	A.rope.dimension_count                          the head dimension
//	A.rope.freq_base                                10000
//	A.rope.scaling.type, .factor (or A.rope.scale_linear),
//	  .original_context_length, .attn_factor,
//	  .low_freq_factor, .high_freq_factor (llama3),
//	  .yarn_beta_fast, .yarn_beta_slow              no scaling
//	A.attention.sliding_window                      llama: none; phi3: required
//	                                                 unless the model is one of
//	                                                 llama.cpp's known sizes;
//	                                                 gemma2: 4096
//	gemma2.attn_logit_softcapping                   50
//	gemma2.final_logit_softcapping                  30
//	A.vocab_size                                    the rows of token_embd.weight
//
// The rest follows from the architecture: rotation layout (llama adjacent
// pairs, the others NeoX), qwen2's q/k/v biases, qwen3's q/k norms, and
// gemma2's embedding scale √n_embd, GELU, post-norms, sliding window on
// even layers and query scale (1/√(n_embd/n_head) for the 46-layer 27B,
// 1/√head_dim otherwise, as llama.cpp picks it).
func configFromGGUF(f *gguf.File) (Config, error) {
	arch, err := f.String("general.architecture")
	if err != nil {
		return Config{}, fmt.Errorf("model: %w", err)
	}
	if !knownArch(arch) {
		return Config{}, fmt.Errorf("model: unsupported architecture %q (supported: %v)", arch, Architectures)
	}
	r := keyReader{f: f, prefix: arch + "."}
	c := Config{Arch: arch}
	c.ContextLength = r.int("context_length", -1)
	c.EmbeddingLength = r.int("embedding_length", -1)
	c.BlockCount = r.int("block_count", -1)
	c.FeedForwardLength = r.int("feed_forward_length", -1)
	c.HeadCount = r.int("attention.head_count", -1)
	c.HeadCountKV = r.int("attention.head_count_kv", c.HeadCount)
	if r.err != nil {
		return Config{}, r.err
	}
	if c.HeadCount <= 0 || c.EmbeddingLength <= 0 {
		return Config{}, fmt.Errorf("model: %s: head count %d and embedding length %d must be positive", arch, c.HeadCount, c.EmbeddingLength)
	}
	c.HeadDim = r.int("attention.key_length", c.EmbeddingLength/c.HeadCount)
	if vd := r.int("attention.value_length", c.HeadDim); vd != c.HeadDim && r.err == nil {
		return Config{}, fmt.Errorf("model: %s: value head length %d differs from key head length %d (not supported)", arch, vd, c.HeadDim)
	}
	c.RopeDim = r.int("rope.dimension_count", c.HeadDim)
	c.RopeTheta = r.float("rope.freq_base", 10000)
	c.RMSNormEps = float32(r.float("attention.layer_norm_rms_epsilon", -1))

	c.RopeScaling.Type = r.string("rope.scaling.type", "")
	c.RopeScaling.Factor = r.float("rope.scaling.factor", 0)
	if c.RopeScaling.Factor == 0 {
		c.RopeScaling.Factor = r.float("rope.scale_linear", 0)
	}
	c.RopeScaling.OriginalContextLength = r.int("rope.scaling.original_context_length", 0)
	c.RopeScaling.AttnFactor = float32(r.float("rope.scaling.attn_factor", 0))
	c.RopeScaling.LowFreqFactor = r.float("rope.scaling.low_freq_factor", 0)
	c.RopeScaling.HighFreqFactor = r.float("rope.scaling.high_freq_factor", 0)
	c.RopeScaling.BetaFast = float32(r.float("rope.scaling.yarn_beta_fast", 0))
	c.RopeScaling.BetaSlow = float32(r.float("rope.scaling.yarn_beta_slow", 0))

	switch arch {
	case "llama":
		// Mistral-style llama models carry the window; llama.cpp at the
		// golden commit ignores it, newer versions apply it to every layer.
		c.SlidingWindow = r.int("attention.sliding_window", 0)
	case "qwen2":
		c.RopeNeoX = true
		c.QKVBias = true
	case "qwen3":
		c.RopeNeoX = true
		c.QKNorm = true
	case "phi3":
		c.RopeNeoX = true
		// llama.cpp's defaults for files written before the key existed.
		def := -1
		switch {
		case (c.BlockCount == 32 || c.BlockCount == 40) && c.ContextLength == 4096:
			def = 2047
		case c.BlockCount == 32 && c.HeadCountKV == 32 && c.ContextLength == 131072:
			def = 262144
		case c.BlockCount == 40 && c.ContextLength == 131072:
			def = 131072
		}
		c.SlidingWindow = r.int("attention.sliding_window", def)
	case "gemma2":
		c.RopeNeoX = true
		c.SlidingWindow = r.int("attention.sliding_window", 4096)
		c.SlidingWindowPattern = 2
		c.AttnSoftcap = float32(r.float("attn_logit_softcapping", 50))
		c.FinalSoftcap = float32(r.float("final_logit_softcapping", 30))
		c.EmbedScale = float32(math.Sqrt(float64(c.EmbeddingLength)))
		c.Activation = GELU
		c.PostNorm = true
		// llama.cpp picks the query scale by model size: Gemma 2 27B
		// (46 layers) uses query_pre_attn_scalar = n_embd/n_head, the
		// others the head dimension.
		if c.BlockCount == 46 {
			c.AttnScale = float32(1 / math.Sqrt(float64(c.EmbeddingLength/c.HeadCount)))
		}
	}
	if r.err != nil {
		return Config{}, r.err
	}
	if c.Activation == "" {
		c.Activation = SiLU
	}
	v, err := vocabSize(f, arch)
	if err != nil {
		return Config{}, err
	}
	c.VocabSize = v
	if err := c.Validate(); err != nil {
		return Config{}, err
	}
	return c, nil
}

// vocabSize is the row count of the token embedding, which the forward
// pass relies on; {arch}.vocab_size or the tokenizer's list, when
// present, must agree with it.
func vocabSize(f *gguf.File, arch string) (int, error) {
	t, ok := f.Tensor("token_embd.weight")
	if !ok {
		return 0, fmt.Errorf("model: %s: tensor %q: %w", arch, "token_embd.weight", gguf.ErrTensorNotFound)
	}
	if len(t.Dims) < 2 || t.Dims[1] == 0 || t.Dims[1] > maxDim {
		return 0, fmt.Errorf("model: %s: tensor %q has dims %v, want [n_embd, n_vocab]", arch, t.Name, t.Dims)
	}
	n := int(t.Dims[1])
	if v, err := f.Uint(arch + ".vocab_size"); err == nil {
		if v != uint64(n) {
			return 0, fmt.Errorf("model: %s: %s.vocab_size = %d but token_embd.weight has %d rows", arch, arch, v, n)
		}
	} else if !errors.Is(err, gguf.ErrKeyNotFound) {
		return 0, fmt.Errorf("model: %w", err)
	}
	return n, nil
}

// keyReader reads prefixed metadata keys, keeping the first error. A
// default of -1 marks a required key.
type keyReader struct {
	f      *gguf.File
	prefix string
	err    error
}

func (r *keyReader) int(key string, def int) int {
	if r.err != nil {
		return 0
	}
	v, err := r.f.Uint(r.prefix + key)
	switch {
	case errors.Is(err, gguf.ErrKeyNotFound) && def >= 0:
		return def
	case err != nil:
		r.err = fmt.Errorf("model: %w", err)
		return 0
	case v > maxDim:
		r.err = fmt.Errorf("model: %s%s = %d, larger than %d", r.prefix, key, v, maxDim)
		return 0
	}
	return int(v)
}

func (r *keyReader) float(key string, def float64) float64 {
	if r.err != nil {
		return 0
	}
	v, err := r.f.Float(r.prefix + key)
	switch {
	case errors.Is(err, gguf.ErrKeyNotFound) && def >= 0:
		return def
	case err != nil:
		r.err = fmt.Errorf("model: %w", err)
		return 0
	case math.IsNaN(v) || math.IsInf(v, 0):
		r.err = fmt.Errorf("model: %s%s = %g is not finite", r.prefix, key, v)
		return 0
	}
	return v
}

func (r *keyReader) string(key, def string) string {
	if r.err != nil {
		return ""
	}
	v, err := r.f.String(r.prefix + key)
	switch {
	case errors.Is(err, gguf.ErrKeyNotFound):
		return def
	case err != nil:
		r.err = fmt.Errorf("model: %w", err)
		return ""
	}
	return v
}

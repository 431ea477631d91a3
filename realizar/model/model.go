package model

import (
	"errors"
	"fmt"
	"runtime"
	"sync/atomic"

	"github.com/batuta-go/stack/trueno/quant"
)

// KVType is the element type of the key/value cache.
type KVType int

// The key/value cache types.
const (
	KVF32 KVType = iota // float32 (the default)
	KVF16               // float16: half the memory; keys and values rounded to float16
)

// String returns "f32" or "f16".
func (t KVType) String() string {
	switch t {
	case KVF32:
		return "f32"
	case KVF16:
		return "f16"
	}
	return fmt.Sprintf("KVType(%d)", int(t))
}

// Options tunes a loaded model. The zero value uses every CPU and a
// float32 cache.
type Options struct {
	// Threads is the number of goroutines every product and the
	// attention are split over (the caller's included); 0 means
	// runtime.GOMAXPROCS(0).
	Threads int
	// KVType is the key/value cache element type of the model's States.
	KVType KVType
}

// Model is a loaded model: its configuration and its weights, used in
// place from the Source (quantized weights are never expanded), and one
// worker pool. A Model is safe for concurrent use by several States.
type Model struct {
	// Config is the configuration the model was loaded with (with
	// defaults filled in). It is for reading: changing it does not
	// change the loaded model.
	Config Config

	cfg     Config // the configuration the forward pass reads
	threads int
	team    bool // decode steps run as a team (threads > 1 and enough work per token)
	kvType  KVType
	pool    *quant.Pool
	serial  *quant.Pool // one thread, no workers: a part of a product on the calling goroutine
	closed  atomic.Bool

	embd       *weight // token_embd: vocab rows of n_embd
	output     *weight // lm head: token_embd itself when the model ties them
	outputNorm []float32
	layers     []layer
	rope       *rope // rotation with rope_freqs / llama3 / short factors
	ropeLong   *rope // Phi-3 longrope: the long factors, for caches beyond the original context
}

// layer is one transformer block's weights.
type layer struct {
	attnNorm     []float32
	qkv          []product // q, k and v (outputs 0, 1, 2) from the normed input
	bq, bk, bv   []float32
	qNorm, kNorm []float32 // per-head RMSNorm weights (qwen3)
	wo           *weight
	postAttnNorm []float32 // gemma2
	ffnNorm      []float32
	gateUp       []product // gate and up (outputs 0, 1) from the normed input
	down         *weight
	postFFNNorm  []float32 // gemma2
	window       int       // sliding window of this layer, 0 for none
}

// product is one matrix product whose output rows are, in order, the
// segments of several projections of the same input: a fused tensor
// (phi3's attn_qkv, ffn_up [gate; up]), separate tensors that lie back
// to back in the file (read as one matrix, so the input is quantized
// once and the workers are woken once), or a single projection.
type product struct {
	w    *weight
	segs []segment
}

// segment is rows of a product going to output out.
type segment struct{ out, rows int }

// Load checks src's configuration and tensors and returns a Model using
// them in place. Every tensor the configuration calls for must be present
// with the right dimensions; an unsupported architecture or tensor type,
// a missing tensor or one of the wrong shape is an error naming it.
func Load(src Source, opts Options) (*Model, error) {
	cfg, err := src.Config()
	if err != nil {
		return nil, err
	}
	if cfg.Activation == "" {
		cfg.Activation = SiLU
	}
	if cfg.RopeDim == 0 {
		cfg.RopeDim = cfg.HeadDim
	}
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if opts.KVType != KVF32 && opts.KVType != KVF16 {
		return nil, fmt.Errorf("model: unknown KV cache type %d", int(opts.KVType))
	}
	if opts.Threads < 0 {
		return nil, fmt.Errorf("model: Threads = %d must not be negative", opts.Threads)
	}
	threads := opts.Threads
	if threads == 0 {
		threads = runtime.GOMAXPROCS(0)
	}
	m := &Model{cfg: cfg, threads: threads, kvType: opts.KVType}
	if err := m.loadWeights(src); err != nil {
		return nil, err
	}
	m.Config = m.cfg
	m.team = threads > 1 && m.decodeBytes() >= teamMinBytes
	m.pool = quant.NewPool(threads)
	m.serial = quant.NewPool(1)
	return m, nil
}

func (m *Model) loadWeights(src Source) error {
	c := &m.cfg
	E, F, D := c.EmbeddingLength, c.FeedForwardLength, c.HeadDim
	qDim, kvDim := c.HeadCount*D, c.HeadCountKV*D
	var err error
	if m.embd, err = loadMatrix(src, "token_embd.weight", c.VocabSize, E); err != nil {
		return err
	}
	if m.outputNorm, err = loadVector(src, "output_norm.weight", E); err != nil {
		return err
	}
	m.output, err = loadMatrix(src, "output.weight", c.VocabSize, E)
	if isNotFound(err) {
		m.output, err = m.embd, nil // tied embeddings
	}
	if err != nil {
		return err
	}
	// Layers are appended as their tensors check out, and the rotation
	// tables are made after them, so that sizes claimed by the metadata
	// are backed by tensor data before anything is allocated from them.
	m.layers = make([]layer, 0, min(c.BlockCount, 256))
	for i := range c.BlockCount {
		m.layers = append(m.layers, layer{})
		if err := m.loadLayer(src, i, E, F, D, qDim, kvDim); err != nil {
			return err
		}
	}
	return m.loadRope(src)
}

func (m *Model) loadLayer(src Source, i, E, F, D, qDim, kvDim int) error {
	c := &m.cfg
	l := &m.layers[i]
	name := func(s string) string { return fmt.Sprintf("blk.%d.%s", i, s) }
	var err error
	vec := func(dst *[]float32, s string, n int, required bool) {
		if err != nil {
			return
		}
		*dst, err = loadVector(src, name(s), n)
		if !required && isNotFound(err) {
			err = nil
		}
	}
	mtx := func(dst **weight, s string, rows, cols int) {
		if err != nil {
			return
		}
		*dst, err = loadMatrix(src, name(s), rows, cols)
	}
	vec(&l.attnNorm, "attn_norm.weight", E, true)
	if err != nil {
		return err
	}
	wqkv, err := loadMatrix(src, name("attn_qkv.weight"), qDim+2*kvDim, E)
	switch {
	case err == nil:
		l.qkv = []product{{w: wqkv, segs: []segment{{0, qDim}, {1, kvDim}, {2, kvDim}}}}
	case isNotFound(err):
		var wq, wk, wv *weight
		err = nil
		mtx(&wq, "attn_q.weight", qDim, E)
		mtx(&wk, "attn_k.weight", kvDim, E)
		mtx(&wv, "attn_v.weight", kvDim, E)
		vec(&l.bq, "attn_q.bias", qDim, c.QKVBias)
		vec(&l.bk, "attn_k.bias", kvDim, c.QKVBias)
		vec(&l.bv, "attn_v.bias", kvDim, c.QKVBias)
		if err == nil {
			l.qkv = fuse(src, wq, wk, wv)
		}
	}
	if c.QKNorm {
		vec(&l.qNorm, "attn_q_norm.weight", D, true)
		vec(&l.kNorm, "attn_k_norm.weight", D, true)
	}
	mtx(&l.wo, "attn_output.weight", E, qDim)
	if c.PostNorm {
		vec(&l.postAttnNorm, "post_attention_norm.weight", E, true)
		vec(&l.postFFNNorm, "post_ffw_norm.weight", E, true)
	}
	vec(&l.ffnNorm, "ffn_norm.weight", E, true)
	if err != nil {
		return err
	}
	gate, err := loadMatrix(src, name("ffn_gate.weight"), F, E)
	switch {
	case isNotFound(err):
		// No separate gate: ffn_up holds [gate; up] (phi3).
		var gu *weight
		err = nil
		mtx(&gu, "ffn_up.weight", 2*F, E)
		if err == nil {
			l.gateUp = []product{{w: gu, segs: []segment{{0, F}, {1, F}}}}
		}
	case err == nil:
		var up *weight
		mtx(&up, "ffn_up.weight", F, E)
		if err == nil {
			l.gateUp = fuse(src, gate, up)
		}
	}
	mtx(&l.down, "ffn_down.weight", E, F)
	if err != nil {
		return err
	}
	if c.SlidingWindow > 0 && (c.SlidingWindowPattern <= 1 || i%c.SlidingWindowPattern == 0) {
		l.window = c.SlidingWindow
	}
	return nil
}

// loadRope prepares the rotation, with the frequency-factor tensors the
// model may carry: rope_freqs.weight (Llama 3.1), or Phi-3's
// rope_factors_short/long.weight (used by caches up to / beyond the
// original context).
func (m *Model) loadRope(src Source) error {
	c := &m.cfg
	pairs := c.RopeDim / 2
	opt := func(name string) ([]float32, error) {
		v, err := loadVector(src, name, pairs)
		if isNotFound(err) {
			return nil, nil
		}
		return v, err
	}
	freqs, err := opt("rope_freqs.weight")
	if err != nil {
		return err
	}
	short, err := opt("rope_factors_short.weight")
	if err != nil {
		return err
	}
	long, err := opt("rope_factors_long.weight")
	if err != nil {
		return err
	}
	base := freqs
	if base == nil {
		base = short
	}
	if m.rope, err = newRope(c, base); err != nil {
		return err
	}
	if freqs == nil && long != nil {
		if m.ropeLong, err = newRope(c, long); err != nil {
			return err
		}
	}
	return nil
}

// teamMinBytes is the weight bytes one token must read for a decode
// step to be worth a team: below it (stories260K reads 1 MB) waking a
// helper costs more than it saves, and the step runs on one goroutine,
// its larger products still split over the pool.
const teamMinBytes = 8 << 20

// decodeBytes is the weight bytes one decode step reads.
func (m *Model) decodeBytes() int {
	n := len(m.output.data)
	for _, l := range m.layers {
		for _, ps := range [][]product{l.qkv, l.gateUp} {
			for _, p := range ps {
				n += len(p.w.data)
			}
		}
		n += len(l.wo.data) + len(l.down.data)
	}
	return n
}

// Threads is the number of goroutines the model's work is split over.
func (m *Model) Threads() int { return m.threads }

// Close stops the model's worker pool. The Source (an open GGUF file)
// is the caller's to close, after the model. Close is idempotent; the
// Model and its States must not be used afterwards.
func (m *Model) Close() error {
	if m.closed.Swap(true) {
		return nil
	}
	m.pool.Close()
	m.serial.Close()
	return nil
}

var errClosed = errors.New("model: use of a closed Model")

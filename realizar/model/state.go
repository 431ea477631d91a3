package model

import (
	"context"
	"errors"
	"fmt"
	"math"
	"sync/atomic"

	"github.com/batuta-go/stack/trueno"
	"github.com/batuta-go/stack/trueno/mat"
	"github.com/batuta-go/stack/trueno/quant"
)

// maxBatch is the most tokens one pass through the layers takes (llama.cpp's
// default micro-batch); longer inputs go through in several passes.
const maxBatch = 512

// qBlock is the number of query rows one attention work item takes in a
// multi-token pass.
const qBlock = 64

// State is one sequence being evaluated: its key/value cache (up to the
// maxTokens positions given to NewState) and the work buffers of the
// forward pass, all allocated once. A State is not safe for concurrent
// use; several States of one Model may run at once.
type State struct {
	m         *Model
	maxTokens int
	batch     int
	pos       int
	rope      *rope

	// The cache: per layer, maxTokens rows of HeadCountKV·HeadDim values.
	k32, v32     [][]float32
	k16, v16     [][]trueno.Float16
	kHalf, vHalf []*mat.HalfDense[trueno.Float16]

	// Activations of up to batch rows.
	x, xn, q, k, v, att, proj []float32
	fused                     []float32 // output of a product shared by several projections
	gate, up                  []float32
	cos, sin                  []float32 // batch rows of RopeDim/2

	scratch  chan *attnScratch
	attnFunc func(lo, hi int) // s.attnRange, bound once
	job      attnJob
	vecFunc  func(lo, hi int) // s.vecRows, bound once
	vec      vecJob
	act      quant.Activation // the decode input, quantized once for a product's parts
	keepAct  bool             // products of one input in a row (project): keep act
	actKept  bool             // act holds the current input
	teamFunc func(lo, hi int) // s.teamJoin, bound once
	team     team
	helped   atomic.Int64 // chunks of decode steps run by helpers (for tests)
}

// attnScratch is one worker's attention buffers.
type attnScratch struct {
	s   []float32 // scores: qBlock rows of up to maxTokens
	tmp []float32 // one widened float16 key or value row
}

// NewState returns an empty sequence whose cache holds maxTokens
// positions (0 means the model's ContextLength, which is also the
// largest allowed).
func (m *Model) NewState(maxTokens int) (*State, error) {
	if m.closed.Load() {
		return nil, errClosed
	}
	c := &m.cfg
	if maxTokens == 0 {
		maxTokens = c.ContextLength
	}
	if maxTokens < 0 || maxTokens > c.ContextLength {
		return nil, fmt.Errorf("model: NewState(%d): the cache size must be between 1 and the context length %d", maxTokens, c.ContextLength)
	}
	E, F, D := c.EmbeddingLength, c.FeedForwardLength, c.HeadDim
	qDim, kvDim := c.HeadCount*D, c.HeadCountKV*D
	layerElems := maxTokens * kvDim
	if kvDim > 0 && layerElems/kvDim != maxTokens || uint64(layerElems)*uint64(2*c.BlockCount) > math.MaxInt/4 {
		return nil, fmt.Errorf("model: NewState(%d): a cache of %d layers × %d positions × %d values is too large", maxTokens, c.BlockCount, maxTokens, kvDim)
	}
	s := &State{m: m, maxTokens: maxTokens, batch: min(maxTokens, maxBatch), rope: m.rope}
	if m.ropeLong != nil && maxTokens > origContext(c) {
		s.rope = m.ropeLong
	}
	L := c.BlockCount
	switch m.kvType {
	case KVF16:
		all := make([]trueno.Float16, 2*L*layerElems)
		s.k16, s.v16 = make([][]trueno.Float16, L), make([][]trueno.Float16, L)
		s.kHalf, s.vHalf = make([]*mat.HalfDense[trueno.Float16], L), make([]*mat.HalfDense[trueno.Float16], L)
		for i := range L {
			s.k16[i] = all[2*i*layerElems : (2*i+1)*layerElems]
			s.v16[i] = all[(2*i+1)*layerElems : (2*i+2)*layerElems]
			s.kHalf[i] = mat.NewHalfDense(maxTokens, kvDim, s.k16[i])
			s.vHalf[i] = mat.NewHalfDense(maxTokens, kvDim, s.v16[i])
		}
	default:
		all := make([]float32, 2*L*layerElems)
		s.k32, s.v32 = make([][]float32, L), make([][]float32, L)
		for i := range L {
			s.k32[i] = all[2*i*layerElems : (2*i+1)*layerElems]
			s.v32[i] = all[(2*i+1)*layerElems : (2*i+2)*layerElems]
		}
	}
	B := s.batch
	s.x = make([]float32, B*E)
	s.xn = make([]float32, B*E)
	s.proj = make([]float32, B*E)
	s.q = make([]float32, B*qDim)
	s.att = make([]float32, B*qDim)
	s.k = make([]float32, B*kvDim)
	s.v = make([]float32, B*kvDim)
	fused := 0 // the widest product that several projections share
	for i := range m.layers {
		for _, ps := range [][]product{m.layers[i].qkv, m.layers[i].gateUp} {
			for _, p := range ps {
				if len(p.segs) > 1 {
					fused = max(fused, p.w.rows)
				}
			}
		}
	}
	if fused > 0 {
		s.fused = make([]float32, B*fused)
	}
	s.gate = make([]float32, B*F)
	s.up = make([]float32, B*F)
	pairs := c.RopeDim / 2
	s.cos = make([]float32, B*pairs)
	s.sin = make([]float32, B*pairs)
	s.scratch = make(chan *attnScratch, m.threads)
	for range m.threads {
		s.scratch <- &attnScratch{s: make([]float32, min(qBlock, B)*maxTokens), tmp: make([]float32, D)}
	}
	s.attnFunc = s.attnRange
	s.vecFunc = s.vecRows
	s.teamFunc = s.teamJoin
	return s, nil
}

func origContext(c *Config) int {
	if c.RopeScaling.OriginalContextLength > 0 {
		return c.RopeScaling.OriginalContextLength
	}
	return c.ContextLength
}

// Pos is the number of positions evaluated so far: the position the next
// token gets.
func (s *State) Pos() int { return s.pos }

// MaxTokens is the size of the cache: Pos never goes beyond it.
func (s *State) MaxTokens() int { return s.maxTokens }

// Reset empties the sequence (Pos becomes 0).
func (s *State) Reset() { s.pos = 0 }

// Truncate forgets the cached positions from pos on, so that evaluation
// continues at pos: a prompt's shared prefix is kept and the rest
// re-evaluated.
func (s *State) Truncate(pos int) error {
	if pos < 0 || pos > s.pos {
		return fmt.Errorf("model: Truncate(%d): position outside 0..%d", pos, s.pos)
	}
	s.pos = pos
	return nil
}

// Eval appends tokens at positions Pos()… and, when logits is not nil,
// writes the output logits of the last of them into logits (len
// VocabSize). Up to 512 tokens at a time go through the layers together,
// as matrix-matrix products; a single token takes the matrix-vector path.
// The context is checked between layers. On error — an invalid token id,
// a cache too small, cancellation — Pos is left as it was before the call.
func (s *State) Eval(ctx context.Context, tokens []int32, logits []float32) error {
	if logits != nil && len(logits) != s.m.cfg.VocabSize {
		return fmt.Errorf("model: Eval: logits has length %d, want the vocabulary size %d", len(logits), s.m.cfg.VocabSize)
	}
	return s.eval(ctx, tokens, logits, nil)
}

// EvalHidden is Eval that writes, instead of logits, the final hidden
// state (after the output norm) of every position: len(tokens) rows of
// EmbeddingLength values, for embeddings.
func (s *State) EvalHidden(ctx context.Context, tokens []int32, hidden []float32) error {
	if want := len(tokens) * s.m.cfg.EmbeddingLength; len(hidden) != want {
		return fmt.Errorf("model: EvalHidden: hidden has length %d, want %d (%d tokens × %d)", len(hidden), want, len(tokens), s.m.cfg.EmbeddingLength)
	}
	return s.eval(ctx, tokens, nil, hidden)
}

func (s *State) eval(ctx context.Context, tokens []int32, logits, hidden []float32) error {
	m := s.m
	if m.closed.Load() {
		return errClosed
	}
	if len(tokens) == 0 {
		return errors.New("model: Eval: no tokens")
	}
	for i, t := range tokens {
		if t < 0 || int(t) >= m.cfg.VocabSize {
			return fmt.Errorf("model: Eval: token %d (index %d) is outside the vocabulary of %d", t, i, m.cfg.VocabSize)
		}
	}
	if len(tokens) > s.maxTokens-s.pos {
		return fmt.Errorf("model: Eval: %d tokens at position %d go beyond the cache of %d positions", len(tokens), s.pos, s.maxTokens)
	}
	start := s.pos
	E := m.cfg.EmbeddingLength
	for i := 0; i < len(tokens); i += s.batch {
		j := min(i+s.batch, len(tokens))
		var lg, hd []float32
		if j == len(tokens) {
			lg = logits
		}
		if hidden != nil {
			hd = hidden[i*E : j*E]
		}
		if err := s.forward(ctx, tokens[i:j], start+i, lg, hd); err != nil {
			s.pos = start
			return err
		}
		s.pos = start + j
	}
	return nil
}

// forward runs n ≤ batch tokens at positions pos0… through the model.
// Only the outputs asked for are computed: the last layer stops after
// its cache update when neither logits nor hidden states are wanted, and
// runs only the last row when just the logits are.
func (s *State) forward(ctx context.Context, toks []int32, pos0 int, logits, hidden []float32) error {
	if len(toks) == 1 && s.m.team {
		return s.teamStep(ctx, toks[0], pos0, logits, hidden)
	}
	return s.forwardBody(ctx, toks, pos0, logits, hidden)
}

// forwardBody is forward on the calling goroutine (the leader of a team
// step, or the only one).
func (s *State) forwardBody(ctx context.Context, toks []int32, pos0 int, logits, hidden []float32) error {
	m := s.m
	c := &m.cfg
	E := c.EmbeddingLength
	n := len(toks)
	for i, t := range toks {
		row := s.x[i*E : (i+1)*E]
		m.embd.row(row, int(t))
		if c.EmbedScale != 0 {
			trueno.Scale(c.EmbedScale, row)
		}
	}
	pairs := c.RopeDim / 2
	for i := range n {
		s.rope.angles(s.cos[i*pairs:(i+1)*pairs], s.sin[i*pairs:(i+1)*pairs], pos0+i)
	}
	need := n
	switch {
	case hidden != nil:
	case logits != nil:
		need = 1
	default:
		need = 0
	}
	rows := n
	for il := range m.layers {
		if err := ctx.Err(); err != nil {
			return err
		}
		out := n
		if il == len(m.layers)-1 {
			out = need
		}
		rows = s.layer(il, n, pos0, out)
	}
	if hidden != nil {
		for i := range rows {
			trueno.RMSNormTo(hidden[i*E:(i+1)*E], s.x[i*E:(i+1)*E], m.outputNorm, c.RMSNormEps)
		}
	}
	if logits != nil {
		last := s.x[(rows-1)*E : rows*E]
		xn := s.xn[:E]
		trueno.RMSNormTo(xn, last, m.outputNorm, c.RMSNormEps)
		s.mulVec(m.output, logits, xn)
		if cp := c.FinalSoftcap; cp > 0 {
			softcap(logits, cp)
		}
	}
	return nil
}

// softcap sets x[i] = c·tanh(x[i]/c).
func softcap(x []float32, c float32) {
	trueno.ScaleTo(x, 1/c, x)
	trueno.TanhTo(x, x)
	trueno.Scale(c, x)
}

// layer runs block il over the n rows of s.x at positions pos0… and
// returns the number of rows of s.x that hold its output: n, or when out
// < n only the last row (out == 1, moved to row 0) or none (out == 0:
// the cache is updated and the rest skipped).
func (s *State) layer(il, n, pos0, out int) int {
	m := s.m
	c := &m.cfg
	l := &m.layers[il]
	E, F, D := c.EmbeddingLength, c.FeedForwardLength, c.HeadDim
	qDim, kvDim := c.HeadCount*D, c.HeadCountKV*D
	eps := c.RMSNormEps

	rmsRows(s.xn, s.x, n, E, l.attnNorm, eps)
	s.project(l.qkv, s.xn, n, [3][]float32{s.q, s.k, s.v})
	if l.bq != nil {
		addRows(s.q, n, l.bq)
	}
	if l.bk != nil {
		addRows(s.k, n, l.bk)
	}
	if l.bv != nil {
		addRows(s.v, n, l.bv)
	}
	if l.qNorm != nil {
		rmsRows(s.q, s.q, n*c.HeadCount, D, l.qNorm, eps)
	}
	if l.kNorm != nil {
		rmsRows(s.k, s.k, n*c.HeadCountKV, D, l.kNorm, eps)
	}
	pairs := c.RopeDim / 2
	for i := range n {
		cs, sn := s.cos[i*pairs:(i+1)*pairs], s.sin[i*pairs:(i+1)*pairs]
		s.rope.apply(s.q[i*qDim:(i+1)*qDim], D, cs, sn)
		s.rope.apply(s.k[i*kvDim:(i+1)*kvDim], D, cs, sn)
	}
	s.store(il, n, pos0)
	if out == 0 {
		return 0
	}

	qr0 := 0
	if out < n {
		qr0 = n - 1
	}
	s.attention(il, qr0, n-qr0, pos0+qr0)
	if qr0 > 0 {
		copy(s.x[:E], s.x[qr0*E:(qr0+1)*E])
		n = 1
	}

	s.mulMat(l.wo, s.proj, s.att, n)
	if l.postAttnNorm != nil {
		rmsRows(s.proj, s.proj, n, E, l.postAttnNorm, eps)
	}
	trueno.AddTo(s.x[:n*E], s.x[:n*E], s.proj[:n*E])

	rmsRows(s.xn, s.x, n, E, l.ffnNorm, eps)
	act := trueno.SiLUTo
	if c.Activation == GELU {
		act = geluTo
	}
	s.project(l.gateUp, s.xn, n, [3][]float32{s.gate, s.up})
	g, h := s.gate[:n*F], s.up[:n*F]
	act(g, g)
	trueno.MulTo(h, g, h)
	s.mulMat(l.down, s.proj, h, n)
	if l.postFFNNorm != nil {
		rmsRows(s.proj, s.proj, n, E, l.postFFNNorm, eps)
	}
	trueno.AddTo(s.x[:n*E], s.x[:n*E], s.proj[:n*E])
	return n
}

// geluTo is the GELU of the feed-forward block; tests swap in ggml's
// float16-table approximation to show what the remaining difference from
// llama.cpp is made of.
var geluTo = trueno.GELUTo

// project runs the products ps on the n rows of x; segment outputs go to
// out[seg.out] (n rows of seg.rows values each).
func (s *State) project(ps []product, x []float32, n int, out [3][]float32) {
	// One token's input is quantized once for products of the same type.
	s.keepAct = true
	defer func() { s.keepAct, s.actKept = false, false }()
	for _, p := range ps {
		if len(p.segs) == 1 {
			s.mulMat(p.w, out[p.segs[0].out], x, n)
			continue
		}
		s.mulMat(p.w, s.fused, x, n)
		total := p.w.rows
		for b := range n {
			off := b * total
			for _, sg := range p.segs {
				copy(out[sg.out][b*sg.rows:(b+1)*sg.rows], s.fused[off:off+sg.rows])
				off += sg.rows
			}
		}
	}
}

// rmsRows RMS-normalises rows of width d: dst row i = RMSNorm(x row i)·w.
func rmsRows(dst, x []float32, rows, d int, w []float32, eps float32) {
	for i := range rows {
		trueno.RMSNormTo(dst[i*d:(i+1)*d], x[i*d:(i+1)*d], w, eps)
	}
}

// store writes the n new key and value rows into layer il's cache at
// positions pos0….
func (s *State) store(il, n, pos0 int) {
	kvDim := s.m.cfg.HeadCountKV * s.m.cfg.HeadDim
	lo, hi := pos0*kvDim, (pos0+n)*kvDim
	if s.k16 != nil {
		trueno.Float32ToFloat16(s.k16[il][lo:hi], s.k[:n*kvDim])
		trueno.Float32ToFloat16(s.v16[il][lo:hi], s.v[:n*kvDim])
		return
	}
	copy(s.k32[il][lo:hi], s.k[:n*kvDim])
	copy(s.v32[il][lo:hi], s.v[:n*kvDim])
}

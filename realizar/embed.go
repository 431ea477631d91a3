package realizar

import (
	"context"
	"errors"
	"fmt"
	"math"
)

// Pooling chooses how Embed turns the hidden states of every position into
// one vector; Normalized may be or-ed in.
type Pooling int

const (
	// MeanPooling averages the positions.
	MeanPooling Pooling = iota
	// LastPooling takes the last position (decoder models' usual choice).
	LastPooling
	// CLSPooling takes the first position (BERT's [CLS]).
	CLSPooling

	// Normalized scales the pooled vector to unit L2 norm.
	Normalized Pooling = 1 << 8
)

// Embed returns a vector for text: the final hidden states (after the
// output norm) of its tokens, BOS included when the vocabulary adds one,
// pooled as asked.
func (l *LLM) Embed(ctx context.Context, text string, pooling Pooling) ([]float32, error) {
	return l.EmbedTokens(ctx, l.vocab.Encode(text, true, false), pooling)
}

// EmbedTokens is Embed for text already tokenized.
func (l *LLM) EmbedTokens(ctx context.Context, ids []int32, pooling Pooling) ([]float32, error) {
	if l.closed.Load() {
		return nil, ErrClosed
	}
	kind := pooling &^ Normalized
	if kind != MeanPooling && kind != LastPooling && kind != CLSPooling {
		return nil, fmt.Errorf("realizar: unknown pooling %d", int(pooling))
	}
	if len(ids) == 0 {
		return nil, errors.New("realizar: nothing to embed (no tokens)")
	}
	if n := l.ContextLength(); len(ids) > n {
		return nil, fmt.Errorf("realizar: %d tokens to embed, more than the context of %d", len(ids), n)
	}
	for i, id := range ids {
		if id < 0 || int(id) >= l.net.vocabSize() {
			return nil, fmt.Errorf("realizar: token %d (position %d) is outside the vocabulary [0, %d)", id, i, l.net.vocabSize())
		}
	}
	seq, err := l.net.newSequence(len(ids))
	if err != nil {
		return nil, fmt.Errorf("realizar: %w", err)
	}
	e := l.net.embeddingLength()
	hidden := make([]float32, len(ids)*e)
	if err := seq.EvalHidden(ctx, ids, hidden); err != nil {
		return nil, evalError(ctx, err, "text to embed")
	}
	out := make([]float32, e)
	switch kind {
	case MeanPooling:
		// Sum in float64: thousands of positions lose nothing.
		acc := make([]float64, e)
		for t := range ids {
			for j, v := range hidden[t*e : (t+1)*e] {
				acc[j] += float64(v)
			}
		}
		for j := range out {
			out[j] = float32(acc[j] / float64(len(ids)))
		}
	case LastPooling:
		copy(out, hidden[(len(ids)-1)*e:])
	case CLSPooling:
		copy(out, hidden[:e])
	}
	if pooling&Normalized != 0 {
		var ss float64
		for _, v := range out {
			ss += float64(v) * float64(v)
		}
		if ss > 0 {
			inv := 1 / math.Sqrt(ss)
			for j := range out {
				out[j] = float32(float64(out[j]) * inv)
			}
		}
	}
	return out, nil
}

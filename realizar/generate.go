package realizar

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"math"
	"time"

	"github.com/batuta-go/stack/realizar/sample"
)

// Generate continues prompt and streams the generated text. The prompt is
// tokenized as llama.cpp does for completion (BOS as the vocabulary asks,
// special-token text not parsed), evaluated in one batch, then tokens are
// sampled with p one at a time.
//
// The sequence ends after p.MaxTokens tokens, on an end-of-generation
// token (unless p.IgnoreEOS), on a stop string (not emitted), or when the
// context is full; the last Token's Stats.Stop says which. A cancelled ctx
// ends it with ctx.Err(); any other failure ends it with an error. Breaking
// out of the loop stops the generation.
func (l *LLM) Generate(ctx context.Context, prompt string, p sample.Params) iter.Seq2[Token, error] {
	return l.GenerateTokens(ctx, l.vocab.Encode(prompt, true, false), p)
}

// GenerateTokens is Generate for a prompt already tokenized (BOS included
// if the model wants one).
func (l *LLM) GenerateTokens(ctx context.Context, prompt []int32, p sample.Params) iter.Seq2[Token, error] {
	return func(yield func(Token, error) bool) {
		if err := l.generate(ctx, prompt, p, yield); err != nil {
			yield(Token{}, err)
		}
	}
}

// generate runs one generation; an error it returns has not been yielded.
func (l *LLM) generate(ctx context.Context, prompt []int32, p sample.Params, yield func(Token, error) bool) error {
	if l.closed.Load() {
		return ErrClosed
	}
	if len(prompt) == 0 {
		return errors.New("realizar: empty prompt (no tokens to start from)")
	}
	vocab := l.net.vocabSize()
	for i, id := range prompt {
		if id < 0 || int(id) >= vocab {
			return fmt.Errorf("realizar: prompt token %d (position %d) is outside the vocabulary [0, %d)", id, i, vocab)
		}
	}
	if err := p.Validate(); err != nil {
		return err
	}
	limit := l.ContextLength()
	if len(prompt) > limit {
		return fmt.Errorf("realizar: the prompt has %d tokens, more than the context of %d", len(prompt), limit)
	}
	// The cache holds the prompt and every generated token but the last,
	// which is never evaluated.
	size := limit
	if p.MaxTokens > 0 {
		size = min(limit, len(prompt)+p.MaxTokens-1)
		size = max(size, len(prompt))
	}
	smp, err := sample.New(p, vocab)
	if err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	seq, err := l.net.newSequence(size)
	if err != nil {
		return fmt.Errorf("realizar: %w", err)
	}
	for _, id := range prompt {
		smp.Accept(id)
	}

	var st Stats
	logits := make([]float32, vocab)
	start := time.Now()
	if err := seq.Eval(ctx, prompt, logits); err != nil {
		return evalError(ctx, err, "prompt")
	}
	// Output ids past the tokenizer's vocabulary (models whose output is
	// padded) are never sampled.
	known := l.vocab.VocabSize()
	ban := func() {
		for i := known; i < len(logits); i++ {
			logits[i] = float32(math.Inf(-1))
		}
	}
	ban()
	st.PromptTokens = len(prompt)
	st.PromptDuration = time.Since(start)
	genStart := time.Now()

	next := make([]int32, 1)
	dec := l.vocab.newDecoder()
	stop := &stopFilter{stops: p.Stop}
	for {
		id, err := smp.Sample(logits)
		if err != nil {
			return fmt.Errorf("realizar: sampling token %d: %w", st.GeneratedTokens+1, err)
		}
		smp.Accept(id)
		st.GeneratedTokens++

		var text string
		switch {
		case !p.IgnoreEOS && l.vocab.IsEOG(id):
			st.Stop = StopEOG
			text = stop.finish(dec.Flush())
		default:
			out, stopped := stop.push(dec.Next(id))
			text = out
			switch {
			case stopped:
				st.Stop = StopString
			case p.MaxTokens > 0 && st.GeneratedTokens >= p.MaxTokens:
				st.Stop = StopMaxTokens
			case seq.Pos() >= size:
				st.Stop = StopContextFull
			}
			if st.Stop != NotStopped && st.Stop != StopString {
				text += stop.finish(dec.Flush())
			}
		}
		st.GenerateDuration = time.Since(genStart)
		if !yield(Token{ID: id, Text: text, Stats: st}, nil) || st.Stop != NotStopped {
			return nil
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		next[0] = id
		if err := seq.Eval(ctx, next, logits); err != nil {
			return evalError(ctx, err, fmt.Sprintf("token %d", st.GeneratedTokens))
		}
		ban()
	}
}

// evalError reports a failed evaluation; a cancelled context is reported as
// ctx.Err() itself, whatever the model wrapped around it.
func evalError(ctx context.Context, err error, what string) error {
	if ctxErr := ctx.Err(); ctxErr != nil {
		return ctxErr
	}
	return fmt.Errorf("realizar: evaluating the %s: %w", what, err)
}

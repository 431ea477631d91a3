package realizar

import (
	"context"
	"errors"
	"strings"
	"sync/atomic"
	"unicode/utf8"
)

// A scripted model and a byte-level tokenizer, so that the generation loop
// can be tested exactly without a model file.

const (
	fakeBOS   = 256
	fakeEOS   = 257
	fakeVocab = 258
)

type fakeNet struct {
	vocab   int     // output width (≥ fakeVocab; more = padding)
	ctxLen  int     // context length
	script  []int32 // the tokens it generates, in order
	padHigh bool    // give padding ids the highest logits
	evals   atomic.Int64
	onEval  func(pos int) // called before every Eval
	lastNew atomic.Int64  // size of the last sequence made
}

func (n *fakeNet) newSequence(maxTokens int) (sequence, error) {
	if maxTokens <= 0 || maxTokens > n.ctxLen {
		return nil, errors.New("fake: bad cache size")
	}
	n.lastNew.Store(int64(maxTokens))
	return &fakeSeq{n: n, max: maxTokens, prompt: -1}, nil
}
func (n *fakeNet) vocabSize() int       { return n.vocab }
func (n *fakeNet) contextLength() int   { return n.ctxLen }
func (n *fakeNet) embeddingLength() int { return 3 }
func (n *fakeNet) close() error         { return nil }

type fakeSeq struct {
	n      *fakeNet
	max    int
	pos    int
	prompt int // prompt length, known at the first Eval
	toks   []int32
}

func (s *fakeSeq) Pos() int { return s.pos }

func (s *fakeSeq) Eval(ctx context.Context, tokens []int32, logits []float32) error {
	if s.n.onEval != nil {
		s.n.onEval(s.pos)
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if s.pos+len(tokens) > s.max {
		return errors.New("fake: cache full")
	}
	s.n.evals.Add(1)
	if s.prompt < 0 {
		s.prompt = len(tokens)
	}
	s.toks = append(s.toks, tokens...)
	s.pos += len(tokens)
	gen := s.pos - s.prompt
	for i := range logits {
		logits[i] = 0
	}
	want := int32(fakeEOS)
	if gen < len(s.n.script) {
		want = s.n.script[gen]
	}
	logits[want] = 10
	if s.n.padHigh {
		for i := fakeVocab; i < len(logits); i++ {
			logits[i] = 20
		}
	}
	return nil
}

func (s *fakeSeq) EvalHidden(ctx context.Context, tokens []int32, hidden []float32) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	for t, id := range tokens {
		hidden[3*t] = float32(t)
		hidden[3*t+1] = float32(id)
		hidden[3*t+2] = 1
	}
	s.pos += len(tokens)
	return nil
}

type fakeTok struct {
	template string
	addBOS   bool
}

func (f *fakeTok) Encode(text string, addSpecial, parseSpecial bool) []int32 {
	var out []int32
	if addSpecial && f.addBOS && !(parseSpecial && strings.HasPrefix(text, "<s>")) {
		out = append(out, fakeBOS)
	}
	for i := 0; i < len(text); i++ {
		switch {
		case parseSpecial && strings.HasPrefix(text[i:], "<s>"):
			out = append(out, fakeBOS)
			i += 2
		case parseSpecial && strings.HasPrefix(text[i:], "</s>"):
			out = append(out, fakeEOS)
			i += 3
		default:
			out = append(out, int32(text[i]))
		}
	}
	return out
}

func (f *fakeTok) newDecoder() textDecoder { return &fakeDecoder{} }
func (f *fakeTok) VocabSize() int          { return fakeVocab }
func (f *fakeTok) IsEOG(id int32) bool     { return id == fakeEOS }
func (f *fakeTok) BOS() (int32, bool)      { return fakeBOS, true }
func (f *fakeTok) EOS() (int32, bool)      { return fakeEOS, true }
func (f *fakeTok) ChatTemplate() string    { return f.template }
func (f *fakeTok) TokenText(id int32) string {
	switch id {
	case fakeBOS:
		return "<s>"
	case fakeEOS:
		return "</s>"
	}
	return string(rune(id))
}

type fakeDecoder struct{ pending []byte }

func (d *fakeDecoder) Next(id int32) string {
	if id < 256 {
		d.pending = append(d.pending, byte(id))
	}
	n := 0
	for n < len(d.pending) {
		r, size := utf8.DecodeRune(d.pending[n:])
		if r == utf8.RuneError && !utf8.FullRune(d.pending[n:]) {
			break
		}
		n += size
	}
	out := strings.ToValidUTF8(string(d.pending[:n]), "\uFFFD")
	d.pending = d.pending[n:]
	return out
}

func (d *fakeDecoder) Flush() string {
	out := strings.ToValidUTF8(string(d.pending), "\uFFFD")
	d.pending = nil
	return out
}

// scriptOf is the byte tokens of s.
func scriptOf(s string, tail ...int32) []int32 {
	var ids []int32
	for i := 0; i < len(s); i++ {
		ids = append(ids, int32(s[i]))
	}
	return append(ids, tail...)
}

func newFake(script []int32, ctxLen int) (*LLM, *fakeNet) {
	n := &fakeNet{vocab: fakeVocab, ctxLen: ctxLen, script: script}
	l, err := newLLM(n, &fakeTok{addBOS: true}, Options{})
	if err != nil {
		panic(err)
	}
	return l, n
}

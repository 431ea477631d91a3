package realizar

import (
	"errors"
	"fmt"
	"os"

	"github.com/batuta-go/stack/realizar/gguf"
	"github.com/batuta-go/stack/realizar/model"
	"github.com/batuta-go/stack/realizar/tokenizer"
)

// ErrUnsupported is returned by Load for a model format this build cannot
// load yet.
var ErrUnsupported = errors.New("realizar: unsupported model format")

// Load opens a model: a GGUF file (split files by their first part,
// "-00001-of-0000N.gguf"), memory-mapped so that the weights are used in
// place, with the tokenizer its metadata describes. Close the LLM to
// release the file.
func Load(path string, opts Options) (*LLM, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("realizar: %w", err)
	}
	if fi.IsDir() {
		return nil, fmt.Errorf("realizar: %s is a directory: loading a SafeTensors model directory is not supported yet: %w", path, ErrUnsupported)
	}
	f, err := gguf.Open(path)
	if err != nil {
		return nil, fmt.Errorf("realizar: %w", err)
	}
	l, err := fromGGUF(f, opts)
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("realizar: %s: %w", path, err)
	}
	return l, nil
}

func fromGGUF(f *gguf.File, opts Options) (*LLM, error) {
	mopts := model.Options{Threads: opts.Threads}
	if opts.KVF16 {
		mopts.KVType = model.KVF16
	}
	m, err := model.Load(model.GGUFSource(f), mopts)
	if err != nil {
		return nil, err
	}
	tok, err := tokenizer.FromGGUF(f)
	if err != nil {
		m.Close()
		return nil, err
	}
	l, err := newLLM(modelNet{m}, tokenVocab{tok}, opts)
	if err != nil {
		m.Close()
		return nil, err
	}
	l.closers = append(l.closers, f.Close)
	return l, nil
}

// modelNet adapts a model.Model.
type modelNet struct{ m *model.Model }

func (n modelNet) newSequence(maxTokens int) (sequence, error) {
	s, err := n.m.NewState(maxTokens)
	if err != nil {
		return nil, err
	}
	return s, nil
}
func (n modelNet) vocabSize() int       { return n.m.Config.VocabSize }
func (n modelNet) contextLength() int   { return n.m.Config.ContextLength }
func (n modelNet) embeddingLength() int { return n.m.Config.EmbeddingLength }
func (n modelNet) close() error         { return n.m.Close() }

// tokenVocab adapts a tokenizer.Tokenizer.
type tokenVocab struct{ *tokenizer.Tokenizer }

func (t tokenVocab) newDecoder() textDecoder { return t.NewDecoder() }

// Model returns the loaded model (its Config, or lower-level States), nil
// for an LLM not loaded from a model file.
func (l *LLM) Model() *model.Model {
	if n, ok := l.net.(modelNet); ok {
		return n.m
	}
	return nil
}

// Tokenizer returns the model's tokenizer, nil for an LLM not loaded from a
// model file.
func (l *LLM) Tokenizer() *tokenizer.Tokenizer {
	if t, ok := l.vocab.(tokenVocab); ok {
		return t.Tokenizer
	}
	return nil
}

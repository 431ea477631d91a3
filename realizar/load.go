package realizar

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/batuta-go/stack/realizar/gguf"
	"github.com/batuta-go/stack/realizar/model"
	"github.com/batuta-go/stack/realizar/safetensors"
	"github.com/batuta-go/stack/realizar/tokenizer"
)

// ErrUnsupported is returned by Load for a model format this build cannot
// load yet.
var ErrUnsupported = errors.New("realizar: unsupported model format")

// Load opens a model, memory-mapped so that the weights are used in place:
//   - a GGUF file (split files by their first part, "-00001-of-0000N.gguf"),
//     with the tokenizer its metadata describes;
//   - a Hugging Face model directory: config.json, model.safetensors (or
//     the shards of model.safetensors.index.json) and tokenizer.json
//     (with tokenizer_config.json for the chat template and special
//     tokens).
//
// Close the LLM to release the files.
func Load(path string, opts Options) (*LLM, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("realizar: %w", err)
	}
	if fi.IsDir() {
		l, err := fromHF(path, opts)
		if err != nil {
			return nil, fmt.Errorf("realizar: %s: %w", path, err)
		}
		return l, nil
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
	m, err := model.Load(model.GGUFSource(f), modelOptions(opts))
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

func fromHF(dir string, opts Options) (*LLM, error) {
	if _, err := os.Stat(filepath.Join(dir, safetensors.ConfigName)); err != nil {
		return nil, fmt.Errorf("not a Hugging Face model directory (no %s): %w", safetensors.ConfigName, ErrUnsupported)
	}
	src, err := safetensors.OpenModel(dir)
	if err != nil {
		return nil, err
	}
	m, err := model.Load(src, modelOptions(opts))
	if err != nil {
		src.Close()
		return nil, err
	}
	tok, err := tokenizer.FromHF(dir)
	if err != nil {
		m.Close()
		src.Close()
		return nil, err
	}
	l, err := newLLM(modelNet{m}, tokenVocab{tok}, opts)
	if err != nil {
		m.Close()
		src.Close()
		return nil, err
	}
	l.closers = append(l.closers, src.Close)
	return l, nil
}

func modelOptions(opts Options) model.Options {
	mo := model.Options{Threads: opts.Threads}
	if opts.KVF16 {
		mo.KVType = model.KVF16
	}
	return mo
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

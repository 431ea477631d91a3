package realizar

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/batuta-go/stack/realizar/chat"
)

// LLM is a loaded language model with its tokenizer. It is safe for
// concurrent use: every call evaluates its own sequence (its own KV cache)
// and the weights are shared read-only.
type LLM struct {
	net   network
	vocab vocabulary
	opts  Options

	chatOnce sync.Once
	chatTmpl *chat.Template
	chatErr  error

	closed    atomic.Bool
	closeOnce sync.Once
	closeErr  error
	closers   []func() error // run by Close after the network
}

// Options tune Load. The zero value uses every CPU, a float32 KV cache and
// a context of up to DefaultContextSize positions.
type Options struct {
	// Threads is the number of goroutines of the forward pass; 0 means
	// GOMAXPROCS.
	Threads int
	// KVF16 stores the KV cache in float16 (half the memory).
	KVF16 bool
	// ContextSize caps the positions of one sequence (prompt plus
	// generated tokens); 0 means DefaultContextSize, and the model's
	// context length is the upper bound. A generation with
	// Params.MaxTokens only allocates the cache it can use.
	ContextSize int
}

// DefaultContextSize is the context of a sequence when Options.ContextSize
// is 0 (llama.cpp's default): long-context models would otherwise reserve a
// KV cache of their whole trained length for every call.
const DefaultContextSize = 4096

// ErrClosed is returned by Generate, Chat and Embed on a closed LLM.
var ErrClosed = errors.New("realizar: the LLM is closed")

func newLLM(net network, vocab vocabulary, opts Options) (*LLM, error) {
	if opts.Threads < 0 {
		return nil, fmt.Errorf("realizar: Options.Threads = %d: must be ≥ 0", opts.Threads)
	}
	if opts.ContextSize < 0 {
		return nil, fmt.Errorf("realizar: Options.ContextSize = %d: must be ≥ 0", opts.ContextSize)
	}
	if n, m := vocab.VocabSize(), net.vocabSize(); n > m {
		return nil, fmt.Errorf("realizar: the tokenizer has %d tokens but the model's output has %d", n, m)
	}
	return &LLM{net: net, vocab: vocab, opts: opts}, nil
}

// Close releases the model (and the memory-mapped file). Calls already
// running must have returned.
func (l *LLM) Close() error {
	l.closeOnce.Do(func() {
		l.closed.Store(true)
		l.closeErr = l.net.close()
		for _, c := range l.closers {
			if err := c(); err != nil && l.closeErr == nil {
				l.closeErr = err
			}
		}
	})
	return l.closeErr
}

// VocabSize is the number of logits per position.
func (l *LLM) VocabSize() int { return l.net.vocabSize() }

// ContextLength is the longest sequence a call can evaluate:
// Options.ContextSize (or DefaultContextSize), at most the model's context
// length.
func (l *LLM) ContextLength() int {
	c := l.opts.ContextSize
	if c == 0 {
		c = DefaultContextSize
	}
	return min(c, l.net.contextLength())
}

// EmbeddingLength is the width of the vectors Embed returns.
func (l *LLM) EmbeddingLength() int { return l.net.embeddingLength() }

// Tokenize converts text to token ids as the model's tokenizer does
// (llama.cpp's tokenize with add_special and parse_special).
func (l *LLM) Tokenize(text string, addSpecial, parseSpecial bool) []int32 {
	return l.vocab.Encode(text, addSpecial, parseSpecial)
}

// Detokenize converts ids to text as a generation would show them.
func (l *LLM) Detokenize(ids []int32) string {
	d := l.vocab.newDecoder()
	var b strings.Builder
	for _, id := range ids {
		b.WriteString(d.Next(id))
	}
	b.WriteString(d.Flush())
	return b.String()
}

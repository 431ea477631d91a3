package model

import (
	"errors"
	"fmt"
	"math"

	"github.com/batuta-go/stack/realizar/gguf"
)

// Tensor is one named weight as a Source hands it out: its element type,
// its dimensions in GGUF order (Dims[0] is the innermost, contiguous one:
// a weight matrix of out rows of in values each is Dims = [in, out]) and
// its raw bytes in that type's layout. Data is only read; it may be a
// slice of a read-only memory mapping.
type Tensor struct {
	Name string
	Type gguf.TensorType
	Dims []int
	Data []byte
}

// Source is where a model comes from: its hyper-parameters and its
// tensors under their GGUF names ("token_embd.weight",
// "blk.0.attn_q.weight", ...). The GGUF reader's adapter is GGUFSource;
// other formats (SafeTensors with a Hugging Face config.json) provide
// their own. Tensor returns an error wrapping gguf.ErrTensorNotFound
// when the model has no tensor of that name.
type Source interface {
	Config() (Config, error)
	Tensor(name string) (Tensor, error)
}

// GGUFSource adapts an opened GGUF file to Source: the configuration
// comes from the file's metadata (see Config for the keys) and the
// tensors are the file's own bytes, used in place (no copy when the file
// was memory-mapped). The file must stay open while a Model loaded from
// it is in use.
func GGUFSource(f *gguf.File) Source { return ggufSource{f} }

type ggufSource struct{ f *gguf.File }

func (s ggufSource) Config() (Config, error) { return configFromGGUF(s.f) }

func (s ggufSource) Tensor(name string) (Tensor, error) {
	info, ok := s.f.Tensor(name)
	if !ok {
		return Tensor{}, fmt.Errorf("model: tensor %q: %w", name, gguf.ErrTensorNotFound)
	}
	dims := make([]int, len(info.Dims))
	for i, d := range info.Dims {
		if d > math.MaxInt32 {
			return Tensor{}, fmt.Errorf("model: tensor %q: dimension %d is %d, too large", name, i, d)
		}
		dims[i] = int(d)
	}
	data, err := s.f.TensorData(name)
	if err != nil {
		return Tensor{}, fmt.Errorf("model: tensor %q: %w", name, err)
	}
	return Tensor{Name: name, Type: info.Type, Dims: dims, Data: data}, nil
}

// isNotFound reports whether err says that a tensor is absent.
func isNotFound(err error) bool { return errors.Is(err, gguf.ErrTensorNotFound) }

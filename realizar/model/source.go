package model

import (
	"errors"
	"fmt"
	"math"
	"unsafe"

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

// contiguousSource is implemented by sources that can hand out the bytes
// of tensors stored back to back as one slice, so that projections of the
// same input run as one product.
type contiguousSource interface {
	// adjacent reports whether tensor b starts where tensor a ends, in
	// memory that holds both (a file mapping).
	adjacent(a, b string) bool
	// span returns the bytes from the start of tensor first to the end
	// of tensor last, which adjacent has chained.
	span(first, last string) ([]byte, error)
}

// adjacent is true when the file is memory-mapped (TensorData hands out
// views of the mapping, not copies) and b follows a in the same shard.
func (s ggufSource) adjacent(a, b string) bool {
	ta, okA := s.f.Tensor(a)
	tb, okB := s.f.Tensor(b)
	if !okA || !okB || ta.Shard != tb.Shard || ta.Offset+ta.Size != tb.Offset || ta.Size == 0 || tb.Size == 0 {
		return false
	}
	da, err := s.f.TensorData(a)
	if err != nil {
		return false
	}
	db, err := s.f.TensorData(b)
	if err != nil || len(da) == 0 || len(db) == 0 {
		return false
	}
	again, err := s.f.TensorData(a)
	if err != nil || unsafe.SliceData(again) != unsafe.SliceData(da) {
		return false // copies, not views of one mapping
	}
	return uintptr(unsafe.Pointer(unsafe.SliceData(da)))+uintptr(len(da)) == uintptr(unsafe.Pointer(unsafe.SliceData(db)))
}

// span returns the mapped bytes from tensor first to the end of tensor
// last (checked adjacent by the caller).
func (s ggufSource) span(first, last string) ([]byte, error) {
	tf, ok1 := s.f.Tensor(first)
	tl, ok2 := s.f.Tensor(last)
	if !ok1 || !ok2 || tl.Offset < tf.Offset {
		return nil, fmt.Errorf("model: tensors %q..%q are not stored in order", first, last)
	}
	d, err := s.f.TensorData(first)
	if err != nil {
		return nil, err
	}
	n := tl.Offset + tl.Size - tf.Offset
	if n > math.MaxInt {
		return nil, fmt.Errorf("model: tensors %q..%q span %d bytes", first, last, n)
	}
	return unsafe.Slice(unsafe.SliceData(d), int(n)), nil
}

// isNotFound reports whether err says that a tensor is absent.
func isNotFound(err error) bool { return errors.Is(err, gguf.ErrTensorNotFound) }

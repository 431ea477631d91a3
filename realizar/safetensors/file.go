package safetensors

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/batuta-go/stack/internal/mmap"
)

// ErrTensorNotFound is wrapped by TensorData's error when no tensor has
// the name.
var ErrTensorNotFound = errors.New("safetensors: tensor not found")

// File is a parsed safetensors model, one file or several shards listed by
// a model.safetensors.index.json. It is safe for concurrent use until
// Close.
type File struct {
	// Metadata is the __metadata__ of the (first) file, nil when absent.
	Metadata map[string]string
	// Tensors are ordered by shard, then by data offset.
	Tensors []TensorInfo

	index  map[string]int
	shards []*shard
	closed bool
}

type shard struct {
	path string
	*mmap.File
}

// Parse reads a safetensors file of size bytes from r without mapping it;
// TensorData then reads each tensor into a new slice.
func Parse(r io.ReaderAt, size int64) (*File, error) {
	h, err := parseHeader(r, size)
	if err != nil {
		return nil, err
	}
	return newFile([]*header{h}, []*shard{{File: mmap.Reader(r, size)}})
}

func newFile(hs []*header, shards []*shard) (*File, error) {
	f := &File{Metadata: hs[0].metadata, index: map[string]int{}, shards: shards}
	for i, h := range hs {
		for _, t := range h.tensors {
			if j, dup := f.index[t.Name]; dup {
				return nil, &FormatError{Path: shards[i].path, Offset: int64(t.Offset), Tensor: t.Name, Err: fmt.Errorf("also in %s", shards[f.Tensors[j].Shard].path)}
			}
			t.Shard = i
			f.index[t.Name] = len(f.Tensors)
			f.Tensors = append(f.Tensors, t)
		}
	}
	return f, nil
}

// Open memory-maps a safetensors model. path is a .safetensors file, a
// model.safetensors.index.json listing shards, or a directory holding
// either (the index when both are present).
func Open(path string) (*File, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("safetensors: %w", err)
	}
	if st.IsDir() {
		idx := filepath.Join(path, IndexName)
		if _, err := os.Stat(idx); err == nil {
			return OpenIndex(idx)
		}
		path = filepath.Join(path, SingleName)
	} else if strings.HasSuffix(path, ".json") {
		return OpenIndex(path)
	}
	sh, h, err := openOne(path)
	if err != nil {
		return nil, err
	}
	return newFile([]*header{h}, []*shard{sh})
}

// The conventional file names of a Hugging Face model directory.
const (
	SingleName = "model.safetensors"
	IndexName  = "model.safetensors.index.json"
)

func openOne(path string) (*shard, *header, error) {
	sh, err := openShard(path)
	if err != nil {
		return nil, nil, err
	}
	h, err := parseHeader(sh.File, sh.Size)
	if err != nil {
		closeShards([]*shard{sh})
		var fe *FormatError
		if errors.As(err, &fe) {
			fe.Path = path
		}
		return nil, nil, err
	}
	return sh, h, nil
}

func closeShards(shards []*shard) {
	for _, s := range shards {
		s.Close()
	}
}

// Close releases the mappings. Slices from TensorData must not be used
// afterwards.
func (f *File) Close() error {
	if f.closed {
		return nil
	}
	f.closed = true
	var errs []error
	for _, s := range f.shards {
		errs = append(errs, s.Close())
	}
	return errors.Join(errs...)
}

// Tensor returns the directory entry of the tensor called name.
func (f *File) Tensor(name string) (*TensorInfo, bool) {
	i, ok := f.index[name]
	if !ok {
		return nil, false
	}
	return &f.Tensors[i], true
}

// TensorData returns the bytes of the tensor called name: a slice of the
// read-only mapping for a File from Open (do not write to it, do not use
// it after Close), a new slice for a File from Parse.
func (f *File) TensorData(name string) ([]byte, error) {
	t, ok := f.Tensor(name)
	if !ok {
		return nil, fmt.Errorf("%w: %q", ErrTensorNotFound, name)
	}
	if f.closed {
		return nil, fmt.Errorf("safetensors: tensor %q: file is closed", name)
	}
	s := f.shards[t.Shard]
	b, err := s.Section(t.Offset, t.Size)
	if err != nil {
		return nil, &FormatError{Path: s.path, Offset: int64(t.Offset), Tensor: name, Err: err}
	}
	return b, nil
}

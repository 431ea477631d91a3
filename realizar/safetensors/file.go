package safetensors

import (
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"
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
	path   string
	r      io.ReaderAt
	mem    []byte // the read-only mapping, nil when read through r
	size   int64
	closer func() error
}

// Parse reads a safetensors file of size bytes from r without mapping it;
// TensorData then reads each tensor into a new slice.
func Parse(r io.ReaderAt, size int64) (*File, error) {
	h, err := parseHeader(r, size)
	if err != nil {
		return nil, err
	}
	return newFile([]*header{h}, []*shard{{r: r, size: size}})
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
	r := sh.r
	if sh.mem != nil {
		r = byteReader(sh.mem)
	}
	h, err := parseHeader(r, sh.size)
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
		if s.closer != nil {
			s.closer()
		}
	}
}

// byteReader is an io.ReaderAt over a mapping.
type byteReader []byte

func (b byteReader) ReadAt(p []byte, off int64) (int, error) {
	if off < 0 || off > int64(len(b)) {
		return 0, io.EOF
	}
	n := copy(p, b[off:])
	if n < len(p) {
		return n, io.EOF
	}
	return n, nil
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
		if s.closer != nil {
			errs = append(errs, s.closer())
		}
		s.mem = nil
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
	if s.mem != nil {
		end := t.Offset + t.Size
		return s.mem[t.Offset:end:end], nil
	}
	if t.Size > math.MaxInt {
		return nil, fmt.Errorf("safetensors: tensor %q: %d bytes do not fit in memory", name, t.Size)
	}
	b := make([]byte, t.Size)
	if err := readFull(s.r, b, int64(t.Offset)); err != nil {
		return nil, &FormatError{Path: s.path, Offset: int64(t.Offset), Tensor: name, Err: fmt.Errorf("reading %d bytes: %w", t.Size, err)}
	}
	return b, nil
}

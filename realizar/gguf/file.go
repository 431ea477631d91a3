package gguf

import (
	"errors"
	"fmt"
	"io"
	"math"

	"github.com/batuta-go/stack/internal/mmap"
)

// KV is one metadata entry. Value holds uint8, int8, uint16, int16, uint32,
// int32, uint64, int64, float32, float64, bool or string, or a slice of one
// of those ([]string, []float32, []int32, ...); an array of arrays is an
// []any whose elements are such slices (or []any again).
type KV struct {
	Key   string
	Value any
}

// TensorInfo describes one tensor of a file.
type TensorInfo struct {
	Name   string
	Type   TensorType
	Dims   []uint64 // GGUF order: Dims[0] is the innermost (contiguous) dimension
	Offset uint64   // absolute byte offset of the data in its shard file
	Size   uint64   // bytes
	Shard  int      // index of the split file holding it (0 for a single file)
}

// Elements returns the number of elements of the tensor.
func (t *TensorInfo) Elements() uint64 {
	n := uint64(1)
	for _, d := range t.Dims {
		n *= d
	}
	return n
}

// File is a parsed GGUF model: its metadata, its tensor directory and
// access to the tensor data. A File is safe for concurrent use by multiple
// goroutines until Close.
type File struct {
	Version   uint32
	Alignment uint64
	KVs       []KV         // metadata in file order (shard 0's; split keys included)
	Tensors   []TensorInfo // file order, across all shards

	keys    map[string]int
	tensors map[string]int
	shards  []*shard
	closed  bool
}

// shard is one underlying file.
type shard struct {
	path string
	*mmap.File
}

// Parse reads a GGUF file of size bytes from r without memory-mapping it.
// TensorData then reads each tensor into a new slice. Close releases
// nothing of r's: the caller keeps owning it.
func Parse(r io.ReaderAt, size int64) (*File, error) {
	if size < 0 {
		return nil, &FormatError{Err: fmt.Errorf("negative size %d", size)}
	}
	sh := &shard{File: mmap.Reader(r, size)}
	h, err := parseHeader(&decoder{r: r, size: size})
	if err != nil {
		return nil, err
	}
	return newFile([]*header{h}, []*shard{sh})
}

// newFile assembles a File from the parsed headers of its shards.
func newFile(hs []*header, shards []*shard) (*File, error) {
	h0 := hs[0]
	f := &File{
		Version:   h0.version,
		Alignment: h0.alignment,
		KVs:       h0.kvs,
		keys:      h0.keys,
		shards:    shards,
	}
	n := 0
	for _, h := range hs {
		n += len(h.tensors)
	}
	f.Tensors = make([]TensorInfo, 0, n)
	f.tensors = make(map[string]int, n)
	for i, h := range hs {
		for _, t := range h.tensors {
			if j, dup := f.tensors[t.Name]; dup {
				return nil, &FormatError{Path: shards[i].path, Offset: int64(t.Offset), Tensor: t.Name, Err: fmt.Errorf("duplicate tensor name (also in shard %d)", f.Tensors[j].Shard)}
			}
			t.Shard = i
			f.tensors[t.Name] = len(f.Tensors)
			f.Tensors = append(f.Tensors, t)
		}
	}
	return f, nil
}

// Close releases the memory mappings and files that Open made. Slices
// returned by TensorData of a mapped file must not be used after Close.
// Close of a File from Parse only marks it closed.
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

// Value returns the metadata value of key.
func (f *File) Value(key string) (any, bool) {
	i, ok := f.keys[key]
	if !ok {
		return nil, false
	}
	return f.KVs[i].Value, true
}

func (f *File) lookup(key string) (any, error) {
	v, ok := f.Value(key)
	if !ok {
		return nil, fmt.Errorf("%w: %q", ErrKeyNotFound, key)
	}
	return v, nil
}

func typeError(key string, v any, want string) error {
	return fmt.Errorf("gguf: key %q holds %s, want %s", key, typeName(v), want)
}

// String returns the string value of key.
func (f *File) String(key string) (string, error) {
	v, err := f.lookup(key)
	if err != nil {
		return "", err
	}
	s, ok := v.(string)
	if !ok {
		return "", typeError(key, v, "string")
	}
	return s, nil
}

// asUint converts an integer value holding a non-negative number.
func asUint(v any) (uint64, bool) {
	switch x := v.(type) {
	case uint8:
		return uint64(x), true
	case uint16:
		return uint64(x), true
	case uint32:
		return uint64(x), true
	case uint64:
		return x, true
	case int8:
		return uint64(x), x >= 0
	case int16:
		return uint64(x), x >= 0
	case int32:
		return uint64(x), x >= 0
	case int64:
		return uint64(x), x >= 0
	}
	return 0, false
}

// asInt converts an integer value that fits an int64.
func asInt(v any) (int64, bool) {
	switch x := v.(type) {
	case int8:
		return int64(x), true
	case int16:
		return int64(x), true
	case int32:
		return int64(x), true
	case int64:
		return x, true
	case uint8:
		return int64(x), true
	case uint16:
		return int64(x), true
	case uint32:
		return int64(x), true
	case uint64:
		return int64(x), x <= math.MaxInt64
	}
	return 0, false
}

// Uint returns the value of key, which must be an integer type holding a
// non-negative value.
func (f *File) Uint(key string) (uint64, error) {
	v, err := f.lookup(key)
	if err != nil {
		return 0, err
	}
	u, ok := asUint(v)
	if !ok {
		return 0, typeError(key, v, "a non-negative integer")
	}
	return u, nil
}

// Int returns the value of key, which must be an integer type holding a
// value that fits an int64.
func (f *File) Int(key string) (int64, error) {
	v, err := f.lookup(key)
	if err != nil {
		return 0, err
	}
	i, ok := asInt(v)
	if !ok {
		return 0, typeError(key, v, "an integer within int64")
	}
	return i, nil
}

// Float returns the value of key, a float32, a float64 or an integer.
func (f *File) Float(key string) (float64, error) {
	v, err := f.lookup(key)
	if err != nil {
		return 0, err
	}
	switch x := v.(type) {
	case float32:
		return float64(x), nil
	case float64:
		return x, nil
	}
	if i, ok := asInt(v); ok {
		return float64(i), nil
	}
	if u, ok := asUint(v); ok {
		return float64(u), nil
	}
	return 0, typeError(key, v, "a number")
}

// Bool returns the bool value of key.
func (f *File) Bool(key string) (bool, error) {
	v, err := f.lookup(key)
	if err != nil {
		return false, err
	}
	b, ok := v.(bool)
	if !ok {
		return false, typeError(key, v, "bool")
	}
	return b, nil
}

// Strings returns the string array value of key. The slice is the File's
// own: do not modify it.
func (f *File) Strings(key string) ([]string, error) {
	v, err := f.lookup(key)
	if err != nil {
		return nil, err
	}
	s, ok := v.([]string)
	if !ok {
		return nil, typeError(key, v, "[]string")
	}
	return s, nil
}

// Float32s returns the float array value of key: a float32 array as is
// (the File's own slice: do not modify it), a float64 array converted.
func (f *File) Float32s(key string) ([]float32, error) {
	v, err := f.lookup(key)
	if err != nil {
		return nil, err
	}
	switch x := v.(type) {
	case []float32:
		return x, nil
	case []float64:
		s := make([]float32, len(x))
		for i, e := range x {
			s[i] = float32(e)
		}
		return s, nil
	}
	return nil, typeError(key, v, "a float array")
}

// Int32s returns the integer array value of key as int32s: an int32 array
// as is (the File's own slice: do not modify it), any other integer array
// converted, failing when an element is out of the int32 range.
func (f *File) Int32s(key string) ([]int32, error) {
	v, err := f.lookup(key)
	if err != nil {
		return nil, err
	}
	switch x := v.(type) {
	case []int32:
		return x, nil
	case []uint8:
		return convertInts(key, x)
	case []int8:
		return convertInts(key, x)
	case []uint16:
		return convertInts(key, x)
	case []int16:
		return convertInts(key, x)
	case []uint32:
		return convertInts(key, x)
	case []uint64:
		return convertInts(key, x)
	case []int64:
		return convertInts(key, x)
	}
	return nil, typeError(key, v, "an integer array")
}

func convertInts[T uint8 | int8 | uint16 | int16 | uint32 | uint64 | int64](key string, x []T) ([]int32, error) {
	s := make([]int32, len(x))
	for i, e := range x {
		if int64(e) < math.MinInt32 || int64(e) > math.MaxInt32 || (e > 0 && uint64(e) > math.MaxInt32) {
			return nil, fmt.Errorf("gguf: key %q: element %d (%d) is out of the int32 range", key, i, e)
		}
		s[i] = int32(e)
	}
	return s, nil
}

// Tensor returns the directory entry of the tensor called name.
func (f *File) Tensor(name string) (*TensorInfo, bool) {
	i, ok := f.tensors[name]
	if !ok {
		return nil, false
	}
	return &f.Tensors[i], true
}

// TensorData returns the bytes of the tensor called name. For a File from
// Open it is a slice of the read-only memory mapping: writing to it
// crashes the program, and it must not be used after Close. For a File from
// Parse it is a new slice read from the io.ReaderAt.
func (f *File) TensorData(name string) ([]byte, error) {
	t, ok := f.Tensor(name)
	if !ok {
		return nil, fmt.Errorf("%w: %q", ErrTensorNotFound, name)
	}
	if f.closed {
		return nil, fmt.Errorf("gguf: tensor %q: file is closed", name)
	}
	s := f.shards[t.Shard]
	b, err := s.Section(t.Offset, t.Size)
	if err != nil {
		return nil, &FormatError{Path: s.path, Offset: int64(t.Offset), Tensor: name, Err: err}
	}
	return b, nil
}

package gguf

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"

	"github.com/batuta-go/stack/internal/atomicfile"
)

// Writer builds a GGUF version 3 file: metadata in the order it was first
// set, then tensors in the order they were added. Tensor data is streamed:
// AddTensorFunc's callbacks run during WriteTo, so a large model never has
// to be held in memory. The output is a pure function of the calls made,
// byte for byte.
//
// The data alignment is general.alignment when set (a power of two), else
// DefaultAlignment.
type Writer struct {
	kvs     []KV
	keys    map[string]int
	tensors []wtensor
	names   map[string]struct{}
	err     error // first invalid Set, reported by WriteTo
}

type wtensor struct {
	name  string
	typ   TensorType
	dims  []uint64
	size  uint64
	data  []byte
	write func(io.Writer) error
}

// NewWriter returns an empty Writer.
func NewWriter() *Writer {
	return &Writer{keys: map[string]int{}, names: map[string]struct{}{}}
}

// Set sets metadata key to value, which must be one of the Go types of
// KV.Value. Setting a key again replaces its value and keeps its position.
// An invalid key or value makes WriteTo fail with an error naming the key.
func (w *Writer) Set(key string, value any) {
	if err := checkValue(value, 0); err != nil {
		if w.err == nil {
			w.err = fmt.Errorf("gguf: key %q: %w", key, err)
		}
		return
	}
	if key == "" && w.err == nil {
		w.err = errors.New("gguf: empty metadata key")
		return
	}
	if i, ok := w.keys[key]; ok {
		w.kvs[i].Value = value
		return
	}
	w.keys[key] = len(w.kvs)
	w.kvs = append(w.kvs, KV{Key: key, Value: value})
}

// Delete removes metadata key, if set.
func (w *Writer) Delete(key string) {
	i, ok := w.keys[key]
	if !ok {
		return
	}
	w.kvs = append(w.kvs[:i], w.kvs[i+1:]...)
	delete(w.keys, key)
	for j := i; j < len(w.kvs); j++ {
		w.keys[w.kvs[j].Key] = j
	}
}

// checkValue reports whether v can be encoded.
func checkValue(v any, depth int) error {
	t, elem, ok := typeOf(v)
	if !ok {
		return fmt.Errorf("unsupported value type %s", typeName(v))
	}
	if t == typeArray && elem == typeArray {
		if depth >= maxNesting-1 {
			return fmt.Errorf("arrays nested more than %d deep", maxNesting)
		}
		for i, e := range v.([]any) {
			if _, _, ok := typeOf(e); !ok {
				return fmt.Errorf("array element %d: unsupported type %s", i, typeName(e))
			}
			if et, _, _ := typeOf(e); et != typeArray {
				return fmt.Errorf("array element %d: %s in an array of arrays", i, typeName(e))
			}
			if err := checkValue(e, depth+1); err != nil {
				return fmt.Errorf("array element %d: %w", i, err)
			}
		}
	}
	return nil
}

// AddTensor adds a tensor whose data is in memory; data must stay
// unchanged until WriteTo returns.
func (w *Writer) AddTensor(name string, t TensorType, dims []uint64, data []byte) error {
	size, err := w.checkTensor(name, t, dims)
	if err != nil {
		return err
	}
	if uint64(len(data)) != size {
		return fmt.Errorf("gguf: tensor %q: %d bytes of data, a %s tensor of shape %v has %d", name, len(data), t, dims, size)
	}
	w.add(wtensor{name: name, typ: t, dims: dims, size: size, data: data})
	return nil
}

// AddTensorFunc adds a tensor whose data write produces during WriteTo. It
// must write exactly the tensor's size in bytes (the type's block size
// times the element count); anything else fails WriteTo.
func (w *Writer) AddTensorFunc(name string, t TensorType, dims []uint64, write func(io.Writer) error) error {
	size, err := w.checkTensor(name, t, dims)
	if err != nil {
		return err
	}
	if write == nil {
		return fmt.Errorf("gguf: tensor %q: nil write function", name)
	}
	w.add(wtensor{name: name, typ: t, dims: dims, size: size, write: write})
	return nil
}

func (w *Writer) checkTensor(name string, t TensorType, dims []uint64) (uint64, error) {
	if _, dup := w.names[name]; dup {
		return 0, fmt.Errorf("gguf: tensor %q added twice", name)
	}
	size, err := tensorBytes(t, dims)
	if err != nil {
		return 0, fmt.Errorf("gguf: tensor %q: %w", name, err)
	}
	return size, nil
}

func (w *Writer) add(t wtensor) {
	t.dims = append([]uint64(nil), t.dims...)
	w.names[t.name] = struct{}{}
	w.tensors = append(w.tensors, t)
}

// alignment returns the data alignment the metadata asks for.
func (w *Writer) alignment() (uint64, error) {
	i, ok := w.keys[KeyAlignment]
	if !ok {
		return DefaultAlignment, nil
	}
	v := w.kvs[i].Value
	a, ok := asUint(v)
	if !ok || a == 0 || a&(a-1) != 0 || a > 1<<30 {
		return 0, fmt.Errorf("gguf: key %q: alignment %v (%s) is not a power of two up to 2^30", KeyAlignment, v, typeName(v))
	}
	return a, nil
}

// countWriter counts the bytes written through it.
type countWriter struct {
	w *bufio.Writer
	n int64
}

func (c *countWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

// tensorWriter passes a tensor's bytes on, refusing more than its size.
type tensorWriter struct {
	c    *countWriter
	left uint64
	name string
}

func (t *tensorWriter) Write(p []byte) (int, error) {
	if uint64(len(p)) > t.left {
		return 0, fmt.Errorf("gguf: tensor %q: write function wrote more than the tensor's size", t.name)
	}
	n, err := t.c.Write(p)
	t.left -= uint64(n)
	return n, err
}

// WriteTo writes the file to out and returns the number of bytes written.
func (w *Writer) WriteTo(out io.Writer) (int64, error) {
	if w.err != nil {
		return 0, w.err
	}
	align, err := w.alignment()
	if err != nil {
		return 0, err
	}
	bw := bufio.NewWriterSize(out, 1<<16)
	c := &countWriter{w: bw}
	e := encoder{w: c}
	e.bytes([]byte(magic))
	e.u32(3)
	e.u64(uint64(len(w.tensors)))
	e.u64(uint64(len(w.kvs)))
	for _, kv := range w.kvs {
		e.str(kv.Key)
		e.value(kv.Value, true)
	}
	var off uint64
	for _, t := range w.tensors {
		e.str(t.name)
		e.u32(uint32(len(t.dims)))
		for _, d := range t.dims {
			e.u64(d)
		}
		e.u32(uint32(t.typ))
		e.u64(off)
		off = pad(off+t.size, align)
	}
	if e.err != nil {
		return c.n, e.err
	}
	if len(w.tensors) > 0 {
		// A file without tensors ends with its header, as gguf-py writes
		// vocabulary-only files.
		e.zeros(pad(uint64(c.n), align) - uint64(c.n))
	}
	for _, t := range w.tensors {
		if e.err != nil {
			break
		}
		if t.write == nil {
			e.bytes(t.data)
		} else {
			tw := &tensorWriter{c: c, left: t.size, name: t.name}
			if err := t.write(tw); err != nil {
				return c.n, fmt.Errorf("gguf: tensor %q: %w", t.name, err)
			}
			if tw.left != 0 {
				return c.n, fmt.Errorf("gguf: tensor %q: write function wrote %d bytes, want %d", t.name, t.size-tw.left, t.size)
			}
		}
		e.zeros(pad(t.size, align) - t.size)
	}
	if e.err != nil {
		return c.n, e.err
	}
	if err := bw.Flush(); err != nil {
		return c.n, err
	}
	return c.n, nil
}

// WriteFile writes the file to path atomically: a temporary file beside
// it is written, synced and renamed, so path holds either the old content
// or the whole new file.
func (w *Writer) WriteFile(path string) error {
	f, err := atomicfile.Create(path, atomicfile.Replace)
	if err != nil {
		return fmt.Errorf("gguf: %w", err)
	}
	defer f.Abort()
	if _, err := w.WriteTo(f); err != nil {
		return err
	}
	if err := f.Commit(); err != nil {
		return fmt.Errorf("gguf: %w", err)
	}
	return nil
}

func pad(n, align uint64) uint64 { return (n + align - 1) &^ (align - 1) }

// encoder writes GGUF fields little-endian, keeping the first error.
type encoder struct {
	w   io.Writer
	err error
	buf [8]byte
}

var zeroPage [4096]byte

func (e *encoder) bytes(b []byte) {
	if e.err == nil {
		_, e.err = e.w.Write(b)
	}
}

func (e *encoder) zeros(n uint64) {
	for n > 0 && e.err == nil {
		k := min(n, uint64(len(zeroPage)))
		e.bytes(zeroPage[:k])
		n -= k
	}
}

func (e *encoder) u8(v uint8) { e.buf[0] = v; e.bytes(e.buf[:1]) }
func (e *encoder) u16(v uint16) {
	binary.LittleEndian.PutUint16(e.buf[:], v)
	e.bytes(e.buf[:2])
}
func (e *encoder) u32(v uint32) {
	binary.LittleEndian.PutUint32(e.buf[:], v)
	e.bytes(e.buf[:4])
}
func (e *encoder) u64(v uint64) {
	binary.LittleEndian.PutUint64(e.buf[:], v)
	e.bytes(e.buf[:8])
}
func (e *encoder) str(s string) {
	e.u64(uint64(len(s)))
	if e.err == nil {
		_, e.err = io.WriteString(e.w, s)
	}
}

func boolByte(b bool) uint8 {
	if b {
		return 1
	}
	return 0
}

// value writes v, preceded by its type (and, for an array, its element
// type and length) when typed is set. checkValue has accepted v.
func (e *encoder) value(v any, typed bool) {
	t, elem, _ := typeOf(v)
	if typed {
		e.u32(uint32(t))
	}
	switch x := v.(type) {
	case uint8:
		e.u8(x)
	case int8:
		e.u8(uint8(x))
	case uint16:
		e.u16(x)
	case int16:
		e.u16(uint16(x))
	case uint32:
		e.u32(x)
	case int32:
		e.u32(uint32(x))
	case float32:
		e.u32(math.Float32bits(x))
	case bool:
		e.u8(boolByte(x))
	case string:
		e.str(x)
	case uint64:
		e.u64(x)
	case int64:
		e.u64(uint64(x))
	case float64:
		e.u64(math.Float64bits(x))
	default:
		e.array(v, elem)
	}
}

func (e *encoder) array(v any, elem valueType) {
	e.u32(uint32(elem))
	switch x := v.(type) {
	case []uint8:
		e.u64(uint64(len(x)))
		e.bytes(x)
	case []int8:
		writeArray(e, x, func(v int8) { e.u8(uint8(v)) })
	case []bool:
		writeArray(e, x, func(v bool) { e.u8(boolByte(v)) })
	case []uint16:
		writeArray(e, x, e.u16)
	case []int16:
		writeArray(e, x, func(v int16) { e.u16(uint16(v)) })
	case []uint32:
		writeArray(e, x, e.u32)
	case []int32:
		writeArray(e, x, func(v int32) { e.u32(uint32(v)) })
	case []float32:
		writeArray(e, x, func(v float32) { e.u32(math.Float32bits(v)) })
	case []uint64:
		writeArray(e, x, e.u64)
	case []int64:
		writeArray(e, x, func(v int64) { e.u64(uint64(v)) })
	case []float64:
		writeArray(e, x, func(v float64) { e.u64(math.Float64bits(v)) })
	case []string:
		writeArray(e, x, e.str)
	case []any:
		writeArray(e, x, func(v any) {
			_, el, _ := typeOf(v)
			e.array(v, el)
		})
	}
}

func writeArray[T any](e *encoder, s []T, put func(T)) {
	e.u64(uint64(len(s)))
	for _, v := range s {
		if e.err != nil {
			return
		}
		put(v)
	}
}

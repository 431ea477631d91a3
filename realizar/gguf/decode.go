package gguf

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"unsafe"

	"github.com/batuta-go/stack/internal/mmap"
)

// decoder reads the GGUF header sequentially. Every length read from the
// file is checked against the bytes that remain before anything is
// allocated, so a hostile count fails at once instead of allocating.
type decoder struct {
	r    io.ReaderAt
	mem  []byte // the whole file when memory-mapped: reads are slices of it
	size int64
	off  int64

	buf    []byte // read-ahead window of r, starting at bufOff
	bufOff int64

	key, tensor string // context for errors

	arena []byte // current block of intern
}

const readAhead = 64 << 10

func (d *decoder) remaining() uint64 { return uint64(d.size - d.off) }

func (d *decoder) fail(off int64, format string, args ...any) error {
	return &FormatError{Offset: off, Key: d.key, Tensor: d.tensor, Err: fmt.Errorf(format, args...)}
}

func (d *decoder) wrap(off int64, err error) error {
	return &FormatError{Offset: off, Key: d.key, Tensor: d.tensor, Err: err}
}

// next returns the next n bytes; the slice is valid until the next call.
func (d *decoder) next(n uint64, what string) ([]byte, error) {
	if n > d.remaining() {
		return nil, d.wrap(d.off, fmt.Errorf("%s: need %d bytes, the file has %d left: %w", what, n, d.remaining(), io.ErrUnexpectedEOF))
	}
	start := d.off
	end := start + int64(n)
	if d.mem != nil {
		d.off = end
		return d.mem[start:end:end], nil
	}
	if start >= d.bufOff && end <= d.bufOff+int64(len(d.buf)) {
		d.off = end
		return d.buf[start-d.bufOff : end-d.bufOff], nil
	}
	if n > readAhead {
		b := make([]byte, n)
		if err := mmap.ReadFull(d.r, b, start); err != nil {
			return nil, d.wrap(start, fmt.Errorf("%s: %w", what, err))
		}
		d.off = end
		return b, nil
	}
	w := min(int64(readAhead), d.size-start)
	if d.buf == nil {
		d.buf = make([]byte, readAhead)
	}
	d.buf = d.buf[:w]
	if err := mmap.ReadFull(d.r, d.buf, start); err != nil {
		d.buf = d.buf[:0]
		return nil, d.wrap(start, fmt.Errorf("%s: %w", what, err))
	}
	d.bufOff = start
	d.off = end
	return d.buf[:n], nil
}

func (d *decoder) u32(what string) (uint32, error) {
	b, err := d.next(4, what)
	if err != nil {
		return 0, err
	}
	return binary.LittleEndian.Uint32(b), nil
}

func (d *decoder) u64(what string) (uint64, error) {
	b, err := d.next(8, what)
	if err != nil {
		return 0, err
	}
	return binary.LittleEndian.Uint64(b), nil
}

func (d *decoder) str(what string) (string, error) {
	off := d.off
	lb, err := d.next(8, what)
	if err != nil {
		return "", err
	}
	n := binary.LittleEndian.Uint64(lb)
	if n > d.remaining() {
		return "", d.wrap(off, fmt.Errorf("%s: length %d exceeds the %d bytes left in the file: %w", what, n, d.remaining(), io.ErrUnexpectedEOF))
	}
	b, err := d.next(n, what)
	if err != nil {
		return "", err
	}
	return d.intern(b), nil
}

// arenaSize is the block size that short strings are copied into, so
// that a vocabulary of 150,000 tokens costs a few dozen allocations
// rather than one per token.
const arenaSize = 64 << 10

// intern returns b as a string. Short strings share arena blocks: the
// bytes are written once and never modified, which is what a Go string
// requires.
func (d *decoder) intern(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	if len(b) > arenaSize/16 {
		return string(b)
	}
	if len(d.arena)+len(b) > cap(d.arena) {
		d.arena = make([]byte, 0, arenaSize)
	}
	start := len(d.arena)
	d.arena = append(d.arena, b...)
	return unsafe.String(&d.arena[start], len(b))
}

// checkCount fails unless count values of at least minSize bytes each can
// fit in the rest of the file.
func (d *decoder) checkCount(off int64, count, minSize uint64, what string) error {
	if minSize == 0 {
		minSize = 1
	}
	if count > d.remaining()/minSize {
		return d.wrap(off, fmt.Errorf("%s: count %d needs at least %d bytes each, more than the %d bytes left in the file: %w", what, count, minSize, d.remaining(), io.ErrUnexpectedEOF))
	}
	return nil
}

// maxNesting bounds arrays of arrays, so a hostile file cannot recurse
// deeply.
const maxNesting = 16

// value decodes one metadata value of type t.
func (d *decoder) value(t valueType, depth int) (any, error) {
	off := d.off
	switch t {
	case typeString:
		return d.str("string value")
	case typeArray:
		if depth >= maxNesting {
			return nil, d.fail(off, "arrays nested more than %d deep", maxNesting)
		}
		et, err := d.u32("array element type")
		if err != nil {
			return nil, err
		}
		n, err := d.u64("array length")
		if err != nil {
			return nil, err
		}
		return d.array(valueType(et), n, depth+1, off)
	}
	sz := t.size()
	if sz == 0 {
		return nil, d.fail(off-4, "unknown value type %d", uint32(t))
	}
	b, err := d.next(sz, t.String()+" value")
	if err != nil {
		return nil, err
	}
	switch t {
	case typeUint8:
		return b[0], nil
	case typeInt8:
		return int8(b[0]), nil
	case typeUint16:
		return binary.LittleEndian.Uint16(b), nil
	case typeInt16:
		return int16(binary.LittleEndian.Uint16(b)), nil
	case typeUint32:
		return binary.LittleEndian.Uint32(b), nil
	case typeInt32:
		return int32(binary.LittleEndian.Uint32(b)), nil
	case typeFloat32:
		return math.Float32frombits(binary.LittleEndian.Uint32(b)), nil
	case typeBool:
		if b[0] > 1 {
			return nil, d.fail(off, "bool value is byte %d, not 0 or 1", b[0])
		}
		return b[0] == 1, nil
	case typeUint64:
		return binary.LittleEndian.Uint64(b), nil
	case typeInt64:
		return int64(binary.LittleEndian.Uint64(b)), nil
	default: // typeFloat64
		return math.Float64frombits(binary.LittleEndian.Uint64(b)), nil
	}
}

// maxPrealloc bounds the capacity reserved for an array before its
// elements are read: the count has been checked against the size the
// caller gave, but a reader may hold less than it claimed, so memory
// grows only as elements actually arrive.
const maxPrealloc = 1 << 16

// array decodes n elements of type t; off is where the array header began.
func (d *decoder) array(t valueType, n uint64, depth int, off int64) (any, error) {
	elemMin := t.minSize()
	if elemMin == 0 {
		return nil, d.fail(off, "array of unknown value type %d", uint32(t))
	}
	what := "array of " + t.String()
	if err := d.checkCount(off, n, elemMin, what); err != nil {
		return nil, err
	}
	le := binary.LittleEndian
	switch t {
	case typeString:
		s := make([]string, 0, min(n, maxPrealloc))
		for range n {
			v, err := d.str("string array element")
			if err != nil {
				return nil, d.element(err, len(s))
			}
			s = append(s, v)
		}
		return s, nil
	case typeArray:
		s := make([]any, 0, min(n, maxPrealloc))
		for range n {
			v, err := d.value(typeArray, depth)
			if err != nil {
				return nil, d.element(err, len(s))
			}
			s = append(s, v)
		}
		return s, nil
	case typeUint8:
		return scalars(d, n, 1, what, func(b []byte) uint8 { return b[0] })
	case typeInt8:
		return scalars(d, n, 1, what, func(b []byte) int8 { return int8(b[0]) })
	case typeBool:
		start := d.off
		v, err := scalars(d, n, 1, what, func(b []byte) uint8 { return b[0] })
		if err != nil {
			return nil, err
		}
		s := make([]bool, len(v))
		for i, x := range v {
			if x > 1 {
				return nil, d.fail(start+int64(i), "bool array element %d is byte %d, not 0 or 1", i, x)
			}
			s[i] = x == 1
		}
		return s, nil
	case typeUint16:
		return scalars(d, n, 2, what, le.Uint16)
	case typeInt16:
		return scalars(d, n, 2, what, func(b []byte) int16 { return int16(le.Uint16(b)) })
	case typeUint32:
		return scalars(d, n, 4, what, le.Uint32)
	case typeInt32:
		return scalars(d, n, 4, what, func(b []byte) int32 { return int32(le.Uint32(b)) })
	case typeFloat32:
		return scalars(d, n, 4, what, func(b []byte) float32 { return math.Float32frombits(le.Uint32(b)) })
	case typeUint64:
		return scalars(d, n, 8, what, le.Uint64)
	case typeInt64:
		return scalars(d, n, 8, what, func(b []byte) int64 { return int64(le.Uint64(b)) })
	default: // typeFloat64
		return scalars(d, n, 8, what, func(b []byte) float64 { return math.Float64frombits(le.Uint64(b)) })
	}
}

// element adds the index of the array element being read to err.
func (d *decoder) element(err error, i int) error {
	var fe *FormatError
	if errors.As(err, &fe) {
		fe.Err = fmt.Errorf("array element %d: %w", i, fe.Err)
	}
	return err
}

// scalars decodes n fixed-size elements, a read-ahead window at a time.
func scalars[T any](d *decoder, n, size uint64, what string, conv func([]byte) T) ([]T, error) {
	s := make([]T, 0, min(n, maxPrealloc))
	per := uint64(readAhead) / size
	for left := n; left > 0; {
		k := min(left, per)
		b, err := d.next(k*size, what)
		if err != nil {
			return nil, err
		}
		for i := uint64(0); i < k; i++ {
			s = append(s, conv(b[i*size:]))
		}
		left -= k
	}
	return s, nil
}

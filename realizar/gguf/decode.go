package gguf

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
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
		if err := readFull(d.r, b, start); err != nil {
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
	if err := readFull(d.r, d.buf, start); err != nil {
		d.buf = d.buf[:0]
		return nil, d.wrap(start, fmt.Errorf("%s: %w", what, err))
	}
	d.bufOff = start
	d.off = end
	return d.buf[:n], nil
}

// readFull reads len(b) bytes at off, treating a short read as
// io.ErrUnexpectedEOF.
func readFull(r io.ReaderAt, b []byte, off int64) error {
	n, err := r.ReadAt(b, off)
	if n == len(b) {
		return nil
	}
	if err == nil || errors.Is(err, io.EOF) {
		err = io.ErrUnexpectedEOF
	}
	return err
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
	n, err := d.u64(what + " length")
	if err != nil {
		return "", err
	}
	if n > d.remaining() {
		return "", d.wrap(off, fmt.Errorf("%s: length %d exceeds the %d bytes left in the file: %w", what, n, d.remaining(), io.ErrUnexpectedEOF))
	}
	b, err := d.next(n, what)
	if err != nil {
		return "", err
	}
	return string(b), nil
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

// array decodes n elements of type t; off is where the array header began.
func (d *decoder) array(t valueType, n uint64, depth int, off int64) (any, error) {
	min := t.minSize()
	if min == 0 {
		return nil, d.fail(off, "array of unknown value type %d", uint32(t))
	}
	what := fmt.Sprintf("array of %s", t)
	if err := d.checkCount(off, n, min, what); err != nil {
		return nil, err
	}
	switch t {
	case typeString:
		s := make([]string, n)
		for i := range s {
			v, err := d.str(fmt.Sprintf("array element %d", i))
			if err != nil {
				return nil, err
			}
			s[i] = v
		}
		return s, nil
	case typeArray:
		s := make([]any, n)
		for i := range s {
			v, err := d.value(typeArray, depth)
			if err != nil {
				return nil, err
			}
			s[i] = v
		}
		return s, nil
	}
	b, err := d.next(n*min, what)
	if err != nil {
		return nil, err
	}
	le := binary.LittleEndian
	switch t {
	case typeUint8:
		return append([]uint8(nil), b...), nil
	case typeInt8:
		s := make([]int8, n)
		for i := range s {
			s[i] = int8(b[i])
		}
		return s, nil
	case typeBool:
		s := make([]bool, n)
		for i := range s {
			if b[i] > 1 {
				return nil, d.fail(d.off-int64(n)+int64(i), "bool array element %d is byte %d, not 0 or 1", i, b[i])
			}
			s[i] = b[i] == 1
		}
		return s, nil
	case typeUint16:
		s := make([]uint16, n)
		for i := range s {
			s[i] = le.Uint16(b[2*i:])
		}
		return s, nil
	case typeInt16:
		s := make([]int16, n)
		for i := range s {
			s[i] = int16(le.Uint16(b[2*i:]))
		}
		return s, nil
	case typeUint32:
		s := make([]uint32, n)
		for i := range s {
			s[i] = le.Uint32(b[4*i:])
		}
		return s, nil
	case typeInt32:
		s := make([]int32, n)
		for i := range s {
			s[i] = int32(le.Uint32(b[4*i:]))
		}
		return s, nil
	case typeFloat32:
		s := make([]float32, n)
		for i := range s {
			s[i] = math.Float32frombits(le.Uint32(b[4*i:]))
		}
		return s, nil
	case typeUint64:
		s := make([]uint64, n)
		for i := range s {
			s[i] = le.Uint64(b[8*i:])
		}
		return s, nil
	case typeInt64:
		s := make([]int64, n)
		for i := range s {
			s[i] = int64(le.Uint64(b[8*i:]))
		}
		return s, nil
	default: // typeFloat64
		s := make([]float64, n)
		for i := range s {
			s[i] = math.Float64frombits(le.Uint64(b[8*i:]))
		}
		return s, nil
	}
}

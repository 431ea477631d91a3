package safetensors

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"

	"github.com/batuta-go/stack/internal/mmap"
)

// MaxHeaderSize bounds the JSON header, as the reference implementation
// does, so a hostile length cannot make the parser allocate without limit.
const MaxHeaderSize = 100_000_000

// metadataKey is the header entry holding free-form string metadata.
const metadataKey = "__metadata__"

// TensorInfo describes one tensor of a file.
type TensorInfo struct {
	Name  string
	DType DType
	Shape []uint64 // outermost first, as PyTorch: a linear layer is [out, in]
	// Offset is the absolute byte offset of the data in its file.
	Offset uint64
	Size   uint64 // bytes
	Shard  int    // index of the file holding it (0 for a single file)
}

// Elements returns the number of elements of the tensor.
func (t *TensorInfo) Elements() uint64 {
	n := uint64(1)
	for _, d := range t.Shape {
		n *= d
	}
	return n
}

type entry struct {
	DType       DType             `json:"dtype"`
	Shape       []json.RawMessage `json:"shape"`
	DataOffsets []json.RawMessage `json:"data_offsets"`
}

// header is one parsed file.
type header struct {
	metadata map[string]string
	tensors  []TensorInfo
}

// parseHeader reads and validates the header of a file of size bytes.
func parseHeader(r io.ReaderAt, size int64) (*header, error) {
	var lb [8]byte
	if size < 8 {
		return nil, &FormatError{Err: fmt.Errorf("file of %d bytes is too short for the header length: %w", size, io.ErrUnexpectedEOF)}
	}
	if err := mmap.ReadFull(r, lb[:], 0); err != nil {
		return nil, &FormatError{Err: fmt.Errorf("reading the header length: %w", err)}
	}
	n := binary.LittleEndian.Uint64(lb[:])
	if n > uint64(size-8) {
		return nil, &FormatError{Err: fmt.Errorf("header length %d exceeds the %d bytes after it: %w", n, size-8, io.ErrUnexpectedEOF)}
	}
	if n > MaxHeaderSize {
		return nil, &FormatError{Err: fmt.Errorf("header length %d exceeds the limit of %d", n, MaxHeaderSize)}
	}
	js := make([]byte, n)
	if err := mmap.ReadFull(r, js, 8); err != nil {
		return nil, &FormatError{Offset: 8, Err: fmt.Errorf("reading the header: %w", err)}
	}
	h, err := decodeHeader(js, uint64(size)-8-n)
	if err != nil {
		return nil, err
	}
	for i := range h.tensors {
		h.tensors[i].Offset += 8 + n
	}
	return h, nil
}

// decodeHeader decodes the JSON header; dataSize is the size of the byte
// buffer after it. Offsets in the result are relative to that buffer.
func decodeHeader(js []byte, dataSize uint64) (*header, error) {
	fail := func(off int64, tensor string, format string, args ...any) error {
		return &FormatError{Offset: 8 + off, Tensor: tensor, Err: fmt.Errorf(format, args...)}
	}
	d := json.NewDecoder(bytes.NewReader(js))
	d.UseNumber()
	tok, err := d.Token()
	if err != nil || tok != json.Delim('{') {
		return nil, fail(0, "", "header is not a JSON object")
	}
	h := &header{}
	seen := map[string]bool{}
	for d.More() {
		off := d.InputOffset()
		tok, err := d.Token()
		if err != nil {
			return nil, fail(off, "", "header JSON: %v", err)
		}
		name, _ := tok.(string)
		if seen[name] {
			return nil, fail(off, name, "duplicate entry")
		}
		seen[name] = true
		off = d.InputOffset()
		if name == metadataKey {
			if err := d.Decode(&h.metadata); err != nil {
				return nil, fail(off, "", "%s is not an object of strings: %v", metadataKey, err)
			}
			continue
		}
		var e entry
		if err := d.Decode(&e); err != nil {
			return nil, fail(off, name, "header JSON: %v", err)
		}
		t, err := e.info(name, dataSize)
		if err != nil {
			return nil, fail(off, name, "%w", err)
		}
		h.tensors = append(h.tensors, t)
	}
	if _, err := d.Token(); err != nil {
		return nil, fail(d.InputOffset(), "", "header JSON: %v", err)
	}
	if len(bytes.TrimSpace(js[d.InputOffset():])) != 0 {
		return nil, fail(d.InputOffset(), "", "data after the header's JSON object")
	}
	slices.SortFunc(h.tensors, func(a, b TensorInfo) int {
		if a.Offset != b.Offset {
			if a.Offset < b.Offset {
				return -1
			}
			return 1
		}
		if a.Size < b.Size {
			return -1
		}
		if a.Size > b.Size {
			return 1
		}
		return 0
	})
	for i := 1; i < len(h.tensors); i++ {
		p, c := &h.tensors[i-1], &h.tensors[i]
		if c.Offset < p.Offset+p.Size {
			return nil, &FormatError{Offset: 8, Tensor: c.Name, Err: fmt.Errorf("data [%d, %d) overlaps tensor %q at [%d, %d)", c.Offset, c.Offset+c.Size, p.Name, p.Offset, p.Offset+p.Size)}
		}
	}
	return h, nil
}

// uintOf parses a JSON number as a non-negative integer.
func uintOf(m json.RawMessage) (uint64, error) {
	var v uint64
	if err := json.Unmarshal(m, &v); err != nil {
		return 0, fmt.Errorf("%s is not a non-negative integer", m)
	}
	return v, nil
}

// info validates one tensor entry against the data buffer size.
func (e *entry) info(name string, dataSize uint64) (TensorInfo, error) {
	es, ok := dtypeSizes[e.DType]
	if !ok {
		return TensorInfo{}, fmt.Errorf("unknown dtype %q", e.DType)
	}
	if e.Shape == nil {
		return TensorInfo{}, errors.New("no shape")
	}
	shape := make([]uint64, len(e.Shape))
	n := uint64(1)
	for i, m := range e.Shape {
		d, err := uintOf(m)
		if err != nil {
			return TensorInfo{}, fmt.Errorf("shape dimension %d: %w", i, err)
		}
		shape[i] = d
		if d != 0 && n > (1<<63-1)/d {
			return TensorInfo{}, fmt.Errorf("shape %s has more than 2^63 elements", fmtShape(e.Shape))
		}
		n *= d
	}
	if n > (1<<63-1)/es {
		return TensorInfo{}, fmt.Errorf("shape %s of %s has more than 2^63 bytes", fmtShape(e.Shape), e.DType)
	}
	if len(e.DataOffsets) != 2 {
		return TensorInfo{}, fmt.Errorf("data_offsets has %d values, want 2", len(e.DataOffsets))
	}
	begin, err := uintOf(e.DataOffsets[0])
	if err != nil {
		return TensorInfo{}, fmt.Errorf("data_offsets: %w", err)
	}
	end, err := uintOf(e.DataOffsets[1])
	if err != nil {
		return TensorInfo{}, fmt.Errorf("data_offsets: %w", err)
	}
	if begin > end || end > dataSize {
		return TensorInfo{}, fmt.Errorf("data_offsets [%d, %d) outside the %d-byte data buffer: %w", begin, end, dataSize, io.ErrUnexpectedEOF)
	}
	if end-begin != n*es {
		return TensorInfo{}, fmt.Errorf("data_offsets [%d, %d) hold %d bytes, a %s tensor of shape %s has %d", begin, end, end-begin, e.DType, fmtShape(e.Shape), n*es)
	}
	return TensorInfo{Name: name, DType: e.DType, Shape: shape, Offset: begin, Size: end - begin}, nil
}

func fmtShape(s []json.RawMessage) string {
	var b bytes.Buffer
	b.WriteByte('[')
	for i, m := range s {
		if i > 0 {
			b.WriteByte(',')
		}
		b.Write(m)
	}
	b.WriteByte(']')
	return b.String()
}

package gguf

import (
	"fmt"
	"io"
	"slices"
)

// The GGUF magic, "GGUF" as bytes.
const magic = "GGUF"

// DefaultAlignment is the data alignment of a file without
// general.alignment.
const DefaultAlignment = 32

// KeyAlignment is the metadata key that sets the data alignment.
const KeyAlignment = "general.alignment"

// minimal encoded sizes, used to reject hostile counts before allocating
const (
	minKVBytes     = 8 + 4 + 1         // key length, value type, a one-byte value
	minTensorBytes = 8 + 4 + 8 + 4 + 8 // name length, dims count, one dim, type, offset
)

// header is one parsed GGUF file (one shard).
type header struct {
	version    uint32
	alignment  uint64
	kvs        []KV
	keys       map[string]int
	tensors    []TensorInfo
	dataOffset uint64 // where the data section starts
}

// parseHeader reads and validates the header of one GGUF file of size
// bytes, read through d.
func parseHeader(d *decoder) (*header, error) {
	b, err := d.next(4, "magic")
	if err != nil {
		return nil, err
	}
	if string(b) != magic {
		return nil, d.fail(0, "not a GGUF file (magic %q, want %q)", b, magic)
	}
	version, err := d.u32("version")
	if err != nil {
		return nil, err
	}
	switch {
	case version == 2 || version == 3:
	case version == 1:
		return nil, d.fail(4, "unsupported GGUF version 1 (only versions 2 and 3 are supported)")
	case version == 2<<24 || version == 3<<24:
		return nil, d.fail(4, "big-endian GGUF (version %d byte-swapped) is not supported", version>>24)
	default:
		return nil, d.fail(4, "unsupported GGUF version %d (only versions 2 and 3 are supported)", version)
	}
	h := &header{version: version, alignment: DefaultAlignment}

	off := d.off
	nTensors, err := d.u64("tensor count")
	if err != nil {
		return nil, err
	}
	nKV, err := d.u64("metadata count")
	if err != nil {
		return nil, err
	}
	if err := d.checkCount(off+8, nKV, minKVBytes, "metadata"); err != nil {
		return nil, err
	}
	if err := d.checkCount(off, nTensors, minTensorBytes, "tensor infos"); err != nil {
		return nil, err
	}

	h.kvs = make([]KV, 0, min(nKV, maxPrealloc))
	h.keys = make(map[string]int, min(nKV, maxPrealloc))
	var alignOff int64
	for i := range nKV {
		off := d.off
		key, err := d.str(fmt.Sprintf("key of metadata entry %d", i))
		if err != nil {
			return nil, err
		}
		d.key = key
		if key == "" {
			return nil, d.fail(off, "metadata entry %d has an empty key", i)
		}
		if _, dup := h.keys[key]; dup {
			return nil, d.fail(off, "duplicate key")
		}
		t, err := d.u32("value type")
		if err != nil {
			return nil, err
		}
		v, err := d.value(valueType(t), 0)
		if err != nil {
			return nil, err
		}
		if key == KeyAlignment {
			alignOff = off
		}
		h.keys[key] = len(h.kvs)
		h.kvs = append(h.kvs, KV{Key: key, Value: v})
		d.key = ""
	}

	if i, ok := h.keys[KeyAlignment]; ok {
		a, ok := asUint(h.kvs[i].Value)
		if !ok || a == 0 || a&(a-1) != 0 || a > 1<<30 {
			return nil, &FormatError{Offset: alignOff, Key: KeyAlignment, Err: fmt.Errorf("alignment %v (%s) is not a power of two up to 2^30", h.kvs[i].Value, typeName(h.kvs[i].Value))}
		}
		h.alignment = a
	}

	h.tensors = make([]TensorInfo, 0, min(nTensors, maxPrealloc))
	names := make(map[string]struct{}, min(nTensors, maxPrealloc))
	for i := range nTensors {
		off := d.off
		name, err := d.str(fmt.Sprintf("name of tensor %d", i))
		if err != nil {
			return nil, err
		}
		d.tensor = name
		if _, dup := names[name]; dup {
			return nil, d.fail(off, "duplicate tensor name")
		}
		names[name] = struct{}{}
		nd, err := d.u32("dimension count")
		if err != nil {
			return nil, err
		}
		if nd == 0 || nd > MaxDims {
			return nil, d.fail(d.off-4, "%d dimensions (want 1 to %d)", nd, MaxDims)
		}
		dims := make([]uint64, nd)
		for j := range dims {
			if dims[j], err = d.u64("dimension"); err != nil {
				return nil, err
			}
		}
		t, err := d.u32("tensor type")
		if err != nil {
			return nil, err
		}
		tt := TensorType(t)
		size, err := tensorBytes(tt, dims)
		if err != nil {
			return nil, d.wrap(off, err)
		}
		rel, err := d.u64("data offset")
		if err != nil {
			return nil, err
		}
		if rel%h.alignment != 0 {
			return nil, d.fail(d.off-8, "data offset %d is not a multiple of the alignment %d", rel, h.alignment)
		}
		h.tensors = append(h.tensors, TensorInfo{Name: name, Type: tt, Dims: dims, Offset: rel, Size: size})
		d.tensor = ""
	}

	headerEnd := uint64(d.off)
	h.dataOffset = (headerEnd + h.alignment - 1) &^ (h.alignment - 1)
	if err := h.placeTensors(uint64(d.size)); err != nil {
		return nil, err
	}
	return h, nil
}

// placeTensors turns the tensors' offsets into absolute file offsets and
// checks that each lies inside the file and that none overlap.
func (h *header) placeTensors(fileSize uint64) error {
	if len(h.tensors) == 0 {
		return nil
	}
	if h.dataOffset > fileSize {
		return &FormatError{Offset: int64(fileSize), Err: fmt.Errorf("data section at offset %d starts past the end of the file (%d bytes): %w", h.dataOffset, fileSize, io.ErrUnexpectedEOF)}
	}
	avail := fileSize - h.dataOffset
	for i := range h.tensors {
		t := &h.tensors[i]
		if t.Offset > avail || t.Size > avail-t.Offset {
			return &FormatError{Offset: int64(h.dataOffset), Tensor: t.Name, Err: fmt.Errorf("data [%d, +%d) in the data section at offset %d runs past the end of the file (%d bytes): %w", t.Offset, t.Size, h.dataOffset, fileSize, io.ErrUnexpectedEOF)}
		}
		t.Offset += h.dataOffset
	}
	order := make([]int, len(h.tensors))
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int {
		ta, tb := h.tensors[a].Offset, h.tensors[b].Offset
		if ta < tb {
			return -1
		}
		if ta > tb {
			return 1
		}
		return 0
	})
	for k := 1; k < len(order); k++ {
		prev, cur := &h.tensors[order[k-1]], &h.tensors[order[k]]
		if cur.Offset < prev.Offset+prev.Size {
			return &FormatError{Offset: int64(cur.Offset), Tensor: cur.Name, Err: fmt.Errorf("data [%d, %d) overlaps tensor %q at [%d, %d)", cur.Offset, cur.Offset+cur.Size, prev.Name, prev.Offset, prev.Offset+prev.Size)}
		}
	}
	return nil
}

package meta

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"math/bits"
	"strings"
)

// GGUF value types.
const (
	ggufU8 = iota
	ggufI8
	ggufU16
	ggufI16
	ggufU32
	ggufI32
	ggufF32
	ggufBool
	ggufString
	ggufArray
	ggufU64
	ggufI64
	ggufF64
)

// Limits that keep a hostile header from exhausting memory or time. Real
// models stay far below them.
const (
	maxGGUFTensors  = 1 << 20
	maxGGUFKVs      = 1 << 20
	maxGGUFKeyLen   = 1 << 16
	maxKeptString   = 1 << 16 // longer values are skipped, not kept
	maxGGUFDims     = 8
	maxArrayDepth   = 4
	maxGGUFElements = 1 << 36 // elements in one array
)

// ErrNotGGUF says the stream does not start with the GGUF magic.
var ErrNotGGUF = errors.New("pacha/meta: not a GGUF file")

// GGUFHeader is what ReadGGUFHeader found: the scalar metadata values
// (strings of at most 64 KiB; arrays are skipped), and per tensor type the
// number of tensors and elements.
type GGUFHeader struct {
	Version     int
	BigEndian   bool
	TensorCount int64
	KV          map[string]any // uint64, int64, float64, bool or string
	// Elements per ggml tensor type name ("F32", "Q4_K", …).
	TypeElements map[string]int64
	Parameters   int64
	// HeaderSize is the offset just after the last tensor info (the
	// tensor data starts at the next multiple of the alignment).
	HeaderSize int64
}

type ggufReader struct {
	r     *bufio.Reader
	order binary.ByteOrder
	n     int64 // bytes consumed
	buf   [8]byte
}

func (g *ggufReader) read(n int) ([]byte, error) {
	if _, err := io.ReadFull(g.r, g.buf[:n]); err != nil {
		if err == io.EOF {
			err = io.ErrUnexpectedEOF
		}
		return nil, fmt.Errorf("pacha/meta: GGUF header truncated at byte %d: %w", g.n, err)
	}
	g.n += int64(n)
	return g.buf[:n], nil
}

func (g *ggufReader) u32() (uint32, error) {
	b, err := g.read(4)
	if err != nil {
		return 0, err
	}
	return g.order.Uint32(b), nil
}

func (g *ggufReader) u64() (uint64, error) {
	b, err := g.read(8)
	if err != nil {
		return 0, err
	}
	return g.order.Uint64(b), nil
}

func (g *ggufReader) skip(n uint64) error {
	for n > 0 {
		k := int(min(n, 1<<20))
		d, err := g.r.Discard(k)
		g.n += int64(d)
		if err != nil {
			if err == io.EOF {
				err = io.ErrUnexpectedEOF
			}
			return fmt.Errorf("pacha/meta: GGUF header truncated at byte %d: %w", g.n, err)
		}
		n -= uint64(k)
	}
	return nil
}

// str reads a string; it returns ok=false (having skipped it) when the
// string is longer than keep.
func (g *ggufReader) str(keep uint64) (s string, ok bool, err error) {
	n, err := g.u64()
	if err != nil {
		return "", false, err
	}
	if n > keep {
		return "", false, g.skip(n)
	}
	b := make([]byte, n)
	if _, err := io.ReadFull(g.r, b); err != nil {
		return "", false, fmt.Errorf("pacha/meta: GGUF header truncated at byte %d: %w", g.n, io.ErrUnexpectedEOF)
	}
	g.n += int64(n)
	return string(b), true, nil
}

var ggufScalarSize = map[uint32]int{ggufU8: 1, ggufI8: 1, ggufU16: 2, ggufI16: 2, ggufU32: 4, ggufI32: 4, ggufF32: 4, ggufBool: 1, ggufU64: 8, ggufI64: 8, ggufF64: 8}

// value reads one value of type t; kept is nil for arrays and long strings.
func (g *ggufReader) value(t uint32, depth int) (any, error) {
	switch t {
	case ggufString:
		s, ok, err := g.str(maxKeptString)
		if !ok {
			return nil, err
		}
		return s, err
	case ggufArray:
		if depth >= maxArrayDepth {
			return nil, fmt.Errorf("pacha/meta: GGUF arrays nested deeper than %d", maxArrayDepth)
		}
		et, err := g.u32()
		if err != nil {
			return nil, err
		}
		n, err := g.u64()
		if err != nil {
			return nil, err
		}
		if n > maxGGUFElements {
			return nil, fmt.Errorf("pacha/meta: GGUF array of %d elements", n)
		}
		if sz, ok := ggufScalarSize[et]; ok {
			hi, lo := bits.Mul64(n, uint64(sz))
			if hi != 0 {
				return nil, fmt.Errorf("pacha/meta: GGUF array too large")
			}
			return nil, g.skip(lo)
		}
		if et != ggufString && et != ggufArray {
			return nil, fmt.Errorf("pacha/meta: GGUF array of unknown type %d", et)
		}
		for i := uint64(0); i < n; i++ {
			if et == ggufString {
				l, err := g.u64()
				if err != nil {
					return nil, err
				}
				if err := g.skip(l); err != nil {
					return nil, err
				}
				continue
			}
			if _, err := g.value(et, depth+1); err != nil {
				return nil, err
			}
		}
		return nil, nil
	}
	sz, ok := ggufScalarSize[t]
	if !ok {
		return nil, fmt.Errorf("pacha/meta: GGUF value of unknown type %d at byte %d", t, g.n)
	}
	b, err := g.read(sz)
	if err != nil {
		return nil, err
	}
	switch t {
	case ggufU8:
		return uint64(b[0]), nil
	case ggufI8:
		return int64(int8(b[0])), nil
	case ggufU16:
		return uint64(g.order.Uint16(b)), nil
	case ggufI16:
		return int64(int16(g.order.Uint16(b))), nil
	case ggufU32:
		return uint64(g.order.Uint32(b)), nil
	case ggufI32:
		return int64(int32(g.order.Uint32(b))), nil
	case ggufF32:
		return float64(math.Float32frombits(g.order.Uint32(b))), nil
	case ggufBool:
		return b[0] != 0, nil
	case ggufU64:
		return g.order.Uint64(b), nil
	case ggufI64:
		return int64(g.order.Uint64(b)), nil
	default: // ggufF64
		return math.Float64frombits(g.order.Uint64(b)), nil
	}
}

// ReadGGUFHeader reads the GGUF header (v2 or v3, either byte order) and
// its key/value metadata and tensor infos from r, stopping before the
// tensor data. Memory use is bounded whatever the input.
func ReadGGUFHeader(r io.Reader) (*GGUFHeader, error) {
	g := &ggufReader{r: bufio.NewReaderSize(r, 64<<10), order: binary.LittleEndian}
	magic, err := g.read(4)
	if err != nil {
		return nil, ErrNotGGUF
	}
	if string(magic) != "GGUF" {
		return nil, ErrNotGGUF
	}
	v, err := g.u32()
	if err != nil {
		return nil, err
	}
	h := &GGUFHeader{KV: map[string]any{}, TypeElements: map[string]int64{}}
	if v > 0xffff && bits.ReverseBytes32(v) <= 0xffff {
		g.order, h.BigEndian, v = binary.BigEndian, true, bits.ReverseBytes32(v)
	}
	if v != 2 && v != 3 {
		return nil, fmt.Errorf("pacha/meta: GGUF version %d not supported (want 2 or 3)", v)
	}
	h.Version = int(v)
	nt, err := g.u64()
	if err != nil {
		return nil, err
	}
	nkv, err := g.u64()
	if err != nil {
		return nil, err
	}
	if nt > maxGGUFTensors || nkv > maxGGUFKVs {
		return nil, fmt.Errorf("pacha/meta: GGUF header claims %d tensors and %d keys", nt, nkv)
	}
	h.TensorCount = int64(nt)
	for i := uint64(0); i < nkv; i++ {
		key, ok, err := g.str(maxGGUFKeyLen)
		if err != nil {
			return nil, err
		}
		if !ok {
			return nil, fmt.Errorf("pacha/meta: GGUF key longer than %d bytes", maxGGUFKeyLen)
		}
		t, err := g.u32()
		if err != nil {
			return nil, err
		}
		val, err := g.value(t, 0)
		if err != nil {
			return nil, fmt.Errorf("%w (key %q)", err, key)
		}
		if val != nil {
			h.KV[key] = val
		}
	}
	for i := uint64(0); i < nt; i++ {
		if _, _, err := g.str(0); err != nil { // the name is not kept
			return nil, err
		}
		nd, err := g.u32()
		if err != nil {
			return nil, err
		}
		if nd == 0 || nd > maxGGUFDims {
			return nil, fmt.Errorf("pacha/meta: GGUF tensor %d has %d dimensions", i, nd)
		}
		elems := uint64(1)
		for range nd {
			d, err := g.u64()
			if err != nil {
				return nil, err
			}
			hi, lo := bits.Mul64(elems, d)
			if hi != 0 || lo > math.MaxInt64/2 {
				return nil, fmt.Errorf("pacha/meta: GGUF tensor %d is impossibly large", i)
			}
			elems = lo
		}
		tt, err := g.u32()
		if err != nil {
			return nil, err
		}
		if _, err := g.u64(); err != nil { // data offset
			return nil, err
		}
		h.TypeElements[GGMLTypeName(tt)] += int64(elems)
		h.Parameters += int64(elems)
		if h.Parameters < 0 || h.Parameters > math.MaxInt64/2 {
			return nil, fmt.Errorf("pacha/meta: GGUF parameter count overflows")
		}
	}
	h.HeaderSize = g.n
	return h, nil
}

// Metadata summarises the header.
func (h *GGUFHeader) Metadata() Metadata {
	m := Metadata{Format: "gguf", GGUFVersion: h.Version, Parameters: h.Parameters, Tensors: h.TensorCount}
	str := func(k string) string { s, _ := h.KV[k].(string); return s }
	num := func(k string) (int64, bool) {
		switch v := h.KV[k].(type) {
		case uint64:
			return int64(min(v, math.MaxInt64)), true
		case int64:
			return v, true
		}
		return 0, false
	}
	m.Architecture = str("general.architecture")
	m.Name = str("general.name")
	m.License = str("general.license")
	if m.License == "" {
		m.License = str("general.license.name")
	}
	if m.Architecture != "" {
		if n, ok := num(m.Architecture + ".context_length"); ok {
			m.ContextLength = n
		}
	}
	if ft, ok := num("general.file_type"); ok {
		m.Quantization = FileTypeName(ft)
	} else {
		m.Quantization = h.predominantType()
	}
	return m
}

// predominantType names the tensor type holding the most elements.
func (h *GGUFHeader) predominantType() string {
	best, bestN := "", int64(-1)
	for t, n := range h.TypeElements {
		if n > bestN || n == bestN && t < best {
			best, bestN = t, n
		}
	}
	return best
}

// ReadGGUF reads the header from r and summarises it.
func ReadGGUF(r io.Reader) (Metadata, error) {
	h, err := ReadGGUFHeader(r)
	if err != nil {
		return Metadata{}, err
	}
	return h.Metadata(), nil
}

var ggmlTypes = map[uint32]string{
	0: "F32", 1: "F16", 2: "Q4_0", 3: "Q4_1", 6: "Q5_0", 7: "Q5_1", 8: "Q8_0", 9: "Q8_1",
	10: "Q2_K", 11: "Q3_K", 12: "Q4_K", 13: "Q5_K", 14: "Q6_K", 15: "Q8_K",
	16: "IQ2_XXS", 17: "IQ2_XS", 18: "IQ3_XXS", 19: "IQ1_S", 20: "IQ4_NL", 21: "IQ3_S",
	22: "IQ2_S", 23: "IQ4_XS", 24: "I8", 25: "I16", 26: "I32", 27: "I64", 28: "F64",
	29: "IQ1_M", 30: "BF16", 34: "TQ1_0", 35: "TQ2_0", 39: "MXFP4",
}

// GGMLTypeName names a ggml tensor type ("TYPE_<n>" when unknown).
func GGMLTypeName(t uint32) string {
	if s, ok := ggmlTypes[t]; ok {
		return s
	}
	return fmt.Sprintf("TYPE_%d", t)
}

var fileTypes = map[int64]string{
	0: "F32", 1: "F16", 2: "Q4_0", 3: "Q4_1", 4: "Q4_1_SOME_F16", 7: "Q8_0", 8: "Q5_0", 9: "Q5_1",
	10: "Q2_K", 11: "Q3_K_S", 12: "Q3_K_M", 13: "Q3_K_L", 14: "Q4_K_S", 15: "Q4_K_M",
	16: "Q5_K_S", 17: "Q5_K_M", 18: "Q6_K", 19: "IQ2_XXS", 20: "IQ2_XS", 21: "Q2_K_S",
	22: "IQ3_XS", 23: "IQ3_XXS", 24: "IQ1_S", 25: "IQ4_NL", 26: "IQ3_S", 27: "IQ3_M",
	28: "IQ2_S", 29: "IQ2_M", 30: "IQ4_XS", 31: "IQ1_M", 32: "BF16", 36: "TQ1_0", 37: "TQ2_0",
	38: "MXFP4_MOE",
}

// FileTypeName names a llama.cpp general.file_type value.
func FileTypeName(ft int64) string {
	if s, ok := fileTypes[ft&^1024]; ok { // 1024: LLAMA_FTYPE_GUESSED
		return s
	}
	return fmt.Sprintf("FILE_TYPE_%d", ft)
}

// IsShard reports whether name looks like one shard of a split GGUF
// ("model-00001-of-00003.gguf").
func IsShard(name string) bool {
	i := strings.LastIndex(name, "-of-")
	return i > 6 && strings.HasSuffix(name, ".gguf")
}

package meta

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"math"
	"math/bits"
	"slices"
	"strings"
)

// MaxSafeTensorsHeader is the largest header accepted (the format's own
// limit is 100 MB).
const MaxSafeTensorsHeader = 100 << 20

// SafeTensorsHeader is what ReadSafeTensorsHeader found.
type SafeTensorsHeader struct {
	Tensors      int64
	Parameters   int64
	TypeElements map[string]int64  // "F16", "BF16", "F32", "I8", …
	UserMetadata map[string]string // the __metadata__ object
	HeaderSize   int64             // 8 + the JSON length
}

type stTensor struct {
	DType       string   `json:"dtype"`
	Shape       []uint64 `json:"shape"`
	DataOffsets []uint64 `json:"data_offsets"`
}

var stDTypeBits = map[string]uint64{
	"BOOL": 8, "U8": 8, "I8": 8, "F8_E5M2": 8, "F8_E4M3": 8, "F8_E8M0": 8, "F4": 4, "F6_E2M3": 6, "F6_E3M2": 6,
	"I16": 16, "U16": 16, "F16": 16, "BF16": 16, "I32": 32, "U32": 32, "F32": 32, "F64": 64, "I64": 64, "U64": 64, "C64": 64,
}

// ReadSafeTensorsHeader reads the length-prefixed JSON header of a
// SafeTensors file and checks each tensor's byte range against its dtype
// and shape.
func ReadSafeTensorsHeader(r io.Reader) (*SafeTensorsHeader, error) {
	br := bufio.NewReader(r)
	var lb [8]byte
	if _, err := io.ReadFull(br, lb[:]); err != nil {
		return nil, fmt.Errorf("pacha/meta: SafeTensors header length: %w", io.ErrUnexpectedEOF)
	}
	n := binary.LittleEndian.Uint64(lb[:])
	if n < 2 || n > MaxSafeTensorsHeader {
		return nil, fmt.Errorf("pacha/meta: SafeTensors header of %d bytes", n)
	}
	js, err := io.ReadAll(io.LimitReader(br, int64(n)))
	if err != nil {
		return nil, err
	}
	if uint64(len(js)) != n {
		return nil, fmt.Errorf("pacha/meta: SafeTensors header truncated: %w", io.ErrUnexpectedEOF)
	}
	if js[0] != '{' {
		return nil, errors.New("pacha/meta: SafeTensors header is not a JSON object")
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(js, &raw); err != nil {
		return nil, fmt.Errorf("pacha/meta: SafeTensors header: %w", err)
	}
	h := &SafeTensorsHeader{TypeElements: map[string]int64{}, UserMetadata: map[string]string{}, HeaderSize: int64(8 + n)}
	for _, name := range slices.Sorted(maps.Keys(raw)) {
		v := raw[name]
		if name == "__metadata__" {
			if err := json.Unmarshal(v, &h.UserMetadata); err != nil {
				return nil, fmt.Errorf("pacha/meta: SafeTensors __metadata__: %w", err)
			}
			continue
		}
		var t stTensor
		if err := json.Unmarshal(v, &t); err != nil {
			return nil, fmt.Errorf("pacha/meta: SafeTensors tensor %q: %w", name, err)
		}
		bitsPer, ok := stDTypeBits[t.DType]
		if !ok {
			return nil, fmt.Errorf("pacha/meta: SafeTensors tensor %q: unknown dtype %q", name, t.DType)
		}
		elems := uint64(1)
		for _, d := range t.Shape {
			hi, lo := bits.Mul64(elems, d)
			if hi != 0 || lo > math.MaxInt64/16 {
				return nil, fmt.Errorf("pacha/meta: SafeTensors tensor %q is impossibly large", name)
			}
			elems = lo
		}
		if len(t.DataOffsets) != 2 || t.DataOffsets[1] < t.DataOffsets[0] {
			return nil, fmt.Errorf("pacha/meta: SafeTensors tensor %q: bad data_offsets", name)
		}
		if want := (elems*bitsPer + 7) / 8; t.DataOffsets[1]-t.DataOffsets[0] != want {
			return nil, fmt.Errorf("pacha/meta: SafeTensors tensor %q: %d bytes for %d %s elements", name, t.DataOffsets[1]-t.DataOffsets[0], elems, t.DType)
		}
		h.Tensors++
		h.Parameters += int64(elems)
		if h.Parameters > math.MaxInt64/4 {
			return nil, errors.New("pacha/meta: SafeTensors parameter count overflows")
		}
		h.TypeElements[t.DType] += int64(elems)
	}
	return h, nil
}

// Metadata summarises the header (architecture and context length come
// from config.json; see ReadConfig).
func (h *SafeTensorsHeader) Metadata() Metadata {
	m := Metadata{Format: "safetensors", Parameters: h.Parameters, Tensors: h.Tensors}
	best, bestN := "", int64(-1)
	for t, n := range h.TypeElements {
		if n > bestN || n == bestN && t < best {
			best, bestN = t, n
		}
	}
	m.Quantization = best
	return m
}

// ReadConfig reads the fields pacha records from a Hugging Face
// config.json: model_type (or the first of architectures), the context
// length (max_position_embeddings, n_positions, n_ctx or seq_length) and
// torch_dtype.
func ReadConfig(r io.Reader) (Metadata, error) {
	data, err := io.ReadAll(io.LimitReader(r, 16<<20))
	if err != nil {
		return Metadata{}, err
	}
	var c map[string]any
	if err := json.Unmarshal(data, &c); err != nil {
		return Metadata{}, fmt.Errorf("pacha/meta: config.json: %w", err)
	}
	var m Metadata
	if s, ok := c["model_type"].(string); ok {
		m.Architecture = s
	} else if a, ok := c["architectures"].([]any); ok && len(a) > 0 {
		m.Architecture, _ = a[0].(string)
	}
	for _, k := range []string{"max_position_embeddings", "n_positions", "n_ctx", "seq_length"} {
		if f, ok := c[k].(float64); ok && f > 0 && f < math.MaxInt32 {
			m.ContextLength = int64(f)
			break
		}
	}
	if s, ok := c["torch_dtype"].(string); ok {
		m.Quantization = strings.ToUpper(map[string]string{"float16": "F16", "bfloat16": "BF16", "float32": "F32"}[s])
	}
	if s, ok := c["_name_or_path"].(string); ok {
		m.Name = s
	}
	return m, nil
}

// ReadModelCardLicense returns the "license:" value of a model card's
// YAML front matter (README.md on Hugging Face), or "".
func ReadModelCardLicense(r io.Reader) string {
	data, _ := io.ReadAll(io.LimitReader(r, 1<<20))
	if !bytes.HasPrefix(data, []byte("---")) {
		return ""
	}
	for _, line := range strings.Split(string(data), "\n")[1:] {
		line = strings.TrimRight(line, "\r")
		if line == "---" {
			break
		}
		if v, ok := strings.CutPrefix(line, "license:"); ok {
			return strings.Trim(strings.TrimSpace(v), `"'`)
		}
	}
	return ""
}

package safetensors

import (
	"fmt"

	"github.com/batuta-go/stack/realizar/gguf"
)

// DType is a safetensors element type name as the header spells it
// ("F32", "BF16", ...).
type DType string

// The element types a model source accepts.
const (
	F32  DType = "F32"
	F16  DType = "F16"
	BF16 DType = "BF16"
)

// dtypeSizes lists the element types the format defines, with their sizes
// in bytes, so that any well-formed file parses; only F32, F16 and BF16
// can be used as model weights.
var dtypeSizes = map[DType]uint64{
	"BOOL": 1, "U8": 1, "I8": 1, "F8_E4M3": 1, "F8_E5M2": 1, "F8_E8M0": 1,
	"U16": 2, "I16": 2, F16: 2, BF16: 2,
	"U32": 4, "I32": 4, F32: 4,
	"U64": 8, "I64": 8, "F64": 8, "C64": 8,
}

// Size returns the size of one element in bytes, 0 for an unknown type.
func (d DType) Size() int { return int(dtypeSizes[d]) }

// GGUF returns the GGUF tensor type holding the same values: F32, F16 or
// BF16; other types are an error naming the type.
func (d DType) GGUF() (gguf.TensorType, error) {
	switch d {
	case F32:
		return gguf.F32, nil
	case F16:
		return gguf.F16, nil
	case BF16:
		return gguf.BF16, nil
	}
	return 0, fmt.Errorf("element type %s is not supported (only F32, F16 and BF16)", d)
}

package gguf

import (
	"fmt"

	"github.com/batuta-go/stack/trueno/quant"
)

// TensorType is a ggml tensor element type; the values are ggml's type ids
// as GGUF files record them, the same ids as quant.Type.
type TensorType uint32

// The ggml tensor types a GGUF file can hold. The ids missing from the
// sequence (4, 5, 31–33, 36–38) were removed from ggml and are invalid in a
// file.
const (
	F32     TensorType = 0
	F16     TensorType = TensorType(quant.F16)
	Q4_0    TensorType = TensorType(quant.Q4_0)
	Q4_1    TensorType = TensorType(quant.Q4_1)
	Q5_0    TensorType = TensorType(quant.Q5_0)
	Q5_1    TensorType = TensorType(quant.Q5_1)
	Q8_0    TensorType = TensorType(quant.Q8_0)
	Q8_1    TensorType = TensorType(quant.Q8_1)
	Q2_K    TensorType = TensorType(quant.Q2_K)
	Q3_K    TensorType = TensorType(quant.Q3_K)
	Q4_K    TensorType = TensorType(quant.Q4_K)
	Q5_K    TensorType = TensorType(quant.Q5_K)
	Q6_K    TensorType = TensorType(quant.Q6_K)
	Q8_K    TensorType = TensorType(quant.Q8_K)
	IQ2_XXS TensorType = 16
	IQ2_XS  TensorType = 17
	IQ3_XXS TensorType = 18
	IQ1_S   TensorType = 19
	IQ4_NL  TensorType = TensorType(quant.IQ4_NL)
	IQ3_S   TensorType = 21
	IQ2_S   TensorType = 22
	IQ4_XS  TensorType = TensorType(quant.IQ4_XS)
	I8      TensorType = 24
	I16     TensorType = 25
	I32     TensorType = 26
	I64     TensorType = 27
	F64     TensorType = 28
	IQ1_M   TensorType = 29
	BF16    TensorType = TensorType(quant.BF16)
	TQ1_0   TensorType = 34
	TQ2_0   TensorType = 35
)

type typeLayout struct {
	name       string
	blockSize  uint64 // elements per block
	blockBytes uint64 // bytes per block
}

// typeLayouts holds every type ggml defines, so that a file holding a type
// this module cannot compute with still parses (its metadata and the other
// tensors stay usable); TensorType.Quant says which ones trueno supports.
var typeLayouts = map[TensorType]typeLayout{
	F32:     {"F32", 1, 4},
	F16:     {"F16", 1, 2},
	Q4_0:    {"Q4_0", 32, 18},
	Q4_1:    {"Q4_1", 32, 20},
	Q5_0:    {"Q5_0", 32, 22},
	Q5_1:    {"Q5_1", 32, 24},
	Q8_0:    {"Q8_0", 32, 34},
	Q8_1:    {"Q8_1", 32, 36},
	Q2_K:    {"Q2_K", 256, 84},
	Q3_K:    {"Q3_K", 256, 110},
	Q4_K:    {"Q4_K", 256, 144},
	Q5_K:    {"Q5_K", 256, 176},
	Q6_K:    {"Q6_K", 256, 210},
	Q8_K:    {"Q8_K", 256, 292},
	IQ2_XXS: {"IQ2_XXS", 256, 66},
	IQ2_XS:  {"IQ2_XS", 256, 74},
	IQ3_XXS: {"IQ3_XXS", 256, 98},
	IQ1_S:   {"IQ1_S", 256, 50},
	IQ4_NL:  {"IQ4_NL", 32, 18},
	IQ3_S:   {"IQ3_S", 256, 110},
	IQ2_S:   {"IQ2_S", 256, 82},
	IQ4_XS:  {"IQ4_XS", 256, 136},
	I8:      {"I8", 1, 1},
	I16:     {"I16", 1, 2},
	I32:     {"I32", 1, 4},
	I64:     {"I64", 1, 8},
	F64:     {"F64", 1, 8},
	IQ1_M:   {"IQ1_M", 256, 56},
	BF16:    {"BF16", 1, 2},
	TQ1_0:   {"TQ1_0", 256, 54},
	TQ2_0:   {"TQ2_0", 256, 66},
}

// Valid reports whether t is a type ggml defines.
func (t TensorType) Valid() bool { _, ok := typeLayouts[t]; return ok }

// String returns ggml's name of the type ("Q4_K"), or "TensorType(id)" for
// an unknown id.
func (t TensorType) String() string {
	if l, ok := typeLayouts[t]; ok {
		return l.name
	}
	return fmt.Sprintf("TensorType(%d)", uint32(t))
}

// Quant returns the trueno quant.Type with the same id, and whether trueno
// supports it. It is false for F32 (plain float32, no block format) and
// for the ggml types trueno has no kernels for.
func (t TensorType) Quant() (quant.Type, bool) {
	q := quant.Type(t)
	if t == F32 || !q.Valid() {
		return 0, false
	}
	return q, true
}

// BlockSize returns the number of elements one block of the type encodes
// (1 for the plain types). It panics for an unknown type.
func (t TensorType) BlockSize() int { return int(t.layout().blockSize) }

// BlockBytes returns the size in bytes of one block of the type. It panics
// for an unknown type.
func (t TensorType) BlockBytes() int { return int(t.layout().blockBytes) }

// RowBytes returns the size in bytes of n elements of the type. It panics
// when t is unknown or n is negative or not a multiple of the block size
// (a programmer error: the parser rejects such tensors).
func (t TensorType) RowBytes(n int) int {
	l := t.layout()
	if n < 0 || uint64(n)%l.blockSize != 0 {
		panic(fmt.Sprintf("gguf: %s: %d elements is not a whole number of %d-element blocks", l.name, n, l.blockSize))
	}
	return int(uint64(n) / l.blockSize * l.blockBytes)
}

func (t TensorType) layout() typeLayout {
	l, ok := typeLayouts[t]
	if !ok {
		panic(fmt.Sprintf("gguf: unknown tensor type %d", uint32(t)))
	}
	return l
}

// tensorBytes returns the size of a tensor of type t and shape dims, or an
// error when the shape is invalid for the type or the size overflows.
func tensorBytes(t TensorType, dims []uint64) (uint64, error) {
	l, ok := typeLayouts[t]
	if !ok {
		return 0, fmt.Errorf("unknown tensor type id %d", uint32(t))
	}
	if len(dims) == 0 {
		return 0, fmt.Errorf("no dimensions")
	}
	if len(dims) > MaxDims {
		return 0, fmt.Errorf("%d dimensions, more than %d", len(dims), MaxDims)
	}
	n := uint64(1)
	for i, d := range dims {
		if d == 0 {
			return 0, fmt.Errorf("dimension %d is zero", i)
		}
		if d > maxElements/n {
			return 0, fmt.Errorf("shape %v has more than 2^63 elements", dims)
		}
		n *= d
	}
	if dims[0]%l.blockSize != 0 {
		return 0, fmt.Errorf("type %s: row of %d elements is not a whole number of %d-element blocks", l.name, dims[0], l.blockSize)
	}
	blocks := n / l.blockSize
	if blocks > maxElements/l.blockBytes {
		return 0, fmt.Errorf("shape %v of type %s has more than 2^63 bytes", dims, l.name)
	}
	return blocks * l.blockBytes, nil
}

// MaxDims is the largest number of dimensions a tensor may have (ggml's
// GGML_MAX_DIMS).
const MaxDims = 4

const maxElements = 1<<63 - 1

package quant

import (
	"fmt"
	"strings"
)

// Type is a GGML tensor element type. The values are ggml's type ids, as
// GGUF files record them.
type Type uint32

// The supported types, with ggml's ids.
const (
	F16    Type = 1
	Q4_0   Type = 2
	Q4_1   Type = 3
	Q5_0   Type = 6
	Q5_1   Type = 7
	Q8_0   Type = 8
	Q8_1   Type = 9
	Q2_K   Type = 10
	Q3_K   Type = 11
	Q4_K   Type = 12
	Q5_K   Type = 13
	Q6_K   Type = 14
	Q8_K   Type = 15
	IQ4_NL Type = 20
	IQ4_XS Type = 23
	BF16   Type = 30
)

// QK is the super-block size of the K-quants and IQ4_XS.
const QK = 256

type layout struct {
	name       string
	blockSize  int  // elements per block
	blockBytes int  // bytes per block
	dot        Type // companion format of the activations in Dot
}

var layouts = map[Type]layout{
	F16:    {"F16", 1, 2, F16},
	BF16:   {"BF16", 1, 2, BF16},
	Q4_0:   {"Q4_0", 32, 18, Q8_0},
	Q4_1:   {"Q4_1", 32, 20, Q8_1},
	Q5_0:   {"Q5_0", 32, 22, Q8_0},
	Q5_1:   {"Q5_1", 32, 24, Q8_1},
	Q8_0:   {"Q8_0", 32, 34, Q8_0},
	Q8_1:   {"Q8_1", 32, 36, Q8_1},
	Q2_K:   {"Q2_K", QK, 84, Q8_K},
	Q3_K:   {"Q3_K", QK, 110, Q8_K},
	Q4_K:   {"Q4_K", QK, 144, Q8_K},
	Q5_K:   {"Q5_K", QK, 176, Q8_K},
	Q6_K:   {"Q6_K", QK, 210, Q8_K},
	Q8_K:   {"Q8_K", QK, 292, Q8_K},
	IQ4_NL: {"IQ4_NL", 32, 18, Q8_0},
	IQ4_XS: {"IQ4_XS", QK, 136, Q8_K},
}

// Types lists every supported type in id order.
func Types() []Type {
	return []Type{F16, Q4_0, Q4_1, Q5_0, Q5_1, Q8_0, Q8_1, Q2_K, Q3_K, Q4_K, Q5_K, Q6_K, Q8_K, IQ4_NL, IQ4_XS, BF16}
}

func (t Type) layout() layout {
	l, ok := layouts[t]
	if !ok {
		panic(fmt.Sprintf("quant: unsupported type %d", uint32(t)))
	}
	return l
}

// Valid reports whether t is a supported type.
func (t Type) Valid() bool { _, ok := layouts[t]; return ok }

// String returns ggml's name of the type ("Q4_K").
func (t Type) String() string {
	if l, ok := layouts[t]; ok {
		return l.name
	}
	return fmt.Sprintf("Type(%d)", uint32(t))
}

// BlockSize is the number of values one block encodes.
func (t Type) BlockSize() int { return t.layout().blockSize }

// BlockBytes is the size of one block in bytes.
func (t Type) BlockBytes() int { return t.layout().blockBytes }

// RowBytes is the size in bytes of a row of n values; n must be a multiple
// of the block size.
func (t Type) RowBytes(n int) int {
	l := t.layout()
	if n < 0 || n%l.blockSize != 0 {
		panic(fmt.Sprintf("quant: %s: row length %d is not a multiple of the block size %d", l.name, n, l.blockSize))
	}
	return n / l.blockSize * l.blockBytes
}

// DotType is the companion format that Dot expects the second row in:
// Q8_0 for Q4_0, Q5_0, Q8_0 and IQ4_NL; Q8_1 for Q4_1 and Q5_1; Q8_K for
// the K-quants and IQ4_XS; the type itself for F16 and BF16.
func (t Type) DotType() Type { return t.layout().dot }

// ParseType returns the type named s (ggml's name, case-insensitive).
func ParseType(s string) (Type, error) {
	for t, l := range layouts {
		if strings.EqualFold(l.name, s) {
			return t, nil
		}
	}
	return 0, fmt.Errorf("quant: unknown type %q", s)
}

// checkRow panics unless b holds exactly a row of n values of type t.
func checkRow(op string, t Type, n int, b []byte) {
	if want := t.RowBytes(n); len(b) != want {
		panic(fmt.Sprintf("quant: %s: %s row of %d values needs %d bytes, got %d", op, t, n, want, len(b)))
	}
}

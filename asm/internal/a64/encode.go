package a64

import (
	"errors"
	"fmt"
	"strings"
	"sync"
)

// Encoder encodes one instruction form from its parsed operands. It returns
// ErrNoMatch when the operands are not its form (so that the next encoder
// registered under the mnemonic is tried), or another error when they are
// its form but invalid (an immediate out of range, say).
type Encoder func(ops []Operand) (uint32, error)

// ErrNoMatch is returned by an Encoder whose form the operands do not fit.
var ErrNoMatch = errors.New("operands do not match this form")

var (
	regMu    sync.RWMutex
	registry = map[string][]Encoder{}
)

// Register adds an encoder for mnemonic (lower case, e.g. "fadd"). Encoders
// of one mnemonic are tried in registration order. Call it from an init
// function.
func Register(mnemonic string, enc Encoder) {
	regMu.Lock()
	defer regMu.Unlock()
	mnemonic = strings.ToLower(mnemonic)
	registry[mnemonic] = append(registry[mnemonic], enc)
}

// Encode assembles one AdvSIMD instruction written in GNU syntax, such as
// "fadd v0.4s, v1.4s, v2.4s", into its 32-bit encoding.
func Encode(inst string) (uint32, error) {
	mn, texts := splitInst(inst)
	regMu.RLock()
	encs := registry[mn]
	regMu.RUnlock()
	if len(encs) == 0 {
		return 0, fmt.Errorf("a64: %q: unknown mnemonic %q", inst, mn)
	}
	ops := make([]Operand, len(texts))
	for i, t := range texts {
		o, err := parseOperand(t)
		if err != nil {
			return 0, fmt.Errorf("a64: %q: %v", inst, err)
		}
		ops[i] = o
	}
	for _, enc := range encs {
		w, err := enc(ops)
		if errors.Is(err, ErrNoMatch) {
			continue
		}
		if err != nil {
			return 0, fmt.Errorf("a64: %q: %v", inst, err)
		}
		return w, nil
	}
	return 0, fmt.Errorf("a64: %q: unsupported operand form for %s", inst, mn)
}

// MustEncode is Encode that panics on error.
func MustEncode(inst string) uint32 {
	w, err := Encode(inst)
	if err != nil {
		panic(err)
	}
	return w
}

// Arrs maps the arrangements an instruction accepts to their size and Q
// bits.
type Arrs map[string]uint32

const q = 1 << 30

// Arrangement sets, with the bits of the common size:Q layout (size in bits
// 23:22, Q in bit 30; for floating point, sz in bit 22).
var (
	ArrB     = Arrs{"8b": 0, "16b": q}
	ArrBH    = Arrs{"8b": 0, "16b": q, "4h": 1 << 22, "8h": q | 1<<22}
	ArrBHS   = Arrs{"8b": 0, "16b": q, "4h": 1 << 22, "8h": q | 1<<22, "2s": 2 << 22, "4s": q | 2<<22}
	ArrBHS4S = Arrs{"8b": 0, "16b": q, "4h": 1 << 22, "8h": q | 1<<22, "4s": q | 2<<22}
	ArrAll   = Arrs{"8b": 0, "16b": q, "4h": 1 << 22, "8h": q | 1<<22, "2s": 2 << 22, "4s": q | 2<<22, "2d": q | 3<<22}
	ArrHS    = Arrs{"4h": 1 << 22, "8h": q | 1<<22, "2s": 2 << 22, "4s": q | 2<<22}
	ArrFloat = Arrs{"2s": 0, "4s": q, "2d": q | 1<<22}
	ArrBytes = Arrs{"8b": 0, "16b": q}
)

func esize(arr string) int {
	switch arr[len(arr)-1] {
	case 'b':
		return 8
	case 'h':
		return 16
	case 's':
		return 32
	}
	return 64
}

func elemSize(e byte) int {
	switch e {
	case 'b':
		return 8
	case 'h':
		return 16
	case 's':
		return 32
	case 'd':
		return 64
	}
	return 128
}

func rd(o Operand) uint32 { return uint32(o.Reg) }
func rn(o Operand) uint32 { return uint32(o.Reg) << 5 }
func rm(o Operand) uint32 { return uint32(o.Reg) << 16 }

func sameArr(ops []Operand) bool {
	for _, o := range ops[1:] {
		if o.Arr != ops[0].Arr {
			return false
		}
	}
	return true
}

// ThreeSame: OP vd.T, vn.T, vm.T.
func ThreeSame(base uint32, arrs Arrs) Encoder {
	return func(ops []Operand) (uint32, error) {
		if !Match(ops, KindVec, KindVec, KindVec) || !sameArr(ops) {
			return 0, ErrNoMatch
		}
		bits, ok := arrs[ops[0].Arr]
		if !ok {
			return 0, ErrNoMatch
		}
		return base | bits | rm(ops[2]) | rn(ops[1]) | rd(ops[0]), nil
	}
}

// TwoMisc: OP vd.T, vn.T.
func TwoMisc(base uint32, arrs Arrs) Encoder {
	return func(ops []Operand) (uint32, error) {
		if !Match(ops, KindVec, KindVec) || !sameArr(ops) {
			return 0, ErrNoMatch
		}
		bits, ok := arrs[ops[0].Arr]
		if !ok {
			return 0, ErrNoMatch
		}
		return base | bits | rn(ops[1]) | rd(ops[0]), nil
	}
}

// TwoMiscZero: OP vd.T, vn.T, #0 (compare with zero; #0.0 for floating point).
func TwoMiscZero(base uint32, arrs Arrs) Encoder {
	return func(ops []Operand) (uint32, error) {
		if !Match(ops, KindVec, KindVec, KindImm) || !sameArr(ops[:2]) {
			return 0, ErrNoMatch
		}
		bits, ok := arrs[ops[0].Arr]
		if !ok {
			return 0, ErrNoMatch
		}
		if ops[2].Float != 0 {
			return 0, fmt.Errorf("compare immediate must be zero")
		}
		return base | bits | rn(ops[1]) | rd(ops[0]), nil
	}
}

// AcrossLanes: OP <V>d, vn.T, where dest maps each accepted arrangement T to
// the element size letter of the scalar destination.
func AcrossLanes(base uint32, arrs Arrs, dest map[string]byte) Encoder {
	return func(ops []Operand) (uint32, error) {
		if !Match(ops, KindScalar, KindVec) {
			return 0, ErrNoMatch
		}
		bits, ok := arrs[ops[1].Arr]
		if !ok || dest[ops[1].Arr] != ops[0].Elem {
			return 0, ErrNoMatch
		}
		return base | bits | rn(ops[1]) | rd(ops[0]), nil
	}
}

// Q-bit-only arrangement sets for the shift-by-immediate class, whose
// element size lives in immh.
var shiftArrs = Arrs{"8b": 0, "16b": q, "4h": 0, "8h": q, "2s": 0, "4s": q, "2d": q}

// ShiftRight: OP vd.T, vn.T, #shift for T in arrs (nil: every arrangement) with 1 <= shift <= esize.
func ShiftRight(base uint32, arrs Arrs) Encoder {
	return func(ops []Operand) (uint32, error) {
		if !Match(ops, KindVec, KindVec, KindImm) || !sameArr(ops[:2]) {
			return 0, ErrNoMatch
		}
		bits, ok := shiftArrs[ops[0].Arr]
		if _, in := arrs[ops[0].Arr]; !ok || arrs != nil && !in {
			return 0, ErrNoMatch
		}
		es, sh := esize(ops[0].Arr), ops[2].Imm
		if ops[2].IsFloat || sh < 1 || sh > int64(es) {
			return 0, fmt.Errorf("shift #%v out of range 1..%d", ops[2].Float, es)
		}
		return base | bits | uint32(2*int64(es)-sh)<<16 | rn(ops[1]) | rd(ops[0]), nil
	}
}

// ShiftLeft: OP vd.T, vn.T, #shift for T in arrs (nil: every arrangement) with 0 <= shift < esize.
func ShiftLeft(base uint32, arrs Arrs) Encoder {
	return func(ops []Operand) (uint32, error) {
		if !Match(ops, KindVec, KindVec, KindImm) || !sameArr(ops[:2]) {
			return 0, ErrNoMatch
		}
		bits, ok := shiftArrs[ops[0].Arr]
		if _, in := arrs[ops[0].Arr]; !ok || arrs != nil && !in {
			return 0, ErrNoMatch
		}
		es, sh := esize(ops[0].Arr), ops[2].Imm
		if ops[2].IsFloat || sh < 0 || sh >= int64(es) {
			return 0, fmt.Errorf("shift #%v out of range 0..%d", ops[2].Float, es-1)
		}
		return base | bits | uint32(int64(es)+sh)<<16 | rn(ops[1]) | rd(ops[0]), nil
	}
}

// narrowPair maps a narrow arrangement to the wide one it pairs with.
var narrowPair = map[string]string{"8b": "8h", "16b": "8h", "4h": "4s", "8h": "4s", "2s": "2d", "4s": "2d"}

func isUpper(arr string) bool { return arr == "16b" || arr == "8h" || arr == "4s" }

// ShiftNarrow: OP vd.Tb, vn.Ta, #shift (shrn and friends); upper selects
// the "2" form that writes the upper half (vd.16b, 8h or 4s).
func ShiftNarrow(base uint32, upper bool) Encoder {
	return func(ops []Operand) (uint32, error) {
		if !Match(ops, KindVec, KindVec, KindImm) {
			return 0, ErrNoMatch
		}
		nb, wa := ops[0].Arr, ops[1].Arr
		if narrowPair[nb] != wa || isUpper(nb) != upper {
			return 0, ErrNoMatch
		}
		es, sh := esize(nb), ops[2].Imm
		if ops[2].IsFloat || sh < 1 || sh > int64(es) {
			return 0, fmt.Errorf("shift #%v out of range 1..%d", ops[2].Float, es)
		}
		return base | shiftArrs[nb] | uint32(2*int64(es)-sh)<<16 | rn(ops[1]) | rd(ops[0]), nil
	}
}

// ShiftLong: OP vd.Ta, vn.Tb, #shift (sshll, ushll) with 0 <= shift < esize
// of Tb; upper selects the "2" form reading the upper half.
func ShiftLong(base uint32, upper bool) Encoder {
	return func(ops []Operand) (uint32, error) {
		if !Match(ops, KindVec, KindVec, KindImm) {
			return 0, ErrNoMatch
		}
		return shiftLong(base, upper, ops[0], ops[1], ops[2])
	}
}

func shiftLong(base uint32, upper bool, d, n, imm Operand) (uint32, error) {
	if narrowPair[n.Arr] != d.Arr || isUpper(n.Arr) != upper {
		return 0, ErrNoMatch
	}
	es, sh := esize(n.Arr), imm.Imm
	if imm.IsFloat || sh < 0 || sh >= int64(es) {
		return 0, fmt.Errorf("shift #%v out of range 0..%d", imm.Float, es-1)
	}
	return base | shiftArrs[n.Arr] | uint32(int64(es)+sh)<<16 | rn(n) | rd(d), nil
}

// ExtendLong: OP vd.Ta, vn.Tb (sxtl, uxtl: the shift-long form with #0).
func ExtendLong(base uint32, upper bool) Encoder {
	return func(ops []Operand) (uint32, error) {
		if !Match(ops, KindVec, KindVec) {
			return 0, ErrNoMatch
		}
		return shiftLong(base, upper, ops[0], ops[1], Operand{Kind: KindImm})
	}
}

// Narrow: OP vd.Tb, vn.Ta (xtn, sqxtn, ...), size taken from Tb; upper
// selects the "2" form.
func Narrow(base uint32, upper bool) Encoder {
	return func(ops []Operand) (uint32, error) {
		if !Match(ops, KindVec, KindVec) {
			return 0, ErrNoMatch
		}
		nb, wa := ops[0].Arr, ops[1].Arr
		if narrowPair[nb] != wa || isUpper(nb) != upper {
			return 0, ErrNoMatch
		}
		return base | ArrBHS[nb] | rn(ops[1]) | rd(ops[0]), nil
	}
}

// Long: OP vd.Ta, vn.Tb, vm.Tb (smull, uaddl, ...), size from Tb; upper
// selects the "2" form.
func Long(base uint32, upper bool) Encoder {
	return func(ops []Operand) (uint32, error) {
		if !Match(ops, KindVec, KindVec, KindVec) || ops[1].Arr != ops[2].Arr {
			return 0, ErrNoMatch
		}
		if narrowPair[ops[1].Arr] != ops[0].Arr || isUpper(ops[1].Arr) != upper {
			return 0, ErrNoMatch
		}
		return base | ArrBHS[ops[1].Arr] | rm(ops[2]) | rn(ops[1]) | rd(ops[0]), nil
	}
}

// Wide: OP vd.Ta, vn.Ta, vm.Tb (saddw, uaddw), size from Tb; upper selects
// the "2" form.
func Wide(base uint32, upper bool) Encoder {
	return func(ops []Operand) (uint32, error) {
		if !Match(ops, KindVec, KindVec, KindVec) || ops[0].Arr != ops[1].Arr {
			return 0, ErrNoMatch
		}
		if narrowPair[ops[2].Arr] != ops[0].Arr || isUpper(ops[2].Arr) != upper {
			return 0, ErrNoMatch
		}
		return base | ArrBHS[ops[2].Arr] | rm(ops[2]) | rn(ops[1]) | rd(ops[0]), nil
	}
}

// PairLong: OP vd.Ta, vn.Tb with Ta of half as many lanes of twice the
// width (saddlp, uadalp, ...), size from Tb.
func PairLong(base uint32) Encoder {
	pair := map[string]string{"8b": "4h", "16b": "8h", "4h": "2s", "8h": "4s", "2s": "1d", "4s": "2d"}
	return func(ops []Operand) (uint32, error) {
		if !Match(ops, KindVec, KindVec) || pair[ops[1].Arr] != ops[0].Arr {
			return 0, ErrNoMatch
		}
		return base | ArrBHS[ops[1].Arr] | rn(ops[1]) | rd(ops[0]), nil
	}
}

// ByElemFloat: OP vd.T, vn.T, vm.Ts[i] for T in 2s, 4s, 2d.
func ByElemFloat(base uint32) Encoder {
	return func(ops []Operand) (uint32, error) {
		if !Match(ops, KindVec, KindVec, KindElem) || !sameArr(ops[:2]) {
			return 0, ErrNoMatch
		}
		bits, ok := ArrFloat[ops[0].Arr]
		if !ok || elemSize(ops[2].Elem) != esize(ops[0].Arr) {
			return 0, ErrNoMatch
		}
		i := uint32(ops[2].Index)
		if ops[2].Elem == 's' {
			if i > 3 {
				return 0, fmt.Errorf("element index %d out of range 0..3", i)
			}
			return base | bits | (i>>1)<<11 | (i&1)<<21 | rm(ops[2]) | rn(ops[1]) | rd(ops[0]), nil
		}
		if i > 1 {
			return 0, fmt.Errorf("element index %d out of range 0..1", i)
		}
		return base | bits | i<<11 | rm(ops[2]) | rn(ops[1]) | rd(ops[0]), nil
	}
}

// byElemIndex encodes element vm.Ts[i] of an integer by-element form:
// h elements take index H:L:M and v0..v15, s elements H:L.
func byElemIndex(e Operand) (uint32, error) {
	i := uint32(e.Index)
	switch e.Elem {
	case 'h':
		if i > 7 || e.Reg > 15 {
			return 0, fmt.Errorf("h element needs v0..v15 and index 0..7")
		}
		return (i>>2)<<11 | (i>>1&1)<<21 | (i&1)<<20 | rm(e), nil
	case 's':
		if i > 3 {
			return 0, fmt.Errorf("element index %d out of range 0..3", i)
		}
		return (i>>1)<<11 | (i&1)<<21 | rm(e), nil
	}
	return 0, ErrNoMatch
}

// ByElemInt: OP vd.T, vn.T, vm.Ts[i] for T in 4h, 8h, 2s, 4s.
func ByElemInt(base uint32) Encoder {
	return func(ops []Operand) (uint32, error) {
		if !Match(ops, KindVec, KindVec, KindElem) || !sameArr(ops[:2]) {
			return 0, ErrNoMatch
		}
		bits, ok := ArrHS[ops[0].Arr]
		if !ok || elemSize(ops[2].Elem) != esize(ops[0].Arr) {
			return 0, ErrNoMatch
		}
		e, err := byElemIndex(ops[2])
		if err != nil {
			return 0, err
		}
		return base | bits | e | rn(ops[1]) | rd(ops[0]), nil
	}
}

var dotArrs = map[string]string{"2s": "8b", "4s": "16b"}

// Dot: OP vd.2s/4s, vn.8b/16b, vm.8b/16b (sdot, udot).
func Dot(base uint32) Encoder {
	return func(ops []Operand) (uint32, error) {
		if !Match(ops, KindVec, KindVec, KindVec) || ops[1].Arr != ops[2].Arr || dotArrs[ops[0].Arr] != ops[1].Arr {
			return 0, ErrNoMatch
		}
		return base | ArrB[ops[1].Arr] | rm(ops[2]) | rn(ops[1]) | rd(ops[0]), nil
	}
}

// DotElem: OP vd.2s/4s, vn.8b/16b, vm.4b[i] (sdot, udot by element).
func DotElem(base uint32) Encoder {
	return func(ops []Operand) (uint32, error) {
		if len(ops) != 3 || ops[0].Kind != KindVec || ops[1].Kind != KindVec || dotArrs[ops[0].Arr] != ops[1].Arr {
			return 0, ErrNoMatch
		}
		m := ops[2]
		if m.Kind != KindElem || m.Arr != "4b" {
			return 0, ErrNoMatch
		}
		i := uint32(m.Index)
		if i > 3 {
			return 0, fmt.Errorf("element index %d out of range 0..3", i)
		}
		return base | ArrB[ops[1].Arr] | (i>>1)<<11 | (i&1)<<21 | rm(m) | rn(ops[1]) | rd(ops[0]), nil
	}
}

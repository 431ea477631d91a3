package main

import (
	"fmt"
	"math"
)

// The kernels' arithmetic is written once, as a program in a small
// vector IR (algo.go), and translated by one backend per instruction set:
// avo for AVX2 and AVX-512 (x86.go), our arm64 emitter for NEON (neon.go).
// A program is a straight-line list of operations on SSA values, each a
// full vector of float32 lanes (f32), a vector of float64 holding half of
// those lanes (f64), or a lane mask. Its operations mirror, one for one,
// the float32 operations of the generic references in
// trueno/transcend_generic.go; that is what makes every path bit-exact.

type kind uint8

const (
	kF32  kind = iota // float32 lanes (also used for int32 lanes)
	kF64              // float64 lanes: one half of an f32 vector
	kMask             // per-lane condition
)

type opcode uint8

const (
	opInput  opcode = iota // the i-th input vector (imm)
	opScalar               // the i-th scalar parameter, broadcast (imm)
	opConst                // a float32 constant (bits in c)
	opConstD               // a float64 constant (bits in c)

	opAdd // a + b
	opSub // a − b
	opMul // a · b
	opDiv // a / b
	opMin // b < a ? b : a (a NaN in a is kept)
	opMax // b > a ? b : a (a NaN in a is kept)
	opAnd // bitwise
	opOr
	opXor
	opIAdd // int32 lanes
	opISub
	opShl  // int32 lanes, by imm
	opShrL // logical
	opShrA // arithmetic
	opCvt  // int32 → float32 (exact for the values used)
	opLT   // a < b (false for NaN)
	opGT   // a > b
	opEQ   // a == b
	opSel  // m ? a : b

	opWidenLo // float32 lanes of the low half → float64
	opWidenHi // float32 lanes of the high half → float64
	opNarrow  // (lo, hi float64) → float32, round to nearest even
	opAddD
	opSubD
	opMulD
	opMaxD // b > a ? b : a
	opOrD  // bitwise
)

var opNames = [...]string{
	opInput: "input", opScalar: "scalar", opConst: "const", opConstD: "constd",
	opAdd: "add", opSub: "sub", opMul: "mul", opDiv: "div", opMin: "min", opMax: "max",
	opAnd: "and", opOr: "or", opXor: "xor", opIAdd: "iadd", opISub: "isub",
	opShl: "shl", opShrL: "shrl", opShrA: "shra", opCvt: "cvt",
	opLT: "lt", opGT: "gt", opEQ: "eq", opSel: "sel",
	opWidenLo: "widenlo", opWidenHi: "widenhi", opNarrow: "narrow",
	opAddD: "addd", opSubD: "subd", opMulD: "muld", opMaxD: "maxd", opOrD: "ord",
}

func (o opcode) String() string { return opNames[o] }

// val is an SSA value: the index of the operation that defines it.
type val int

type inst struct {
	op   opcode
	kind kind
	args []val
	imm  int
	c    uint64 // constant bits
}

// prog is one kernel body. Its result is the value out.
type prog struct {
	insts []inst
	out   val
	k     *consts
	memo  map[uint64]val // constants already defined
}

func newProg(k *consts) *prog { return &prog{k: k, memo: map[uint64]val{}} }

func (p *prog) add(in inst) val {
	for _, a := range in.args {
		if int(a) >= len(p.insts) {
			panic("transcend: IR argument defined later")
		}
	}
	p.insts = append(p.insts, in)
	return val(len(p.insts) - 1)
}

func (p *prog) kindOf(v val) kind { return p.insts[v].kind }

// isConst reports whether v is a constant, and its bits.
func (p *prog) isConst(v val) (uint64, bool) {
	in := p.insts[v]
	return in.c, in.op == opConst || in.op == opConstD
}

func (p *prog) want(v val, k kind, op string) {
	if p.kindOf(v) != k {
		panic(fmt.Sprintf("transcend: %s: operand %d has kind %d, want %d", op, v, p.kindOf(v), k))
	}
}

func (p *prog) bin(op opcode, k, rk kind, a, b val) val {
	p.want(a, k, op.String())
	p.want(b, k, op.String())
	return p.add(inst{op: op, kind: rk, args: []val{a, b}})
}

// Inputs and constants.

func (p *prog) Input(i int) val  { return p.add(inst{op: opInput, kind: kF32, imm: i}) }
func (p *prog) Scalar(i int) val { return p.add(inst{op: opScalar, kind: kF32, imm: i}) }

// Bits is a float32-lane constant given by its bit pattern.
func (p *prog) Bits(u uint32) val {
	key := uint64(u)
	if v, ok := p.memo[key]; ok {
		return v
	}
	v := p.add(inst{op: opConst, kind: kF32, c: key})
	p.memo[key] = v
	return v
}

// F is a float32 literal.
func (p *prog) F(f float32) val { return p.Bits(math.Float32bits(f)) }

// C is the float32 constant name of transcend_consts.go.
func (p *prog) C(name string) val {
	u, ok := p.k.f32[name]
	if !ok {
		panic("transcend: no float32 constant " + name)
	}
	return p.Bits(u)
}

// I is the integer constant name of transcend_consts.go, as a lane pattern.
func (p *prog) I(name string) uint32 {
	u, ok := p.k.u32[name]
	if !ok {
		panic("transcend: no integer constant " + name)
	}
	return u
}

// D is the float64 constant name of transcend_consts.go (or a literal
// when name is empty).
func (p *prog) D(name string, lit float64) val {
	f := lit
	if name != "" {
		u, ok := p.k.f64[name]
		if !ok {
			panic("transcend: no float64 constant " + name)
		}
		f = math.Float64frombits(u)
	}
	key := math.Float64bits(f) ^ 1<<62 // keyed apart from the float32 constants
	if v, ok := p.memo[key]; ok && p.insts[v].op == opConstD {
		return v
	}
	v := p.add(inst{op: opConstD, kind: kF64, c: math.Float64bits(f)})
	p.memo[key] = v
	return v
}

// float32 arithmetic, one rounding each.

func (p *prog) Add(a, b val) val { return p.bin(opAdd, kF32, kF32, a, b) }
func (p *prog) Sub(a, b val) val { return p.bin(opSub, kF32, kF32, a, b) }
func (p *prog) Mul(a, b val) val { return p.bin(opMul, kF32, kF32, a, b) }
func (p *prog) Div(a, b val) val { return p.bin(opDiv, kF32, kF32, a, b) }
func (p *prog) Min(a, b val) val { return p.bin(opMin, kF32, kF32, a, b) }
func (p *prog) Max(a, b val) val { return p.bin(opMax, kF32, kF32, a, b) }

// Bitwise and integer lanes.

func (p *prog) And(a, b val) val  { return p.bin(opAnd, kF32, kF32, a, b) }
func (p *prog) Or(a, b val) val   { return p.bin(opOr, kF32, kF32, a, b) }
func (p *prog) Xor(a, b val) val  { return p.bin(opXor, kF32, kF32, a, b) }
func (p *prog) IAdd(a, b val) val { return p.bin(opIAdd, kF32, kF32, a, b) }
func (p *prog) ISub(a, b val) val { return p.bin(opISub, kF32, kF32, a, b) }

func (p *prog) shift(op opcode, a val, n int) val {
	p.want(a, kF32, op.String())
	return p.add(inst{op: op, kind: kF32, args: []val{a}, imm: n})
}

func (p *prog) Shl(a val, n int) val  { return p.shift(opShl, a, n) }
func (p *prog) ShrL(a val, n int) val { return p.shift(opShrL, a, n) }
func (p *prog) ShrA(a val, n int) val { return p.shift(opShrA, a, n) }

func (p *prog) Cvt(a val) val {
	p.want(a, kF32, "cvt")
	return p.add(inst{op: opCvt, kind: kF32, args: []val{a}})
}

// Comparisons and selection.

func (p *prog) LT(a, b val) val { return p.bin(opLT, kF32, kMask, a, b) }
func (p *prog) GT(a, b val) val { return p.bin(opGT, kF32, kMask, a, b) }
func (p *prog) EQ(a, b val) val { return p.bin(opEQ, kF32, kMask, a, b) }

// Sel is m ? a : b, lane by lane.
func (p *prog) Sel(m, a, b val) val {
	p.want(m, kMask, "sel")
	p.want(a, kF32, "sel")
	p.want(b, kF32, "sel")
	return p.add(inst{op: opSel, kind: kF32, args: []val{m, a, b}})
}

// float64 halves.

func (p *prog) WidenLo(a val) val {
	p.want(a, kF32, "widenlo")
	return p.add(inst{op: opWidenLo, kind: kF64, args: []val{a}})
}

func (p *prog) WidenHi(a val) val {
	p.want(a, kF32, "widenhi")
	return p.add(inst{op: opWidenHi, kind: kF64, args: []val{a}})
}

func (p *prog) Narrow(lo, hi val) val { return p.bin(opNarrow, kF64, kF32, lo, hi) }
func (p *prog) AddD(a, b val) val     { return p.bin(opAddD, kF64, kF64, a, b) }
func (p *prog) SubD(a, b val) val     { return p.bin(opSubD, kF64, kF64, a, b) }
func (p *prog) MulD(a, b val) val     { return p.bin(opMulD, kF64, kF64, a, b) }
func (p *prog) MaxD(a, b val) val     { return p.bin(opMaxD, kF64, kF64, a, b) }
func (p *prog) OrD(a, b val) val      { return p.bin(opOrD, kF64, kF64, a, b) }

// commutative reports whether the operands of op may be swapped without
// changing a bit of the result (IEEE addition and multiplication are
// commutative; min and max are not, for NaNs and signed zeros).
func commutative(op opcode) bool {
	switch op {
	case opAdd, opMul, opAnd, opOr, opXor, opIAdd, opAddD, opMulD, opOrD, opEQ:
		return true
	}
	return false
}

// lastUse returns, for every value, the index of the last instruction
// that reads it (or its own index when nothing does; the output counts as
// read at the end).
func (p *prog) lastUse() []int {
	last := make([]int, len(p.insts))
	for i := range p.insts {
		last[i] = i
	}
	for i, in := range p.insts {
		for _, a := range in.args {
			last[a] = i
		}
	}
	last[p.out] = len(p.insts)
	return last
}

// uses counts the readers of every value.
func (p *prog) uses() []int {
	n := make([]int, len(p.insts))
	for _, in := range p.insts {
		for _, a := range in.args {
			n[a]++
		}
	}
	n[p.out]++
	return n
}

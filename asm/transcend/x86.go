package main

import (
	"encoding/binary"
	"fmt"

	. "github.com/mmcloughlin/avo/build"
	. "github.com/mmcloughlin/avo/operand"
	"github.com/mmcloughlin/avo/reg"
)

// x86 is one x86 vector width, AVX2 (8 lanes, YMM, vector masks) or
// AVX-512 (16 lanes, ZMM, K masks). Everything else is written once.
type x86 struct {
	isa    string
	lanes  int
	avx512 bool
	unroll int // vectors per iteration of the main loop
}

var (
	avx2   = &x86{isa: "AVX2", lanes: 8, unroll: 4}
	avx512 = &x86{isa: "AVX512", lanes: 16, avx512: true, unroll: 4}
)

func (w *x86) vec() reg.VecVirtual {
	if w.avx512 {
		return ZMM()
	}
	return YMM()
}

// half is the register view holding half of a vector's lanes.
func (w *x86) half(r reg.Register) reg.Register {
	v := r.(reg.VecVirtual)
	if w.avx512 {
		return v.AsY()
	}
	return v.AsX()
}

// The constant table: every constant the kernels use, 64 bytes each (the
// value repeated over a ZMM register; AVX2 reads the first 32).
var (
	x86Const  = Mem{Symbol: Symbol{Name: "transcendconst", Static: true}, Base: reg.StaticBase}
	x86Offset = map[uint64]int{}
	x86Data   [][]byte
)

const (
	keyF64  = 1 << 62 // table keys of float64 constants (apart from float32 bits)
	keyIota = 1 << 61 // 0, 1, 2, ... 15 as int32
)

func x86Entry(key uint64) Mem {
	off, ok := x86Offset[key]
	if !ok {
		b := make([]byte, 64)
		switch {
		case key == keyIota:
			for i := 0; i < 16; i++ {
				binary.LittleEndian.PutUint32(b[4*i:], uint32(i))
			}
		case key&keyF64 != 0:
			panic("transcend: float64 constant entry without its bits")
		default:
			for i := 0; i < 16; i++ {
				binary.LittleEndian.PutUint32(b[4*i:], uint32(key))
			}
		}
		off = 64 * len(x86Data)
		x86Offset[key] = off
		x86Data = append(x86Data, b)
	}
	return x86Const.Offset(off)
}

func x86EntryF64(bits uint64) Mem {
	key := bits ^ keyF64
	if _, ok := x86Offset[key]; !ok {
		b := make([]byte, 64)
		for i := 0; i < 8; i++ {
			binary.LittleEndian.PutUint64(b[8*i:], bits)
		}
		x86Offset[key] = 64 * len(x86Data)
		x86Data = append(x86Data, b)
	}
	return x86Const.Offset(x86Offset[key])
}

// x86ConstData writes the table; call it after every kernel.
func x86ConstData() {
	GLOBL("transcendconst", RODATA|NOPTR)
	for i, b := range x86Data {
		for j := 0; j < 64; j += 8 {
			DATA(64*i+j, U64(binary.LittleEndian.Uint64(b[j:])))
		}
	}
}

// VCMPPS predicates: ordered and signalling-free where it matters; all
// are false when an operand is NaN.
const (
	cmpEQ = 0x00 // EQ_OQ
	cmpLT = 0x11 // LT_OQ
	cmpGT = 0x1e // GT_OQ
)

// emitter translates one prog instance into avo instructions.
type emitter struct {
	w       *x86
	p       *prog
	regs    []Op // operand of every value; nil until emitted
	inputs  []reg.VecVirtual
	scalars []reg.VecVirtual
	last    []int // last reader of every value
}

// mem returns the operand of v, a memory operand for constants.
func (e *emitter) mem(v val) Op {
	if c, ok := e.p.isConst(v); ok {
		if e.p.insts[v].op == opConstD {
			return x86EntryF64(c)
		}
		return x86Entry(c)
	}
	return e.regs[v]
}

// reg returns v in a register, loading a constant when needed.
func (e *emitter) reg(v val) reg.Register {
	if _, ok := e.p.isConst(v); ok {
		r := e.w.vec()
		VMOVUPS(e.mem(v), r)
		return r
	}
	return e.regs[v].(reg.Register)
}

// owned reports whether v is a register of this instance (not a constant
// or a broadcast scalar shared by every instance) that nothing reads after
// instruction i.
func (e *emitter) owned(v val, i int) bool {
	if _, ok := e.p.isConst(v); ok || e.p.insts[v].op == opScalar {
		return false
	}
	return e.last[v] == i
}

func (e *emitter) run() reg.VecVirtual {
	w := e.w
	e.last = e.p.lastUse()
	e.regs = make([]Op, len(e.p.insts))
	for i, in := range e.p.insts {
		var out Op
		a := func(j int) val { return in.args[j] }
		switch in.op {
		case opInput:
			out = e.inputs[in.imm]
		case opScalar:
			out = e.scalars[in.imm]
		case opConst, opConstD:
			continue
		case opAdd, opMul, opAnd, opOr, opXor, opIAdd, opAddD, opMulD, opOrD,
			opSub, opDiv, opISub, opSubD:
			x, y := a(0), a(1)
			if _, ok := e.p.isConst(x); ok && commutative(in.op) {
				x, y = y, x
			}
			d := w.vec()
			e.arith(in.op, e.mem(y), e.reg(x), d)
			out = d
		case opMin, opMax, opMaxD:
			// min(a, b) = b < a ? b : a is MINPS with b first (Intel
			// order) and a second: it returns the second operand
			// whenever the first is not smaller, a NaN included.
			d := w.vec()
			x, y := e.mem(a(0)), e.reg(a(1))
			switch in.op {
			case opMin:
				VMINPS(x, y, d)
			case opMax:
				VMAXPS(x, y, d)
			default:
				VMAXPD(x, y, d)
			}
			out = d
		case opShl, opShrL, opShrA:
			d := w.vec()
			x := e.reg(a(0))
			switch in.op {
			case opShl:
				VPSLLD(U8(in.imm), x, d)
			case opShrL:
				VPSRLD(U8(in.imm), x, d)
			default:
				VPSRAD(U8(in.imm), x, d)
			}
			out = d
		case opCvt:
			d := w.vec()
			VCVTDQ2PS(e.mem(a(0)), d)
			out = d
		case opLT, opGT, opEQ:
			pred := map[opcode]uint8{opLT: cmpLT, opGT: cmpGT, opEQ: cmpEQ}[in.op]
			x, y := a(0), a(1)
			if _, ok := e.p.isConst(x); ok && in.op == opEQ {
				x, y = y, x
			}
			var d reg.Register
			if w.avx512 {
				d = K()
			} else {
				d = YMM()
			}
			VCMPPS(U8(pred), e.mem(y), e.reg(x), d)
			out = d
		case opSel:
			if w.avx512 {
				// avo takes the destination of a masked AVX-512
				// instruction as read too (merge masking), which would
				// keep a fresh register live from the function's entry:
				// write into b when this is its last use, else into a
				// register that a zero idiom defines first.
				b := a(2)
				var d reg.Register
				if e.owned(b, i) {
					d = e.regs[b].(reg.Register)
				} else {
					d = w.vec()
					w.zero(d)
				}
				VBLENDMPS(e.mem(a(1)), e.reg(b), e.regs[a(0)], d)
				out = d
				break
			}
			d := w.vec()
			VBLENDVPS(e.regs[a(0)], e.mem(a(1)), e.reg(a(2)), d)
			out = d
		case opWidenLo:
			d := w.vec()
			VCVTPS2PD(w.half(e.reg(a(0))), d)
			out = d
		case opWidenHi:
			d, h := w.vec(), w.vec()
			if w.avx512 {
				VEXTRACTF32X8(U8(1), e.reg(a(0)), w.half(h))
			} else {
				VEXTRACTF128(U8(1), e.reg(a(0)), w.half(h))
			}
			VCVTPS2PD(w.half(h), d)
			out = d
		case opNarrow:
			// avo tracks the parts of a register: d is defined whole
			// (a zero idiom) before its low half is written, or its
			// high half would count as live from the function's entry.
			d, h := w.vec(), w.vec()
			w.zero(d)
			if w.avx512 {
				VCVTPD2PS(e.reg(a(0)), w.half(d))
				VCVTPD2PS(e.reg(a(1)), w.half(h))
				VINSERTF32X8(U8(1), w.half(h), d, d)
			} else {
				VCVTPD2PSY(e.reg(a(0)), w.half(d))
				VCVTPD2PSY(e.reg(a(1)), w.half(h))
				VINSERTF128(U8(1), w.half(h), d, d)
			}
			out = d
		default:
			panic(fmt.Sprintf("transcend: x86: op %v", in.op))
		}
		e.regs[i] = out
	}
	return e.reg(e.p.out).(reg.VecVirtual)
}

// arith emits d = x OP y in Intel terms (y may be memory).
func (e *emitter) arith(op opcode, y Op, x reg.Register, d reg.Register) {
	w := e.w
	switch op {
	case opAdd:
		VADDPS(y, x, d)
	case opSub:
		VSUBPS(y, x, d)
	case opMul:
		VMULPS(y, x, d)
	case opDiv:
		VDIVPS(y, x, d)
	case opAddD:
		VADDPD(y, x, d)
	case opSubD:
		VSUBPD(y, x, d)
	case opMulD:
		VMULPD(y, x, d)
	case opIAdd:
		VPADDD(y, x, d)
	case opISub:
		VPSUBD(y, x, d)
	case opAnd:
		if w.avx512 {
			VPANDD(y, x, d)
		} else {
			VPAND(y, x, d)
		}
	case opOr:
		if w.avx512 {
			VPORD(y, x, d)
		} else {
			VPOR(y, x, d)
		}
	case opXor:
		if w.avx512 {
			VPXORD(y, x, d)
		} else {
			VPXOR(y, x, d)
		}
	case opOrD:
		if w.avx512 {
			VPORQ(y, x, d)
		} else {
			VPOR(y, x, d)
		}
	default:
		panic(fmt.Sprintf("transcend: x86: arith %v", op))
	}
}

// body emits one instance of p on the input registers.
func (w *x86) body(p *prog, in, scalars []reg.VecVirtual) reg.VecVirtual {
	e := &emitter{w: w, p: p, inputs: in, scalars: scalars}
	return e.run()
}

// tailMask builds the mask of lanes [0, n) for 0 < n < lanes: a K register
// on AVX-512, a vector on AVX2.
func (w *x86) tailMask(n reg.GPVirtual) reg.Register {
	b := w.vec()
	if w.avx512 {
		VPBROADCASTD(n.As32(), b)
		k := K()
		VPCMPGTD(x86Entry(keyIota), b, k)
		return k
	}
	x := XMM()
	VMOVD(n.As32(), x)
	VPBROADCASTD(x, b)
	VPCMPGTD(x86Entry(keyIota), b, b)
	return b
}

// maskedLoad loads lanes [0, n) of src under mask m, zeroing the others;
// the lanes outside are never read.
func (w *x86) maskedLoad(src Mem, m reg.Register) reg.VecVirtual {
	r := w.vec()
	if w.avx512 {
		VMOVUPS_Z(src, m, r)
	} else {
		VMASKMOVPS(src, m, r)
	}
	return r
}

func (w *x86) maskedStore(r reg.Register, m reg.Register, dst Mem) {
	if w.avx512 {
		VMOVUPS(r, m, dst)
	} else {
		VMASKMOVPS(r, m, dst)
	}
}

// zero sets r to zero with a zero idiom (no input, no execution unit).
func (w *x86) zero(r reg.Register) {
	if w.avx512 {
		VPXORD(r, r, r)
	} else {
		VPXOR(r, r, r)
	}
}

package main

import (
	. "github.com/mmcloughlin/avo/build"
	. "github.com/mmcloughlin/avo/operand"
	"github.com/mmcloughlin/avo/reg"
)

// width is the one parameter between the AVX2 and the AVX-512 kernels: the
// vector registers (YMM with 8 lanes or ZMM with 16), the way a partial
// vector is masked (a lane mask in a YMM register from a table, or a K
// register), and the way compare results are held and combined.
type width struct {
	suffix string // "AVX2" or "AVX512", appended to the kernel name
	lanes  int
	avx512 bool
}

var (
	avx2   = width{suffix: "AVX2", lanes: 8}
	avx512 = width{suffix: "AVX512", lanes: 16, avx512: true}
)

// bytes is the size of one vector.
func (w width) bytes() int { return 4 * w.lanes }

// vec allocates a vector register.
func (w width) vec() reg.VecVirtual {
	if w.avx512 {
		return ZMM()
	}
	return YMM()
}

// mask allocates a register for a lane predicate: a vector register on
// AVX2, a K register on AVX-512.
func (w width) mask() reg.Register {
	if w.avx512 {
		return K()
	}
	return YMM()
}

// The read-only constants every kernel of the family shares.
var (
	constants Mem // reduceconst<>: scalars broadcast by offset
	tailMask  Mem // reducetail<>: 8 all-ones lanes then 8 zero lanes
	tailK     Mem // reducekmask<>: uint16 (1<<n)-1 for n = 0..15
	laneIndex Mem // reducelane<>: int32 0, 1, ..., 63
)

// Offsets in constants.
const (
	cAbs    = 0  // 0x7fffffff: clears the sign
	cSign   = 4  // 0x80000000: flips the sign
	cPosInf = 8  // +Inf
	cNegInf = 12 // -Inf
	cHuge   = 16 // index of a lane that never held the extreme (argmin)
	cNoIdx  = 20 // larger than any index, for the index reduction
)

// hugeIndex marks a lane that never took a value: large enough to lose
// every comparison of indices, small enough that adding a lane offset below
// 64 cannot overflow int32.
const hugeIndex = 0x7fffff00

func declareConstants() {
	constants = GLOBL("reduceconst", RODATA|NOPTR)
	for i, v := range []uint32{0x7fffffff, 0x80000000, 0x7f800000, 0xff800000, hugeIndex, 0x7fffffff} {
		DATA(4*i, U32(v))
	}
	tailMask = GLOBL("reducetail", RODATA|NOPTR)
	for i := 0; i < 16; i++ {
		v := uint32(0)
		if i < 8 {
			v = 0xffffffff
		}
		DATA(4*i, U32(v))
	}
	tailK = GLOBL("reducekmask", RODATA|NOPTR)
	for i := 0; i < 16; i++ {
		DATA(2*i, U16(uint16(1<<i-1)))
	}
	laneIndex = GLOBL("reducelane", RODATA|NOPTR)
	for i := 0; i < 64; i++ {
		DATA(4*i, U32(uint32(i)))
	}
}

// broadcast fills a vector register with the 32-bit constant at offset off.
func (w width) broadcast(off int) reg.VecVirtual {
	v := w.vec()
	VBROADCASTSS(constants.Offset(off), v)
	return v
}

// broadcastInt fills a vector register with the int32 k.
func (w width) broadcastInt(k int) reg.VecVirtual {
	r := GP32()
	MOVL(U32(uint32(k)), r)
	x := XMM()
	VMOVD(r, x)
	v := w.vec()
	VPBROADCASTD(x, v)
	return v
}

// zero clears a vector register.
func (w width) zero(v reg.VecVirtual) { VXORPS(v, v, v) }

// tail holds what loads the last n < lanes elements of a slice without
// touching memory past it: masked loads, whose masked-off lanes neither
// fault nor read.
type tail struct {
	w width
	m reg.VecVirtual    // AVX2: all-ones in the first n lanes
	k reg.OpmaskVirtual // AVX-512: bit i set for the first n lanes
}

// newTail builds the mask of the first n lanes (1 <= n < lanes).
func (w width) newTail(n reg.GPVirtual) tail {
	t := tail{w: w}
	if w.avx512 {
		// From a table rather than with BZHI, so that the AVX-512 kernels
		// need nothing beyond AVX-512 F/DQ/VL.
		base := GP64()
		LEAQ(tailK, base)
		t.k = K()
		KMOVW(Mem{Base: base, Index: n, Scale: 2}, t.k)
		return t
	}
	off := GP64()
	MOVQ(U64(8), off)
	SUBQ(n, off)
	base := GP64()
	LEAQ(tailMask, base)
	t.m = YMM()
	VMOVDQU(Mem{Base: base, Index: off, Scale: 4}, t.m)
	return t
}

// load reads the partial vector at src into a new register; lanes past n
// hold fill, or zero when fill is nil.
func (t tail) load(src Mem, fill reg.VecVirtual) reg.VecVirtual {
	v := t.w.vec()
	if t.w.avx512 {
		if fill == nil {
			VMOVUPS_Z(src, t.k, v)
			return v
		}
		VMOVAPS(fill, v)
		VMOVUPS(src, t.k, v)
		return v
	}
	VMASKMOVPS(src, t.m, v)
	if fill != nil {
		VBLENDVPS(t.m, v, fill, v)
	}
	return v
}

// load returns in as a register: a memory operand is loaded, a register
// passes through.
func (w width) load(in Op) reg.VecVirtual {
	if r, ok := in.(reg.VecVirtual); ok {
		return r
	}
	v := w.vec()
	VMOVUPS(in, v)
	return v
}

// cmp returns the lane predicate a <pred> b (an AVX imm8 predicate).
func (w width) cmp(pred uint8, a, b Op) reg.Register {
	m := w.mask()
	VCMPPS(U8(pred), b, a, m)
	return m
}

// Compare predicates (quiet: a NaN compares false and raises nothing).
const (
	predEQ    = 0x00 // EQ_OQ
	predUnord = 0x03 // UNORD_Q: either operand is NaN
	predLT    = 0x11 // LT_OQ
	predGT    = 0x1e // GT_OQ
)

// merge sets the lanes of dst selected by m to src.
func (w width) merge(m reg.Register, src, dst reg.VecVirtual) {
	if w.avx512 {
		VMOVDQA32(src, m, dst)
		return
	}
	VBLENDVPS(m, src, dst, dst)
}

// orMask ORs the predicate m into the accumulated predicate acc.
func (w width) orMask(m, acc reg.Register) {
	if w.avx512 {
		KORW(m, acc, acc)
		return
	}
	VORPS(m, acc, acc)
}

// clearMask sets a predicate to all false.
func (w width) clearMask(m reg.Register) {
	if w.avx512 {
		KXORW(m, m, m)
		return
	}
	VXORPS(m, m, m)
}

// jumpIfAny jumps to label when any lane of the predicate m is true.
func (w width) jumpIfAny(m reg.Register, label string) {
	if w.avx512 {
		KORTESTW(m, m)
		JNZ(LabelRef(label))
		return
	}
	r := GP32()
	VMOVMSKPS(m, r)
	TESTL(r, r)
	JNZ(LabelRef(label))
}

// horizontal folds the lanes of v with combine(a, b, dst) — dst = a ∘ b,
// also for integer lanes — down to lane 0 of the returned XMM register:
// halves, then quarters, then pairs, then neighbours.
func (w width) horizontal(v reg.VecVirtual, combine func(a, b, dst Op)) reg.VecVirtual {
	var x reg.VecVirtual
	if w.avx512 {
		y := YMM()
		VEXTRACTF64X4(U8(1), v, y)
		combine(y, v.AsY(), y)
		x = XMM()
		VEXTRACTF32X4(U8(1), y, x)
		combine(x, y.AsX(), x)
	} else {
		x = XMM()
		VEXTRACTF128(U8(1), v, x)
		combine(x, v.AsX(), x)
	}
	t := XMM()
	VPSHUFD(U8(0x4e), x, t)
	combine(t, x, x)
	t = XMM()
	VPSHUFD(U8(0xb1), x, t)
	combine(t, x, x)
	return x
}

// returnFloat stores lane 0 of x as the float32 result and returns.
func returnFloat(x reg.VecVirtual) {
	ret, err := ReturnIndex(0).Resolve()
	if err != nil {
		panic(err)
	}
	VMOVSS(x, ret.Addr)
	VZEROUPPER()
	RET()
}

// scalarParam broadcasts the float32 parameter name into a vector register.
func (w width) scalarParam(name string) reg.VecVirtual {
	p, err := Param(name).Resolve()
	if err != nil {
		panic(err)
	}
	v := w.vec()
	VBROADCASTSS(p.Addr, v)
	return v
}

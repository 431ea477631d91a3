package main

import (
	"fmt"

	. "github.com/mmcloughlin/avo/build"
	. "github.com/mmcloughlin/avo/operand"
	. "github.com/mmcloughlin/avo/reg"
)

// width is one x86 vector ISA as the descriptions see it: a name suffix,
// the float32 lanes in a register, and the register constructor.
type width struct {
	isa    string
	lanes  int
	vec    func() VecVirtual
	masked bool // AVX-512: the tail is one masked step; AVX2: a scalar loop
}

var widths = []width{
	{isa: "AVX2", lanes: 8, vec: YMM},
	{isa: "AVX512", lanes: 16, vec: ZMM, masked: true},
}

// unroll is how many vectors the main loop of an element-wise kernel
// handles per iteration.
const unroll = 4

const elemSize = 4

// step is how one group of elements is processed: a full vector, a vector
// under the mask k (AVX-512 tails), or one element in the low lane of an
// XMM register (AVX2 tails). The arithmetic helpers pick the packed or
// scalar form accordingly, so a kernel body is written once.
type step struct {
	w      width
	scalar bool
	k      Op
}

func (s step) reg() VecVirtual {
	if s.scalar {
		return XMM()
	}
	return s.w.vec()
}

func (s step) load(m Mem) VecVirtual {
	r := s.reg()
	switch {
	case s.scalar:
		VMOVSS(m, r)
	case s.k != nil:
		VMOVUPS_Z(m, s.k, r)
	default:
		VMOVUPS(m, r)
	}
	return r
}

func (s step) store(r VecVirtual, m Mem) {
	switch {
	case s.scalar:
		VMOVSS(r, m)
	case s.k != nil:
		VMOVUPS(r, s.k, m)
	default:
		VMOVUPS(r, m)
	}
}

// view is how a broadcast register appears in this step's arithmetic.
func (s step) view(r VecVirtual) Op {
	if s.scalar {
		return r.AsX()
	}
	return r
}

// add, sub and mul follow the Go assembler's operand order: dst = b op a.
func (s step) add(a, b, dst Op) {
	if s.scalar {
		VADDSS(a, b, dst)
	} else {
		VADDPS(a, b, dst)
	}
}

func (s step) sub(a, b, dst Op) {
	if s.scalar {
		VSUBSS(a, b, dst)
	} else {
		VSUBPS(a, b, dst)
	}
}

func (s step) mul(a, b, dst Op) {
	if s.scalar {
		VMULSS(a, b, dst)
	} else {
		VMULPS(a, b, dst)
	}
}

func at(base, i Register, disp int) Mem {
	return Mem{Base: base, Index: i, Scale: elemSize, Disp: disp}
}

// maskOf returns an opmask with the low count bits set.
func maskOf(count Register) Op {
	ones := GP64()
	MOVQ(I32(-1), ones)
	BZHIQ(count, ones, ones)
	k := K()
	KMOVW(ones.As32(), k)
	return k
}

// loop emits the three-stage loop of an element-wise kernel over n
// elements: unroll vectors per iteration while that many remain, then one
// vector at a time, then the tail (one masked step on AVX-512, element by
// element on AVX2), calling body with the step and the memory offset of
// each group at index i.
func loop(w width, n Register, body func(s step, i Register, disp int)) {
	i := GP64()
	lim := GP64()
	XORQ(i, i)
	block := unroll * w.lanes

	MOVQ(n, lim)
	ANDQ(I32(-block), lim)
	Label("unrolled")
	CMPQ(i, lim)
	JAE(LabelRef("single"))
	for u := 0; u < unroll; u++ {
		body(step{w: w}, i, u*w.lanes*elemSize)
	}
	ADDQ(U32(block), i)
	JMP(LabelRef("unrolled"))

	Label("single")
	MOVQ(n, lim)
	ANDQ(I32(-w.lanes), lim)
	Label("singleloop")
	CMPQ(i, lim)
	JAE(LabelRef("tail"))
	body(step{w: w}, i, 0)
	ADDQ(U32(w.lanes), i)
	JMP(LabelRef("singleloop"))

	Label("tail")
	if w.masked {
		CMPQ(i, n)
		JAE(LabelRef("done"))
		rem := GP64()
		MOVQ(n, rem)
		SUBQ(i, rem)
		body(step{w: w, k: maskOf(rem)}, i, 0)
	} else {
		Label("scalarloop")
		CMPQ(i, n)
		JAE(LabelRef("done"))
		body(step{w: w, scalar: true}, i, 0)
		INCQ(i)
		JMP(LabelRef("scalarloop"))
	}
	Label("done")
}

// mapping is an element-wise kernel: out[i] = body(ins[...][i], scalars).
// body computes the output group from the loaded inputs (it may overwrite
// them) and returns the register to store.
type mapping struct {
	name, sig, doc string
	out            string
	ins            []string
	scalars        []string
	body           func(s step, in []VecVirtual, sc []Op) VecVirtual
}

func (m mapping) emit(w width) {
	name := m.name + w.isa
	TEXT(name, NOSPLIT, m.sig)
	Pragma("noescape")
	Doc(fmt.Sprintf("%s %s", name, m.doc))
	ptrs := map[string]Register{}
	for _, p := range m.ins {
		ptrs[p] = Load(Param(p).Base(), GP64())
	}
	dst := Load(Param(m.out).Base(), GP64())
	n := Load(Param(m.out).Len(), GP64())
	var sc []VecVirtual
	for _, p := range m.scalars {
		x := XMM()
		Load(Param(p), x)
		v := w.vec()
		VBROADCASTSS(x, v)
		sc = append(sc, v)
	}
	loop(w, n, func(s step, i Register, disp int) {
		in := make([]VecVirtual, len(m.ins))
		for j, p := range m.ins {
			in[j] = s.load(at(ptrs[p], i, disp))
		}
		scs := make([]Op, len(sc))
		for j, v := range sc {
			scs[j] = s.view(v)
		}
		s.store(m.body(s, in, scs), at(dst, i, disp))
	})
	VZEROUPPER()
	RET()
}

package main

import (
	"fmt"

	. "github.com/mmcloughlin/avo/build"
	. "github.com/mmcloughlin/avo/operand"
	. "github.com/mmcloughlin/avo/reg"
)

// width is one x86 vector ISA as the descriptions see it: a name suffix,
// the float64 lanes in a register, and the register constructor.
type width struct {
	isa    string
	lanes  int
	vec    func() VecVirtual
	masked bool // AVX-512: the tail is one masked step; AVX2: a scalar loop
}

var widths = []width{
	{isa: "AVX2", lanes: 4, vec: YMM},
	{isa: "AVX512", lanes: 8, vec: ZMM, masked: true},
}

// unroll is how many vectors the main loop of every kernel handles per
// iteration (each with its own accumulator in reductions).
const unroll = 4

const elemSize = 8

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
		VMOVSD(m, r)
	case s.k != nil:
		VMOVUPD_Z(m, s.k, r)
	default:
		VMOVUPD(m, r)
	}
	return r
}

func (s step) store(r VecVirtual, m Mem) {
	switch {
	case s.scalar:
		VMOVSD(r, m)
	case s.k != nil:
		VMOVUPD(r, s.k, m)
	default:
		VMOVUPD(r, m)
	}
}

// view is how a broadcast register appears in this step's arithmetic.
func (s step) view(r VecVirtual) Op {
	if s.scalar {
		return r.AsX()
	}
	return r
}

func (s step) add(a, b, dst Op) {
	if s.scalar {
		VADDSD(a, b, dst)
	} else {
		VADDPD(a, b, dst)
	}
}

func (s step) mul(a, b, dst Op) {
	if s.scalar {
		VMULSD(a, b, dst)
	} else {
		VMULPD(a, b, dst)
	}
}

// fma computes dst += a·b, rounded once.
func (s step) fma(a, b, dst Op) {
	if s.scalar {
		VFMADD231SD(a, b, dst)
	} else {
		VFMADD231PD(a, b, dst)
	}
}

// kernel is what reductions and mappings share: a name, a Go signature,
// the slices read (all as long as the first slice named, or longer) and
// the float64 parameters broadcast into every lane.
type kernel struct {
	name, sig, doc string
	ins            []string
	scalars        []string
}

// prologue declares the function and loads its pointers, the element
// count n (the length of lenOf) and the broadcast scalars.
func (k kernel) prologue(w width, lenOf string) (ptrs map[string]Register, n Register, sc []VecVirtual) {
	name := k.name + w.isa
	TEXT(name, NOSPLIT, k.sig)
	Pragma("noescape")
	Doc(fmt.Sprintf("%s %s", name, k.doc))
	ptrs = map[string]Register{}
	for _, p := range k.ins {
		ptrs[p] = Load(Param(p).Base(), GP64())
	}
	n = Load(Param(lenOf).Len(), GP64())
	for _, p := range k.scalars {
		x := XMM()
		Load(Param(p), x)
		v := w.vec()
		VBROADCASTSD(x, v)
		sc = append(sc, v)
	}
	return ptrs, n, sc
}

func at(base, i Register, disp int) Mem {
	return Mem{Base: base, Index: i, Scale: elemSize, Disp: disp}
}

// loop emits the three-stage loop every kernel has: unroll vectors per
// iteration while that many remain, then one vector at a time, then the
// tail (one masked step on AVX-512, element by element on AVX2), calling
// body with the step, the memory offset of each group at index i, and u,
// the number of the vector within an unrolled iteration (1 for the masked
// tail, so that it may use a second accumulator). beforeScalarTail, if not
// nil, runs after the vector stages: before the AVX2 scalar loop, after
// the AVX-512 masked step.
func loop(w width, n Register, body func(s step, i Register, disp, u int), beforeScalarTail func()) {
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
		body(step{w: w}, i, u*w.lanes*elemSize, u)
	}
	ADDQ(U32(block), i)
	JMP(LabelRef("unrolled"))

	Label("single")
	MOVQ(n, lim)
	ANDQ(I32(-w.lanes), lim)
	Label("singleloop")
	CMPQ(i, lim)
	JAE(LabelRef("tail"))
	body(step{w: w}, i, 0, 0)
	ADDQ(U32(w.lanes), i)
	JMP(LabelRef("singleloop"))

	Label("tail")
	if w.masked {
		CMPQ(i, n)
		JAE(LabelRef("done"))
		rem := GP64()
		MOVQ(n, rem)
		SUBQ(i, rem)
		ones := GP64()
		MOVQ(I32(-1), ones)
		BZHIQ(rem, ones, ones)
		k := K()
		KMOVW(ones.As32(), k)
		body(step{w: w, k: k}, i, 0, 1)
		Label("done")
		if beforeScalarTail != nil {
			beforeScalarTail()
		}
		return
	}
	if beforeScalarTail != nil {
		beforeScalarTail()
	}
	Label("scalarloop")
	CMPQ(i, n)
	JAE(LabelRef("done"))
	body(step{w: w, scalar: true}, i, 0, 0)
	INCQ(i)
	JMP(LabelRef("scalarloop"))
	Label("done")
}

// reduction is a kernel that folds its inputs into a float64: term adds the
// contribution of one group of loaded inputs to acc.
type reduction struct {
	name, sig, doc string
	ins            []string
	scalars        []string
	term           func(s step, acc VecVirtual, in []VecVirtual, sc []Op)
}

func (r reduction) emit(w width) {
	k := kernel{name: r.name, sig: r.sig, doc: r.doc, ins: r.ins, scalars: r.scalars}
	ptrs, n, sc := k.prologue(w, r.ins[0])
	acc := make([]VecVirtual, unroll)
	for u := range acc {
		acc[u] = w.vec()
		VXORPD(acc[u], acc[u], acc[u])
	}
	var res VecVirtual // the scalar sum once the vectors are folded
	fold := func() {
		for d := unroll / 2; d >= 1; d /= 2 {
			for u := 0; u < d; u++ {
				VADDPD(acc[u+d], acc[u], acc[u])
			}
		}
		res = hsum(w, acc[0])
	}
	loop(w, n, func(s step, i Register, disp, u int) {
		in := make([]VecVirtual, len(r.ins))
		for j, p := range r.ins {
			in[j] = s.load(at(ptrs[p], i, disp))
		}
		scs := make([]Op, len(sc))
		for j, v := range sc {
			scs[j] = s.view(v)
		}
		a := acc[u]
		if s.scalar {
			a = res
		}
		r.term(s, a, in, scs)
	}, fold)
	Store(res, ReturnIndex(0))
	VZEROUPPER()
	RET()
}

// hsum adds the lanes of v and returns an XMM register holding the sum in
// its low lane.
func hsum(w width, v VecVirtual) VecVirtual {
	y := v
	if w.lanes == 8 {
		y = YMM()
		VEXTRACTF64X4(U8(1), v, y)
		VADDPD(v.AsY(), y, y)
	}
	x := XMM()
	VEXTRACTF128(U8(1), y, x)
	VADDPD(y.AsX(), x, x)
	t := XMM()
	VPERMILPD(U8(1), x, t)
	VADDSD(t, x, x)
	return x
}

// mapping is an element-wise kernel: body computes the output group from
// the loaded inputs (it may overwrite them) and returns the register to
// store into out.
type mapping struct {
	name, sig, doc string
	out            string
	ins            []string
	scalars        []string
	body           func(s step, in []VecVirtual, sc []Op) VecVirtual
}

func (m mapping) emit(w width) {
	k := kernel{name: m.name, sig: m.sig, doc: m.doc, ins: m.ins, scalars: m.scalars}
	ptrs, n, sc := k.prologue(w, m.out)
	dst, ok := ptrs[m.out]
	if !ok {
		dst = Load(Param(m.out).Base(), GP64())
	}
	loop(w, n, func(s step, i Register, disp, _ int) {
		in := make([]VecVirtual, len(m.ins))
		for j, p := range m.ins {
			in[j] = s.load(at(ptrs[p], i, disp))
		}
		scs := make([]Op, len(sc))
		for j, v := range sc {
			scs[j] = s.view(v)
		}
		s.store(m.body(s, in, scs), at(dst, i, disp))
	}, nil)
	VZEROUPPER()
	RET()
}

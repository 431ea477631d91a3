// Package x86 holds what the avo generators of several kernel families
// share: the two vector widths (AVX2 and AVX-512) for float32 or float64
// elements, a Step that writes one kernel body for full vectors, masked
// AVX-512 tails and scalar AVX2 tails alike, the three-stage loop every
// streaming kernel has, and element-wise mappings built on them.
//
// It emits through avo's global build context, like the generator programs
// that call it.
package x86

import (
	"fmt"

	. "github.com/mmcloughlin/avo/build"
	. "github.com/mmcloughlin/avo/operand"
	. "github.com/mmcloughlin/avo/reg"
)

// Elem is the element type of a kernel and the instruction forms for it.
type Elem struct {
	Size                   int // bytes
	movS, movP             func(...Op)
	movPZ                  func(m, k, r Op)
	addS, addP, subS, subP func(...Op)
	mulS, mulP, fmaS, fmaP func(...Op)
	bcast                  func(...Op)
}

// Float32 and Float64 are the two element types.
var (
	Float32 = &Elem{Size: 4, movS: VMOVSS, movP: VMOVUPS, movPZ: VMOVUPS_Z,
		addS: VADDSS, addP: VADDPS, subS: VSUBSS, subP: VSUBPS,
		mulS: VMULSS, mulP: VMULPS, fmaS: VFMADD231SS, fmaP: VFMADD231PS, bcast: VBROADCASTSS}
	Float64 = &Elem{Size: 8, movS: VMOVSD, movP: VMOVUPD, movPZ: VMOVUPD_Z,
		addS: VADDSD, addP: VADDPD, subS: VSUBSD, subP: VSUBPD,
		mulS: VMULSD, mulP: VMULPD, fmaS: VFMADD231SD, fmaP: VFMADD231PD, bcast: VBROADCASTSD}
)

// Width is one x86 vector ISA as the kernel descriptions see it.
type Width struct {
	ISA    string // function name suffix: AVX2 or AVX512
	Lanes  int    // elements per register
	Vec    func() VecVirtual
	Masked bool // AVX-512: the tail is one masked step; AVX2: a scalar loop
	Elem   *Elem
}

// Widths returns the AVX2 and AVX-512 widths for elements of type e.
func Widths(e *Elem) []Width {
	return []Width{
		{ISA: "AVX2", Lanes: 32 / e.Size, Vec: YMM, Elem: e},
		{ISA: "AVX512", Lanes: 64 / e.Size, Vec: ZMM, Masked: true, Elem: e},
	}
}

// Unroll is how many vectors the main loop handles per iteration, each in
// its own registers (its own accumulator in reductions).
const Unroll = 4

// At is the address of element i (plus disp bytes) of the slice at base.
func (w Width) At(base, i Register, disp int) Mem {
	return Mem{Base: base, Index: i, Scale: uint8(w.Elem.Size), Disp: disp}
}

// Step is how one group of elements is processed: a full vector, a vector
// under the mask K (AVX-512 tails), or one element in the low lane of an
// XMM register (AVX2 tails). The arithmetic helpers pick the packed or the
// scalar form, so a kernel body is written once.
type Step struct {
	W      Width
	Scalar bool
	K      Op
}

// Reg returns a fresh register of the step's size.
func (s Step) Reg() VecVirtual {
	if s.Scalar {
		return XMM()
	}
	return s.W.Vec()
}

// Load loads one group from m into a fresh register; masked-off lanes
// are zero and never read.
func (s Step) Load(m Mem) VecVirtual {
	r := s.Reg()
	switch {
	case s.Scalar:
		s.W.Elem.movS(m, r)
	case s.K != nil:
		s.W.Elem.movPZ(m, s.K, r)
	default:
		s.W.Elem.movP(m, r)
	}
	return r
}

// Store stores one group; masked-off lanes are never written.
func (s Step) Store(r VecVirtual, m Mem) {
	switch {
	case s.Scalar:
		s.W.Elem.movS(r, m)
	case s.K != nil:
		s.W.Elem.movP(r, s.K, m)
	default:
		s.W.Elem.movP(r, m)
	}
}

// View is how a broadcast register appears in this step's arithmetic.
func (s Step) View(r VecVirtual) Op {
	if s.Scalar {
		return r.AsX()
	}
	return r
}

func (s Step) pick(scalar, packed func(...Op), ops ...Op) {
	if s.Scalar {
		scalar(ops...)
	} else {
		packed(ops...)
	}
}

// Add, Sub and Mul follow the Go assembler's operand order: dst = b op a.
func (s Step) Add(a, b, dst Op) { s.pick(s.W.Elem.addS, s.W.Elem.addP, a, b, dst) }

// Sub computes dst = b − a.
func (s Step) Sub(a, b, dst Op) { s.pick(s.W.Elem.subS, s.W.Elem.subP, a, b, dst) }

// Mul computes dst = b · a.
func (s Step) Mul(a, b, dst Op) { s.pick(s.W.Elem.mulS, s.W.Elem.mulP, a, b, dst) }

// FMA computes dst += a·b, rounded once.
func (s Step) FMA(a, b, dst Op) { s.pick(s.W.Elem.fmaS, s.W.Elem.fmaP, a, b, dst) }

// MaskOf returns an opmask with the low count bits set (count ≤ 16).
func MaskOf(count Register) Op {
	ones := GP64()
	MOVQ(I32(-1), ones)
	BZHIQ(count, ones, ones)
	k := K()
	KMOVW(ones.As32(), k)
	return k
}

// Kernel is what reductions and mappings share: a name (the ISA is
// appended), a Go signature, the slices read and the scalar parameters
// broadcast into every lane.
type Kernel struct {
	Name, Sig, Doc string
	Ins            []string
	Scalars        []string
}

// Prologue declares the function and loads its pointers, the element
// count n (the length of the slice lenOf) and the broadcast scalars.
func (k Kernel) Prologue(w Width, lenOf string) (ptrs map[string]Register, n Register, sc []VecVirtual) {
	name := k.Name + w.ISA
	TEXT(name, NOSPLIT, k.Sig)
	Pragma("noescape")
	Doc(fmt.Sprintf("%s %s", name, k.Doc))
	ptrs = map[string]Register{}
	for _, p := range k.Ins {
		ptrs[p] = Load(Param(p).Base(), GP64())
	}
	n = Load(Param(lenOf).Len(), GP64())
	for _, p := range k.Scalars {
		x := XMM()
		Load(Param(p), x)
		v := w.Vec()
		w.Elem.bcast(x, v)
		sc = append(sc, v)
	}
	return ptrs, n, sc
}

// Loop emits the three-stage loop of a streaming kernel over n elements:
// Unroll vectors per iteration while that many remain, then one vector at
// a time, then the tail (one masked step on AVX-512, element by element on
// AVX2). It calls body with the step, the element index register i, the
// byte offset of the group from element i, and u, the number of the vector
// within an unrolled iteration (1 for the masked tail, so that it may use a
// second accumulator). beforeScalarTail, if not nil, runs after the vector
// stages: before the AVX2 scalar loop, after the AVX-512 masked step.
func Loop(w Width, n Register, body func(s Step, i Register, disp, u int), beforeScalarTail func()) {
	i := GP64()
	lim := GP64()
	XORQ(i, i)
	block := Unroll * w.Lanes

	MOVQ(n, lim)
	ANDQ(I32(-block), lim)
	Label("unrolled")
	CMPQ(i, lim)
	JAE(LabelRef("single"))
	for u := 0; u < Unroll; u++ {
		body(Step{W: w}, i, u*w.Lanes*w.Elem.Size, u)
	}
	ADDQ(U32(block), i)
	JMP(LabelRef("unrolled"))

	Label("single")
	MOVQ(n, lim)
	ANDQ(I32(-w.Lanes), lim)
	Label("singleloop")
	CMPQ(i, lim)
	JAE(LabelRef("tail"))
	body(Step{W: w}, i, 0, 0)
	ADDQ(U32(w.Lanes), i)
	JMP(LabelRef("singleloop"))

	Label("tail")
	if w.Masked {
		CMPQ(i, n)
		JAE(LabelRef("done"))
		rem := GP64()
		MOVQ(n, rem)
		SUBQ(i, rem)
		body(Step{W: w, K: MaskOf(rem)}, i, 0, 1)
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
	body(Step{W: w, Scalar: true}, i, 0, 0)
	INCQ(i)
	JMP(LabelRef("scalarloop"))
	Label("done")
}

// Mapping is an element-wise kernel: Out[i] = Body(Ins[...][i], Scalars).
// Body computes the output group from the loaded inputs (it may overwrite
// them) and returns the register to store into Out.
type Mapping struct {
	Name, Sig, Doc string
	Out            string
	Ins            []string
	Scalars        []string
	Body           func(s Step, in []VecVirtual, sc []Op) VecVirtual
}

// Emit writes the mapping for width w.
func (m Mapping) Emit(w Width) {
	k := Kernel{Name: m.Name, Sig: m.Sig, Doc: m.Doc, Ins: m.Ins, Scalars: m.Scalars}
	ptrs, n, sc := k.Prologue(w, m.Out)
	dst, ok := ptrs[m.Out]
	if !ok {
		dst = Load(Param(m.Out).Base(), GP64())
	}
	Loop(w, n, func(s Step, i Register, disp, _ int) {
		in := make([]VecVirtual, len(m.Ins))
		for j, p := range m.Ins {
			in[j] = s.Load(w.At(ptrs[p], i, disp))
		}
		scs := make([]Op, len(sc))
		for j, v := range sc {
			scs[j] = s.View(v)
		}
		s.Store(m.Body(s, in, scs), w.At(dst, i, disp))
	}, nil)
	VZEROUPPER()
	RET()
}

package main

import (
	"fmt"

	. "github.com/mmcloughlin/avo/build"
	. "github.com/mmcloughlin/avo/operand"
	"github.com/mmcloughlin/avo/reg"
)

// unroll is how many vectors the main loop handles per iteration, each in
// its own registers so that the iterations' operations are independent.
const unroll = 4

// width is one x86 vector width: what differs between the AVX2 and the
// AVX-512 form of a kernel. Everything else is written once, in kernel.
type width struct {
	isa   string // function name suffix
	lanes int    // float32 per vector
	vec   func() reg.VecVirtual

	// selectGT emits d = a > b ? t : f (ordered compare: false on NaN).
	selectGT func(a, b, t, f, d reg.VecVirtual)

	// tail handles the last 0 < n < lanes elements: masked loads of
	// the inputs, body, masked store into dst.
	tail func(n reg.GPVirtual, dst Mem, in []Mem, body func(in []reg.VecVirtual) reg.VecVirtual)
}

const cmpGTOQ = 0x1e // VCMPPS predicate: greater than, ordered, quiet

var avx2 = &width{
	isa:   "AVX2",
	lanes: 8,
	vec:   YMM,
	selectGT: func(a, b, t, f, d reg.VecVirtual) {
		m := YMM()
		VCMPPS(U8(cmpGTOQ), b, a, m)
		VBLENDVPS(m, t, f, d)
	},
	// VMASKMOVPS neither reads nor writes the lanes whose mask is clear.
	// The mask, lanes [0, n) set, is the 8 dwords at 4·(8-n) in a table
	// of eight all-ones dwords followed by eight zero ones.
	tail: func(n reg.GPVirtual, dst Mem, in []Mem, body func(in []reg.VecVirtual) reg.VecVirtual) {
		tab, off, m := GP64(), GP64(), YMM()
		LEAQ(tailMaskAVX2, tab)
		MOVQ(n, off)
		SHLQ(U8(2), off)
		NEGQ(off)
		VMOVDQU(Mem{Base: tab, Index: off, Scale: 1, Disp: 32}, m)
		regs := make([]reg.VecVirtual, len(in))
		for i, src := range in {
			regs[i] = YMM()
			VMASKMOVPS(src, m, regs[i])
		}
		VMASKMOVPS(body(regs), m, dst)
	},
}

var avx512 = &width{
	isa:   "AVX512",
	lanes: 16,
	vec:   ZMM,
	selectGT: func(a, b, t, f, d reg.VecVirtual) {
		k := K()
		VCMPPS(U8(cmpGTOQ), b, a, k)
		VBLENDMPS(t, f, k, d)
	},
	// Masked-off lanes of an AVX-512 load or store are never accessed.
	// The mask, bits [0, n) set, is word n of a table of 2ⁿ-1.
	tail: func(n reg.GPVirtual, dst Mem, in []Mem, body func(in []reg.VecVirtual) reg.VecVirtual) {
		tab, k := GP64(), K()
		LEAQ(tailMaskAVX512, tab)
		KMOVW(Mem{Base: tab, Index: n, Scale: 2}, k)
		regs := make([]reg.VecVirtual, len(in))
		for i, src := range in {
			regs[i] = ZMM()
			VMOVUPS_Z(src, k, regs[i])
		}
		VMOVUPS(body(regs), k, dst)
	},
}

// Data shared by every function of the file, defined before the first one.
var (
	tailMaskAVX2   Mem
	tailMaskAVX512 Mem
	konsts         = map[uint32]Mem{}
)

func amd64Data() {
	tailMaskAVX2 = GLOBL("elementwiseTailMaskAVX2", RODATA|NOPTR)
	for i := 0; i < 16; i++ {
		v := uint32(0)
		if i < 8 {
			v = 0xffffffff
		}
		DATA(4*i, U32(v))
	}
	tailMaskAVX512 = GLOBL("elementwiseTailMaskAVX512", RODATA|NOPTR)
	for i := 0; i < 16; i++ {
		DATA(2*i, U16(uint16(1)<<i-1))
	}
	for _, o := range ops {
		for _, c := range o.consts {
			if _, ok := konsts[c]; !ok {
				konsts[c] = ConstData(fmt.Sprintf("elementwiseF32_%08x", c), U32(c))
			}
		}
	}
}

// amd64 is the state of one function being emitted.
type amd64 struct {
	w      *width
	konsts map[uint32]reg.VecVirtual
}

// konst is the vector holding constant c in every lane; the op must list c
// in its consts.
func (e *amd64) konst(c uint32) reg.VecVirtual {
	r, ok := e.konsts[c]
	if !ok {
		panic(fmt.Sprintf("elementwise: constant %#08x used but not declared", c))
	}
	return r
}

// kernel emits o for width w: a main loop over unroll vectors, a loop over
// single vectors, then a masked tail. It reads and writes nothing outside
// the slices, and handles every length, 0 included.
func kernel(o op, w *width) {
	name := o.name + w.isa
	TEXT(name, NOSPLIT, o.sig)
	Doc(fmt.Sprintf("%s computes %s for every i, with %s.", name, o.what, w.isa))
	e := &amd64{w: w, konsts: map[uint32]reg.VecVirtual{}}

	n := GP64()
	Load(Param("dst").Len(), n)
	dst := Mem{Base: Load(Param("dst").Base(), GP64())}
	in := make([]Mem, len(o.vecs))
	for i, p := range o.vecs {
		in[i] = Mem{Base: Load(Param(p).Base(), GP64())}
	}
	s := make([]reg.VecVirtual, len(o.scalars))
	for i, p := range o.scalars {
		b, err := Param(p).Resolve()
		if err != nil {
			panic(err)
		}
		s[i] = w.vec()
		VBROADCASTSS(b.Addr, s[i])
	}
	for _, c := range o.consts {
		e.konsts[c] = w.vec()
		VBROADCASTSS(konsts[c], e.konsts[c])
	}

	// body applies o to vector j of the current block, with vecs[0]
	// loaded into a register and vecs[1] left in memory.
	body := func(j int) reg.VecVirtual {
		v := w.vec()
		VMOVUPS(in[0].Offset(j*4*w.lanes), v)
		var y Op
		if len(in) > 1 {
			y = in[1].Offset(j * 4 * w.lanes)
		}
		o.amd64(e, v, y, s)
		return v
	}
	advance := func(vectors int) {
		bytes := U32(vectors * 4 * w.lanes)
		ADDQ(bytes, dst.Base)
		for _, m := range in {
			ADDQ(bytes, m.Base)
		}
		SUBQ(U32(vectors*w.lanes), n)
	}

	Label("loop4")
	CMPQ(n, U32(unroll*w.lanes))
	JB(LabelRef("loop1"))
	var v [unroll]reg.VecVirtual
	for j := range v {
		v[j] = body(j)
	}
	for j := range v {
		VMOVUPS(v[j], dst.Offset(j*4*w.lanes))
	}
	advance(unroll)
	JMP(LabelRef("loop4"))

	Label("loop1")
	CMPQ(n, U32(w.lanes))
	JB(LabelRef("tail"))
	VMOVUPS(body(0), dst)
	advance(1)
	JMP(LabelRef("loop1"))

	Label("tail")
	TESTQ(n, n)
	JZ(LabelRef("done"))
	w.tail(n, dst, in, func(r []reg.VecVirtual) reg.VecVirtual {
		var y Op
		if len(r) > 1 {
			y = r[1]
		}
		o.amd64(e, r[0], y, s)
		return r[0]
	})

	Label("done")
	VZEROUPPER()
	RET()
}

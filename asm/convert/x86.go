package main

import (
	"fmt"

	"github.com/mmcloughlin/avo/ir"

	. "github.com/mmcloughlin/avo/build"
	. "github.com/mmcloughlin/avo/operand"
	. "github.com/mmcloughlin/avo/reg"
)

// width is one x86 vector width: the kernels are written once against it.
type width struct {
	suffix string            // kernel name suffix: AVX2, AVX512
	lanes  int               // float32 lanes per vector
	vec    func() VecVirtual // a vector of float32 lanes
	half   func() VecVirtual // a vector holding lanes 16-bit values
	masked bool              // tails with opmask registers (AVX-512)
}

var widths = []width{
	{suffix: "AVX2", lanes: 8, vec: YMM, half: XMM},
	{suffix: "AVX512", lanes: 16, vec: ZMM, half: YMM, masked: true},
}

// unroll is the number of vectors per iteration of the main loop.
const unroll = 4

// kernel describes one conversion: src elements of srcSize bytes become
// dst elements of dstSize bytes.
type kernel struct {
	name             string
	doc              string
	sig              string
	srcSize, dstSize int
	// setup loads the constants the body uses, once per call.
	setup func(w width) []VecVirtual
	// body converts nvec full vectors at src into dst.
	body func(w width, c []VecVirtual, src, dst Mem, nvec int)
	// maskTail converts the elements selected by k (AVX-512).
	maskTail func(w width, c []VecVirtual, src, dst Mem, k Register)
	// scalar converts one element (the AVX2 tail).
	scalar func(w width, c []VecVirtual, src, dst Mem)
}

var kernels = []kernel{
	{
		name: "float32ToFloat16", sig: "func(dst []uint16, src []float32)", srcSize: 4, dstSize: 2,
		doc: "sets dst[i] to the binary16 bits of src[i], rounded to nearest even (VCVTPS2PH $0); len(dst) == len(src).",
		body: func(w width, _ []VecVirtual, src, dst Mem, nvec int) {
			for v := 0; v < nvec; v++ {
				x := w.vec()
				VMOVUPS(src.Offset(v*w.lanes*4), x)
				VCVTPS2PH(U8(0), x, dst.Offset(v*w.lanes*2))
			}
		},
		maskTail: func(w width, _ []VecVirtual, src, dst Mem, k Register) {
			x := w.vec()
			VMOVUPS_Z(src, k, x)
			VCVTPS2PH(U8(0), x, k, dst)
		},
		scalar: func(w width, _ []VecVirtual, src, dst Mem) {
			x, h := XMM(), XMM()
			VMOVSS(src, x)
			VCVTPS2PH(U8(0), x, h)
			VPEXTRW(U8(0), h, dst)
		},
	},
	{
		name: "float16ToFloat32", sig: "func(dst []float32, src []uint16)", srcSize: 2, dstSize: 4,
		doc: "sets dst[i] to the binary16 src[i] widened exactly (VCVTPH2PS); len(dst) == len(src).",
		body: func(w width, _ []VecVirtual, src, dst Mem, nvec int) {
			for v := 0; v < nvec; v++ {
				x := w.vec()
				VCVTPH2PS(src.Offset(v*w.lanes*2), x)
				VMOVUPS(x, dst.Offset(v*w.lanes*4))
			}
		},
		maskTail: func(w width, _ []VecVirtual, src, dst Mem, k Register) {
			h, x := w.half(), w.vec()
			VMOVDQU16_Z(src, k, h)
			VCVTPH2PS(h, x)
			VMOVUPS(x, k, dst)
		},
		scalar: func(w width, _ []VecVirtual, src, dst Mem) {
			r, h, x := GP32(), XMM(), XMM()
			MOVWLZX(src, r)
			VMOVD(r, h)
			VCVTPH2PS(h, x)
			VMOVSS(x, dst)
		},
	},
	{
		name: "float32ToBFloat16", sig: "func(dst []uint16, src []float32)", srcSize: 4, dstSize: 2,
		doc:   "sets dst[i] to the bfloat16 bits of src[i], rounded to nearest even by integer arithmetic (NaNs quieted); len(dst) == len(src).",
		setup: bf16Consts,
		body: func(w width, c []VecVirtual, src, dst Mem, nvec int) {
			if w.masked {
				for v := 0; v < nvec; v++ {
					x := w.vec()
					VMOVUPS(src.Offset(v*w.lanes*4), x)
					VPMOVDW(bf16Round(w, c, x), dst.Offset(v*w.lanes*2))
				}
				return
			}
			// Pack pairs of vectors: VPACKUSDW interleaves 128-bit lanes,
			// VPERMQ puts them back in order.
			for v := 0; v+1 < nvec; v += 2 {
				x, y := w.vec(), w.vec()
				VMOVUPS(src.Offset(v*w.lanes*4), x)
				VMOVUPS(src.Offset((v+1)*w.lanes*4), y)
				a, b := bf16Round(w, c, x), bf16Round(w, c, y)
				VPACKUSDW(b, a, a)
				VPERMQ(U8(0xd8), a, a)
				VMOVDQU(a, dst.Offset(v*w.lanes*2))
			}
			if nvec%2 == 1 {
				v := nvec - 1
				x, hi := w.vec(), XMM()
				VMOVUPS(src.Offset(v*w.lanes*4), x)
				a := bf16Round(w, c, x)
				VEXTRACTI128(U8(1), a, hi)
				VPACKUSDW(hi, a.AsX(), hi)
				VMOVDQU(hi, dst.Offset(v*w.lanes*2))
			}
		},
		maskTail: func(w width, c []VecVirtual, src, dst Mem, k Register) {
			x := w.vec()
			VMOVUPS_Z(src, k, x)
			VPMOVDW(bf16Round(w, c, x), k, dst)
		},
		scalar: func(w width, _ []VecVirtual, src, dst Mem) {
			x, t, a, q := GP32(), GP32(), GP32(), GP32()
			MOVL(src, x)
			MOVL(x, t)
			SHRL(U8(16), t)
			ANDL(U32(1), t)
			LEAL(Mem{Base: x, Index: t, Scale: 1, Disp: 0x7fff}, t)
			SHRL(U8(16), t)
			MOVL(x, q)
			SHRL(U8(16), q)
			ORL(U32(0x40), q)
			MOVL(x, a)
			ANDL(U32(0x7fffffff), a)
			CMPL(a, U32(0x7f800000))
			CMOVLHI(q, t)
			MOVW(t.As16(), dst)
		},
	},
	{
		name: "bfloat16ToFloat32", sig: "func(dst []float32, src []uint16)", srcSize: 2, dstSize: 4,
		doc: "sets dst[i] to the float32 whose top half is src[i] and bottom half zero; len(dst) == len(src).",
		body: func(w width, _ []VecVirtual, src, dst Mem, nvec int) {
			for v := 0; v < nvec; v++ {
				x := w.vec()
				VPMOVZXWD(src.Offset(v*w.lanes*2), x)
				VPSLLD(U8(16), x, x)
				VMOVUPS(x, dst.Offset(v*w.lanes*4))
			}
		},
		maskTail: func(w width, _ []VecVirtual, src, dst Mem, k Register) {
			h, x := w.half(), w.vec()
			VMOVDQU16_Z(src, k, h)
			VPMOVZXWD(h, x)
			VPSLLD(U8(16), x, x)
			VMOVUPS(x, k, dst)
		},
		scalar: func(w width, _ []VecVirtual, src, dst Mem) {
			r := GP32()
			MOVWLZX(src, r)
			SHLL(U8(16), r)
			MOVL(r, dst)
		},
	},
}

// broadcast returns a vector with every 32-bit lane set to v.
func broadcast(w width, v uint32) VecVirtual {
	r, x, y := GP32(), XMM(), w.vec()
	MOVL(U32(v), r)
	VMOVD(r, x)
	VPBROADCASTD(x, y)
	return y
}

// The constants of float32 → bfloat16: the rounding bias 0x7fff, the
// low-bit mask 1 and the quiet-NaN bit.
func bf16Consts(w width) []VecVirtual {
	return []VecVirtual{broadcast(w, 0x7fff), broadcast(w, 1), broadcast(w, 0x00400000)}
}

// bf16Round returns a vector whose 32-bit lanes hold the bfloat16 bits of
// the float32 lanes of x (in their low halves): (x + 0x7fff + (x>>16 & 1))
// >> 16 rounds to nearest even, carrying into the exponent where needed
// (up to infinity); NaN lanes become (x | quiet) >> 16 instead.
func bf16Round(w width, c []VecVirtual, x Op) VecVirtual {
	bias, one, quiet := c[0], c[1], c[2]
	t := w.vec()
	VPSRLD(U8(16), x, t)
	if w.masked {
		VPANDD(one, t, t)
	} else {
		VPAND(one, t, t)
	}
	VPADDD(bias, t, t)
	VPADDD(x, t, t)
	if w.masked {
		k := K()
		VCMPPS(U8(3), x, x, k) // unordered: NaN lanes
		VPORD(quiet, x, k, t)
	} else {
		m, q := w.vec(), w.vec()
		VCMPPS(U8(3), x, x, m)
		VPOR(quiet, x, q)
		VPBLENDVB(m, q, t, t)
	}
	VPSRLD(U8(16), t, t)
	return t
}

func (k kernel) emit(w width) {
	name := k.name + w.suffix
	TEXT(name, NOSPLIT, k.sig)
	Pragma("noescape")
	Doc(fmt.Sprintf("%s %s", name, k.doc))
	dst := Mem{Base: Load(Param("dst").Base(), GP64())}
	src := Mem{Base: Load(Param("src").Base(), GP64())}
	n := GP64()
	Load(Param("src").Len(), n)
	var c []VecVirtual
	if k.setup != nil {
		c = k.setup(w)
	}
	step := func(nvec int, next string) {
		CMPQ(n, U32(nvec*w.lanes))
		JB(LabelRef(next))
		k.body(w, c, src, dst, nvec)
		ADDQ(U32(nvec*w.lanes*k.srcSize), src.Base)
		ADDQ(U32(nvec*w.lanes*k.dstSize), dst.Base)
		SUBQ(U32(nvec*w.lanes), n)
	}
	Label("loop")
	step(unroll, "single")
	JMP(LabelRef("loop"))
	Label("single")
	step(1, "tail")
	JMP(LabelRef("single"))
	Label("tail")
	TESTQ(n, n)
	JZ(LabelRef("done"))
	if w.masked {
		m := GP32()
		MOVL(U32(0xffff), m)
		BZHIL(n.As32(), m, m)
		mask := K()
		KMOVW(m, mask)
		k.maskTail(w, c, src, dst, mask)
	} else {
		Label("scalar")
		k.scalar(w, c, src, dst)
		ADDQ(U32(k.srcSize), src.Base)
		ADDQ(U32(k.dstSize), dst.Base)
		DECQ(n)
		JNZ(LabelRef("scalar"))
	}
	Label("done")
	VZEROUPPER()
	RET()
}

// vcvtneps2bf16 emits VCVTNEPS2BF16 Z1, Y0 (AVX512_BF16), which the Go
// assembler does not know, as its bytes: EVEX.512.F3.0F38.W0 72 /r.
func vcvtneps2bf16() {
	Comment("VCVTNEPS2BF16 Z1, Y0")
	for i, b := range []byte{0x62, 0xf2, 0x7e, 0x48, 0x72, 0xc1} {
		in := &ir.Instruction{Opcode: "BYTE", Operands: []Op{U8(b)}}
		if i == 0 {
			in.Inputs = []Op{Z1}
			in.Outputs = []Op{Y0}
		}
		Instruction(in)
	}
}

// emitBF16Native writes float32ToBFloat16AVX512BF16, the AVX-512 BF16
// variant: VCVTNEPS2BF16 rounds to nearest even and quiets NaNs exactly as
// the reference does, but it treats subnormal inputs as zero. Vectors with
// a subnormal lane (VFPCLASSPS, one instruction) take the integer path
// instead; bfloat16 has float32's exponent range, so no normal input
// produces a subnormal result.
func emitBF16Native() {
	w := widths[1]
	name := "float32ToBFloat16AVX512BF16"
	TEXT(name, NOSPLIT, "func(dst []uint16, src []float32)")
	Pragma("noescape")
	Doc(name + " is float32ToBFloat16AVX512 through VCVTNEPS2BF16 (AVX512_BF16), with the integer path for vectors holding subnormals.")
	dst := Mem{Base: Load(Param("dst").Base(), GP64())}
	src := Mem{Base: Load(Param("src").Base(), GP64())}
	n := GP64()
	Load(Param("src").Len(), n)
	c := bf16Consts(w)
	label := 0
	// one converts the vector loaded into Z1 into Y0.
	one := func() {
		vcvtneps2bf16()
		sub := K()
		VFPCLASSPSZ(U8(0x20), Z1, sub) // denormal lanes
		KORTESTW(sub, sub)
		label++
		ok := fmt.Sprintf("ok%d", label)
		JZ(LabelRef(ok))
		VPMOVDW(bf16Round(w, c, Z1), Y0)
		Label(ok)
	}
	step := func(nvec int, next string) {
		CMPQ(n, U32(nvec*w.lanes))
		JB(LabelRef(next))
		for v := 0; v < nvec; v++ {
			VMOVUPS(src.Offset(v*w.lanes*4), Z1)
			one()
			VMOVDQU(Y0, dst.Offset(v*w.lanes*2))
		}
		ADDQ(U32(nvec*w.lanes*4), src.Base)
		ADDQ(U32(nvec*w.lanes*2), dst.Base)
		SUBQ(U32(nvec*w.lanes), n)
	}
	Label("loop")
	step(unroll, "single")
	JMP(LabelRef("loop"))
	Label("single")
	step(1, "tail")
	JMP(LabelRef("single"))
	Label("tail")
	TESTQ(n, n)
	JZ(LabelRef("done"))
	m := GP32()
	MOVL(U32(0xffff), m)
	BZHIL(n.As32(), m, m)
	mask := K()
	KMOVW(m, mask)
	VMOVUPS_Z(src, mask, Z1)
	one()
	VMOVDQU16(Y0, mask, dst)
	Label("done")
	VZEROUPPER()
	RET()
}

package main

import (
	. "github.com/mmcloughlin/avo/build"
	. "github.com/mmcloughlin/avo/operand"
	. "github.com/mmcloughlin/avo/reg"
)

// The panel packers of the tile kernels (AVX-512): 16 weight rows into the
// layout of trueno/quant/tile.go. Sixteen bytes of each row are loaded into
// the 128-bit lanes of four ZMM registers (rows m, m+4, m+8, m+12 in
// register m) and transposed 4×4 by dwords inside each lane, which leaves
// dword d of the sixteen rows, in row order, in one register; levels are
// then unpacked in that form. Scales come in by VPGATHERDD, one dword per
// row.

// Registers of the packers: row 4q+m of the block is at rowBase[q] + m·rb.
var rowBase = []GPPhysical{RSI, R10, R11, R12}

func packHeader(name, doc string) {
	TEXT(name, NOSPLIT, "func(nb int, w []byte, rb int, panel []byte)")
	Pragma("noescape")
	Doc(name + " " + doc)
	Load(Param("nb"), RCX)
	Load(Param("w").Base(), RSI)
	Load(Param("rb"), R8)
	Load(Param("panel").Base(), RDI)
	LEAQ(Mem{Base: R8, Index: R8, Scale: 2}, R9)   // 3·rb
	LEAQ(Mem{Base: RSI, Index: R8, Scale: 4}, R10) // row 4
	LEAQ(Mem{Base: RSI, Index: R8, Scale: 8}, R11) // row 8
	LEAQ(Mem{Base: R10, Index: R8, Scale: 8}, R12) // row 12
	// Gather indices: r·rb for lane r.
	VPBROADCASTD(R8L, Z31)
	VPMULLD(dwordIota(), Z31, Z31)
}

// dwordIota is a 64-byte constant of the int32 lanes 0…15.
func dwordIota() Mem {
	if m, ok := constData["dword_iota"]; ok {
		return m
	}
	m := GLOBL("dword_iota", RODATA|NOPTR)
	for i := 0; i < 16; i += 2 {
		DATA(4*i, U64(uint64(i)|uint64(i+1)<<32))
	}
	constData["dword_iota"] = m
	return m
}

// rowMem is the memory operand of row 4q+m at byte off of its block.
func rowMem(q, m, off int) Mem {
	b := rowBase[q]
	switch m {
	case 0:
		return Mem{Base: b, Disp: off}
	case 1:
		return Mem{Base: b, Index: R8, Scale: 1, Disp: off}
	case 2:
		return Mem{Base: b, Index: R8, Scale: 2, Disp: off}
	}
	return Mem{Base: b, Index: R9, Scale: 1, Disp: off}
}

// transpose16 loads bytes off…off+15 of the 16 rows' blocks and leaves in
// out[d] the dword d of every row (lane r = row r); in and t are scratch.
func transpose16(off int, in, t, out []VecPhysical) {
	for m := range 4 {
		VMOVDQU(rowMem(0, m, off), in[m].AsX())
		for q := 1; q < 4; q++ {
			VINSERTI32X4(U8(q), rowMem(q, m, off), in[m], in[m])
		}
	}
	VPUNPCKLDQ(in[1], in[0], t[0])
	VPUNPCKHDQ(in[1], in[0], t[1])
	VPUNPCKLDQ(in[3], in[2], t[2])
	VPUNPCKHDQ(in[3], in[2], t[3])
	VPUNPCKLQDQ(t[2], t[0], out[0])
	VPUNPCKHQDQ(t[2], t[0], out[1])
	VPUNPCKLQDQ(t[3], t[1], out[2])
	VPUNPCKHQDQ(t[3], t[1], out[3])
}

// gatherRows sets v to the dword at byte off of each row's block.
func gatherRows(off int, v VecPhysical) {
	KXNORW(K1, K1, K1)
	VPXORD(v, v, v)
	VPGATHERDD(Mem{Base: RSI, Index: Z31, Scale: 1, Disp: off}, K1, v)
}

// halfScales stores the float16 in the low (high: the high) half of each
// dword of v, widened, at panel+off. v is clobbered.
func halfScales(v VecPhysical, high bool, off int) {
	if high {
		VPSRLD(U8(16), v, v)
	}
	VPMOVDW(v, v.AsY())
	VCVTPH2PS(v.AsY(), v)
	VMOVUPS(v, Mem{Base: RDI, Disp: off})
}

func splatZ(c uint32, v VecPhysical) {
	MOVL(U32(c), EAX)
	VPBROADCASTD(EAX, v)
}

func advanceRows(bb int) {
	for _, b := range rowBase {
		ADDQ(U32(bb), b)
	}
}

var (
	pin  = []VecPhysical{Z0, Z1, Z2, Z3}
	ptmp = []VecPhysical{Z4, Z5, Z6, Z7}
	pout = []VecPhysical{Z8, Z9, Z10, Z11}
)

// emitPack32 writes the Q4_0 (q4) or Q8_0 packer.
func emitPack32(q4 bool) {
	name, bb, chunks := "packQ8_0AVX512", 34, 2
	if q4 {
		name, bb, chunks = "packQ4_0AVX512", 18, 1
	}
	packHeader(name, "writes nb blocks of 16 rows (rb bytes apart) of w into panel in the tile layout (packPanel).")
	if q4 {
		splatZ(0x0f0f0f0f, Z30)
	} else {
		splatZ(0x80808080, Z30)
	}
	Label("loop")
	for h := range chunks {
		transpose16(2+16*h, pin, ptmp, pout)
		for d, o := range pout {
			if q4 {
				VPSRLD(U8(4), o, Z12)
				VPANDD(Z30, o, o)
				VPANDD(Z30, Z12, Z12)
				VMOVDQU64(o, Mem{Base: RDI, Disp: 64 * d})
				VMOVDQU64(Z12, Mem{Base: RDI, Disp: 64 * (4 + d)})
			} else {
				VPXORD(Z30, o, o)
				VMOVDQU64(o, Mem{Base: RDI, Disp: 64 * (4*h + d)})
			}
		}
	}
	gatherRows(0, Z13)
	halfScales(Z13, false, 512)
	advanceRows(bb)
	ADDQ(U32(576), RDI)
	DECQ(RCX)
	JNZ(LabelRef("loop"))
	VZEROUPPER()
	RET()
}

func emitPackQ4_K() {
	name := "packQ4_KAVX512"
	packHeader(name, "writes nb super-blocks of 16 Q4_K rows (rb bytes apart) of w into panel in the tile layout (packPanel).")
	c0f, c3f, c30 := Z30, Z29, Z28
	splatZ(0x0f0f0f0f, c0f)
	splatZ(63, c3f)
	splatZ(0x30, c30)
	Label("loop")
	for q := range 8 {
		pair, half := q/2, q%2
		transpose16(16+16*q, pin, ptmp, pout)
		for d, o := range pout {
			VPSRLD(U8(4), o, Z12)
			VPANDD(c0f, o, o)
			VPANDD(c0f, Z12, Z12)
			VMOVDQU64(o, Mem{Base: RDI, Disp: 512*(2*pair) + 64*(4*half+d)})
			VMOVDQU64(Z12, Mem{Base: RDI, Disp: 512*(2*pair+1) + 64*(4*half+d)})
		}
	}
	// Scales: q0, q1, q2 are bytes 0-3, 4-7, 8-11 of the 12 packed
	// 6-bit scales and mins of each row (scaleMinK4).
	q0, q1, q2 := Z13, Z14, Z15
	gatherRows(4, q0)
	gatherRows(8, q1)
	gatherRows(12, q2)
	sc, mn, t := Z16, Z17, Z18
	mA, mB, lo := Z20, Z21, Z22
	splatZ(0x0f, lo)
	// scale or min j (min: second, the 6-bit fields of q1 / high nibbles).
	field := func(j int, min bool, dst VecPhysical) {
		lowSrc, highSrc := q0, q0
		if min {
			lowSrc, highSrc = q1, q1
		}
		if j < 4 {
			VPSRLD(U8(8*j), lowSrc, dst)
			VPANDD(c3f, dst, dst)
			return
		}
		i, nib := j-4, 0
		if min {
			nib = 4
		}
		VPSRLD(U8(8*i+nib), q2, dst)
		VPANDD(lo, dst, dst)
		VPSRLD(U8(8*i+2), highSrc, t)
		VPTERNLOGD(U8(0xf8), c30, t, dst) // dst | (t & 0x30)
	}
	for j := range 8 {
		field(j, false, sc)
		VMOVDQU64(sc, Mem{Base: RDI, Disp: 4096 + 64*j})
	}
	for k := range 4 {
		field(2*k, true, mA)
		field(2*k+1, true, mB)
		VPSLLD(U8(16), mB, mn)
		VPORD(mA, mn, mn)
		VMOVDQU64(mn, Mem{Base: RDI, Disp: 4608 + 64*k})
	}
	gatherRows(0, Z19)
	VMOVDQA64(Z19, t)
	halfScales(Z19, false, 4864)
	halfScales(t, true, 4928)
	advanceRows(144)
	ADDQ(U32(4992), RDI)
	DECQ(RCX)
	JNZ(LabelRef("loop"))
	VZEROUPPER()
	RET()
}

func emitPackQ6_K() {
	name := "packQ6_KAVX512"
	packHeader(name, "writes nb super-blocks of 16 Q6_K rows (rb bytes apart) of w into panel in the tile layout (packPanel).")
	c0f, c30 := Z30, Z29
	splatZ(0x0f0f0f0f, c0f)
	splatZ(0x30303030, c30)
	qh := []VecPhysical{Z12, Z13, Z14, Z15}
	ql := [2][]VecPhysical{{Z16, Z17, Z18, Z19}, {Z20, Z21, Z22, Z23}}
	lv, t := Z24, Z25
	Label("loop")
	for h := range 2 {
		for c := range 2 {
			transpose16(128+32*h+16*c, pin, ptmp, qh)
			for p := range 2 {
				transpose16(64*h+32*p+16*c, pin, ptmp, ql[p])
			}
			for q := range 4 {
				s := 4*h + q
				for d := range 4 {
					// Low nibble (high when q ≥ 2) | bits 2q, 2q+1 of qh at 4, 5.
					if q >= 2 {
						VPSRLD(U8(4), ql[q%2][d], lv)
						VPANDD(c0f, lv, lv)
					} else {
						VPANDD(c0f, ql[q%2][d], lv)
					}
					switch q {
					case 0:
						VPSLLD(U8(4), qh[d], t)
					case 1:
						VPSLLD(U8(2), qh[d], t)
					case 2:
						VMOVDQA64(qh[d], t)
					case 3:
						VPSRLD(U8(2), qh[d], t)
					}
					VPTERNLOGD(U8(0xf8), c30, t, lv) // lv | (t & c30)
					VMOVDQU64(lv, Mem{Base: RDI, Disp: 512*s + 64*(4*c+d)})
				}
			}
		}
	}
	// Scales: sixteen int8 at 192, sign-extended to int32 lanes.
	for g := range 4 {
		gatherRows(192+4*g, Z12)
		for b := range 4 {
			VPSLLD(U8(24-8*b), Z12, Z13)
			VPSRAD(U8(24), Z13, Z13)
			VMOVDQU64(Z13, Mem{Base: RDI, Disp: 4096 + 64*(4*g+b)})
		}
	}
	gatherRows(206, Z14) // d in the high half: a dword at 208 would pass the block's end
	halfScales(Z14, true, 5120)
	advanceRows(210)
	ADDQ(U32(5184), RDI)
	DECQ(RCX)
	JNZ(LabelRef("loop"))
	VZEROUPPER()
	RET()
}

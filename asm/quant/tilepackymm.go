package main

import (
	. "github.com/mmcloughlin/avo/build"
	. "github.com/mmcloughlin/avo/operand"
	. "github.com/mmcloughlin/avo/reg"
)

// The panel packers for the AVX2 path: the AVX-512 packers' method on YMM
// registers, one half of the panel (8 rows: bytes 32h…32h+31 of every
// vector) at a time. Rows 8h+m and 8h+4+m (m < 4) share register m, so the
// 4×4 dword transposes inside the 128-bit lanes leave lanes 0-7 in row
// order. The scales come from the same transposes (of the bytes that
// hold them) instead of gathers.

// transpose8 loads bytes off…off+15 of rows 8h…8h+7 into in (4 registers)
// and leaves dword d of every row in the d-th register it returns, using
// only in and t (2 registers).
func transpose8(h, off int, in, t []VecPhysical) []VecPhysical {
	for m := range 4 {
		VMOVDQU(rowMem(2*h, m, off), in[m].AsX())
		VINSERTI128(U8(1), rowMem(2*h+1, m, off), in[m], in[m])
	}
	VPUNPCKLDQ(in[1], in[0], t[0])
	VPUNPCKHDQ(in[1], in[0], t[1])
	VPUNPCKLDQ(in[3], in[2], in[0])
	VPUNPCKHDQ(in[3], in[2], in[1])
	VPUNPCKLQDQ(in[0], t[0], in[2])
	VPUNPCKHQDQ(in[0], t[0], in[3])
	VPUNPCKLQDQ(in[1], t[1], t[0])
	VPUNPCKHQDQ(in[1], t[1], in[0])
	return []VecPhysical{in[2], in[3], t[0], in[0]}
}

func packHeaderYMM(name, doc string) {
	TEXT(name, NOSPLIT, "func(nb int, w []byte, rb int, panel []byte)")
	Pragma("noescape")
	Doc(name + " " + doc)
	Load(Param("nb"), RCX)
	Load(Param("w").Base(), RSI)
	Load(Param("rb"), R8)
	Load(Param("panel").Base(), RDI)
	LEAQ(Mem{Base: R8, Index: R8, Scale: 2}, R9)
	LEAQ(Mem{Base: RSI, Index: R8, Scale: 4}, R10)
	LEAQ(Mem{Base: RSI, Index: R8, Scale: 8}, R11)
	LEAQ(Mem{Base: R10, Index: R8, Scale: 8}, R12)
}

// halvesToFloat stores the float16 in the low (high: the high) half of
// each dword of v (8 lanes), widened, at panel+off; v is clobbered.
func halvesToFloat(v VecPhysical, high bool, off int) {
	m := bytesConst("f16_lo_halves", func(i int) byte {
		if i%16 < 8 {
			return byte(4*(i%16/2) + i%2)
		}
		return 0x80
	})
	if high {
		m = bytesConst("f16_hi_halves", func(i int) byte {
			if i%16 < 8 {
				return byte(4*(i%16/2) + 2 + i%2)
			}
			return 0x80
		})
	}
	VPSHUFB(m, v, v)
	VPERMQ(U8(0x08), v, v) // qwords 0 and 2: the eight halves
	VCVTPH2PS(v.AsX(), v)
	VMOVUPS(v, Mem{Base: RDI, Disp: off})
}

var (
	yin = []VecPhysical{Y0, Y1, Y2, Y3}
	yt  = []VecPhysical{Y4, Y5}
)

func emitPack32YMM(q4 bool) {
	name, bb, chunks := "packQ8_0AVX2", 34, 2
	if q4 {
		name, bb, chunks = "packQ4_0AVX2", 18, 1
	}
	packHeaderYMM(name, "is "+name[:8]+"AVX512 with AVX2.")
	if q4 {
		splat(0x0f0f0f0f, Y15)
	} else {
		splat(0x80808080, Y15)
	}
	Label("loop")
	for h := range 2 {
		for c := range chunks {
			out := transpose8(h, 2+16*c, yin, yt)
			for d, o := range out {
				if q4 {
					VPSRLD(U8(4), o, Y12)
					VPAND(Y15, o, o)
					VPAND(Y15, Y12, Y12)
					VMOVDQU(o, Mem{Base: RDI, Disp: 64*d + 32*h})
					VMOVDQU(Y12, Mem{Base: RDI, Disp: 64*(4+d) + 32*h})
				} else {
					VPXOR(Y15, o, o)
					VMOVDQU(o, Mem{Base: RDI, Disp: 64*(4*c+d) + 32*h})
				}
			}
		}
		// d: the float16 at byte 0 of each row (the dword at byte 0 of
		// the first 16 bytes, transposed).
		out := transpose8(h, 0, yin, yt)
		halvesToFloat(out[0], false, 512+32*h)
	}
	advanceRows(bb)
	ADDQ(U32(576), RDI)
	DECQ(RCX)
	JNZ(LabelRef("loop"))
	VZEROUPPER()
	RET()
}

func emitPackQ4_KYMM() {
	packHeaderYMM("packQ4_KAVX2", "is packQ4_KAVX512 with AVX2.")
	c0f, c3f, c30, lo := Y15, Y14, Y13, Y12
	splat(0x0f0f0f0f, c0f)
	splat(63, c3f)
	splat(0x30, c30)
	splat(0x0f, lo)
	Label("loop")
	for h := range 2 {
		for q := range 8 {
			pair, half := q/2, q%2
			out := transpose8(h, 16+16*q, yin, yt)
			for d, o := range out {
				VPSRLD(U8(4), o, Y6)
				VPAND(c0f, o, o)
				VPAND(c0f, Y6, Y6)
				VMOVDQU(o, Mem{Base: RDI, Disp: 512*(2*pair) + 64*(4*half+d) + 32*h})
				VMOVDQU(Y6, Mem{Base: RDI, Disp: 512*(2*pair+1) + 64*(4*half+d) + 32*h})
			}
		}
		// Bytes 0-15 of each row: d|dmin, then the 12 scale bytes.
		out := transpose8(h, 0, yin, yt)
		q0, q1, q2 := out[1], out[2], out[3]
		sc, t, mA, mB := Y6, Y7, Y8, Y9
		field := func(j int, min bool, dst VecPhysical) {
			lowSrc, highSrc := q0, q0
			if min {
				lowSrc, highSrc = q1, q1
			}
			if j < 4 {
				VPSRLD(U8(8*j), lowSrc, dst)
				VPAND(c3f, dst, dst)
				return
			}
			i, nib := j-4, 0
			if min {
				nib = 4
			}
			VPSRLD(U8(8*i+nib), q2, dst)
			VPAND(lo, dst, dst)
			VPSRLD(U8(8*i+2), highSrc, t)
			VPAND(c30, t, t)
			VPOR(t, dst, dst)
		}
		for j := range 8 {
			field(j, false, sc)
			VMOVDQU(sc, Mem{Base: RDI, Disp: 4096 + 64*j + 32*h})
		}
		for k := range 4 {
			field(2*k, true, mA)
			field(2*k+1, true, mB)
			VPSLLD(U8(16), mB, mB)
			VPOR(mA, mB, mB)
			VMOVDQU(mB, Mem{Base: RDI, Disp: 4608 + 64*k + 32*h})
		}
		VMOVDQA(out[0], Y10)
		halvesToFloat(out[0], false, 4864+32*h)
		halvesToFloat(Y10, true, 4928+32*h)
	}
	advanceRows(144)
	ADDQ(U32(4992), RDI)
	DECQ(RCX)
	JNZ(LabelRef("loop"))
	VZEROUPPER()
	RET()
}

func emitPackQ6_KYMM() {
	packHeaderYMM("packQ6_KAVX2", "is packQ6_KAVX512 with AVX2.")
	c0f, c30 := Y15, Y14
	splat(0x0f0f0f0f, c0f)
	splat(0x30303030, c30)
	lv, t := Y12, Y13
	Label("loop")
	for h := range 2 {
		for hh := range 2 {
			for c := range 2 {
				// qh kept in Y6-Y9 while the ql transposes use Y0-Y5.
				qh := transpose8(h, 128+32*hh+16*c, yin, yt)
				keep := []VecPhysical{Y6, Y7, Y8, Y9}
				for d := range 4 {
					VMOVDQA(qh[d], keep[d])
				}
				for p := range 2 {
					ql := transpose8(h, 64*hh+32*p+16*c, yin, yt)
					for _, q := range []int{p, p + 2} {
						s := 4*hh + q
						for d := range 4 {
							if q >= 2 {
								VPSRLD(U8(4), ql[d], lv)
								VPAND(c0f, lv, lv)
							} else {
								VPAND(c0f, ql[d], lv)
							}
							switch q {
							case 0:
								VPSLLD(U8(4), keep[d], t)
							case 1:
								VPSLLD(U8(2), keep[d], t)
							case 2:
								VMOVDQA(keep[d], t)
							case 3:
								VPSRLD(U8(2), keep[d], t)
							}
							VPAND(c30, t, t)
							VPOR(t, lv, lv)
							VMOVDQU(lv, Mem{Base: RDI, Disp: 512*s + 64*(4*c+d) + 32*h})
						}
					}
				}
			}
		}
		// Scales: sixteen int8 at 192, sign-extended.
		out := transpose8(h, 192, yin, yt)
		for g, o := range out {
			for b := range 4 {
				VPSLLD(U8(24-8*b), o, t)
				VPSRAD(U8(24), t, t)
				VMOVDQU(t, Mem{Base: RDI, Disp: 4096 + 64*(4*g+b) + 32*h})
			}
		}
		// d: the high half of the dword at 206 (bytes 194…209).
		out = transpose8(h, 194, yin, yt)
		halvesToFloat(out[3], true, 5120+32*h)
	}
	advanceRows(210)
	ADDQ(U32(5184), RDI)
	DECQ(RCX)
	JNZ(LabelRef("loop"))
	VZEROUPPER()
	RET()
}

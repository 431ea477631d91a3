package main

import (
	"fmt"

	. "github.com/mmcloughlin/avo/build"
	. "github.com/mmcloughlin/avo/operand"
	"github.com/mmcloughlin/avo/reg"
)

// transpose16 transposes 16 vectors of 16 float32 in registers: on return
// out[j][i] = in[i][j]. Four stages: interleave pairs of rows by 32 then
// 64 bits within 128-bit lanes, then move 128-bit lanes twice.
func transpose16(in []reg.VecVirtual) []reg.VecVirtual {
	t := make([]reg.VecVirtual, 16)
	for i := 0; i < 16; i += 2 {
		t[i], t[i+1] = ZMM(), ZMM()
		VUNPCKLPS(in[i+1], in[i], t[i])   // r_i[0] r_i+1[0] r_i[1] r_i+1[1] per lane
		VUNPCKHPS(in[i+1], in[i], t[i+1]) // the same for elements 2 and 3
	}
	// u[4q+c] lane L: rows 4q..4q+3 of column 4L+c.
	u := make([]reg.VecVirtual, 16)
	for q := 0; q < 4; q++ {
		a, b, c, d := t[4*q], t[4*q+1], t[4*q+2], t[4*q+3]
		for n, x := range [][2]reg.VecVirtual{{a, c}, {a, c}, {b, d}, {b, d}} {
			u[4*q+n] = ZMM()
			if n%2 == 0 {
				VUNPCKLPD(x[1], x[0], u[4*q+n])
			} else {
				VUNPCKHPD(x[1], x[0], u[4*q+n])
			}
		}
	}
	out := make([]reg.VecVirtual, 16)
	for c := 0; c < 4; c++ {
		v, w, v2, w2 := ZMM(), ZMM(), ZMM(), ZMM()
		VSHUFF32X4(U8(0x88), u[4+c], u[c], v)
		VSHUFF32X4(U8(0xdd), u[4+c], u[c], w)
		VSHUFF32X4(U8(0x88), u[12+c], u[8+c], v2)
		VSHUFF32X4(U8(0xdd), u[12+c], u[8+c], w2)
		out[c], out[8+c], out[4+c], out[12+c] = ZMM(), ZMM(), ZMM(), ZMM()
		VSHUFF32X4(U8(0x88), v2, v, out[c])
		VSHUFF32X4(U8(0xdd), v2, v, out[8+c])
		VSHUFF32X4(U8(0x88), w2, w, out[4+c])
		VSHUFF32X4(U8(0xdd), w2, w, out[12+c])
	}
	return out
}

// transpose8 is transpose16 for 8 vectors of 8 float64: interleave pairs
// of rows by 64 bits within 128-bit lanes, then move 128-bit lanes twice.
func transpose8(in []reg.VecVirtual) []reg.VecVirtual {
	t := make([]reg.VecVirtual, 8)
	for i := 0; i < 8; i += 2 {
		t[i], t[i+1] = ZMM(), ZMM()
		VUNPCKLPD(in[i+1], in[i], t[i])   // t[2q] lane L: rows 2q, 2q+1 of column 2L
		VUNPCKHPD(in[i+1], in[i], t[i+1]) // t[2q+1]: of column 2L+1
	}
	out := make([]reg.VecVirtual, 8)
	for c := 0; c < 2; c++ {
		v, w, v2, w2 := ZMM(), ZMM(), ZMM(), ZMM()
		VSHUFF64X2(U8(0x88), t[2+c], t[c], v)
		VSHUFF64X2(U8(0xdd), t[2+c], t[c], w)
		VSHUFF64X2(U8(0x88), t[6+c], t[4+c], v2)
		VSHUFF64X2(U8(0xdd), t[6+c], t[4+c], w2)
		out[c], out[4+c], out[2+c], out[6+c] = ZMM(), ZMM(), ZMM(), ZMM()
		VSHUFF64X2(U8(0x88), v2, v, out[c])
		VSHUFF64X2(U8(0xdd), v2, v, out[4+c])
		VSHUFF64X2(U8(0x88), w2, w, out[2+c])
		VSHUFF64X2(U8(0xdd), w2, w, out[6+c])
	}
	return out
}

// packTranspose emits the AVX-512 transposing copy of a panel of rows rows
// (the packing of a row-major A panel, or of a panel of B when B is used
// transposed):
//
//	dst[p·rows+i] = a[i·lda+p]   for p < k, i < rows
//
// It moves a square block of columns at a time through transpose16 or
// transpose8: one contiguous load and one store per row of the block
// instead of a gather per column, which AMD cores run at about one element
// per cycle. The last k mod 16 (or 8) columns are gathered, so (rows-1)·lda
// must fit in an int32.
func packTranspose(e *elem, rows int) {
	L := 64 / e.size // block side: elements per ZMM
	name := fmt.Sprintf("packT%d%sAVX512", rows, e.name)
	TEXT(name, NOSPLIT, fmt.Sprintf("func(k int, a *%s, lda int, dst *%s)", e.gotyp, e.gotyp))
	Pragma("noescape")
	Doc(fmt.Sprintf("%s copies a panel of %d rows of a (lda apart) column by column, with AVX-512:", name, rows),
		fmt.Sprintf("dst[p·%d+i] = a[i·lda+p] for p < k, i < %d, by %d×%d blocks transposed in registers.", rows, rows, L, L))
	shift := U8(map[int]uint64{4: 2, 8: 3}[e.size])
	transpose := transpose16
	if L == 8 {
		transpose = transpose8
	}
	k := Load(Param("k"), GP64())
	lda := Load(Param("lda"), GP64())
	SHLQ(shift, lda)
	src := Load(Param("a"), GP64())
	dst := Load(Param("dst"), GP64())
	rowStride := GP64() // bytes between two columns of dst
	MOVQ(U32(rows*e.size), rowStride)

	Label("block")
	CMPQ(k, U8(L))
	JB(LabelRef("tail"))
	for g := 0; g*L < rows; g++ {
		n := min(L, rows-L*g)
		p := GP64()
		MOVQ(src, p)
		if g > 0 {
			off := GP64()
			IMUL3Q(U32(L*g), lda, off)
			ADDQ(off, p)
		}
		in := make([]reg.VecVirtual, L)
		for i := range in {
			in[i] = ZMM()
			if i < n {
				e.movu(Mem{Base: p}, in[i])
				if i+1 < n {
					ADDQ(lda, p)
				}
			} else {
				e.zero(in[i], in[i], in[i])
			}
		}
		out := transpose(in)
		q := GP64()
		MOVQ(dst, q)
		var mask reg.Register
		if n < L {
			m := GP32()
			mask = K()
			MOVL(U32(uint32(1)<<n-1), m)
			KMOVW(m, mask)
		}
		for j := range out {
			d := Mem{Base: q, Disp: 64 * g}
			if mask != nil {
				e.movu(out[j], mask, d)
			} else {
				e.movu(out[j], d)
			}
			if j+1 < len(out) {
				ADDQ(rowStride, q)
			}
		}
	}
	ADDQ(U8(64), src)
	ADDQ(U32(L*rows*e.size), dst)
	SUBQ(U8(L), k)
	JMP(LabelRef("block"))

	// The last columns, one gather of up to L rows each.
	Label("tail")
	TESTQ(k, k)
	JZ(LabelRef("done"))
	ldaElems := GP64()
	MOVQ(lda, ldaElems)
	SHRQ(shift, ldaElems)
	var idx reg.VecVirtual
	if L == 16 {
		idx = ZMM()
		VPBROADCASTD(ldaElems.As32(), idx)
		VPMULLD(iota16, idx, idx)
	} else {
		idx = YMM()
		VPBROADCASTD(ldaElems.As32(), idx)
		VPMULLD(iota8, idx, idx)
	}
	Label("column")
	for g := 0; g*L < rows; g++ {
		n := min(L, rows-L*g)
		p := GP64()
		MOVQ(src, p)
		if g > 0 {
			off := GP64()
			IMUL3Q(U32(L*g), lda, off)
			ADDQ(off, p)
		}
		m := GP32()
		mask, kg := K(), K()
		MOVL(U32(uint32(1)<<n-1), m)
		KMOVW(m, mask)
		KMOVW(mask, kg)
		v := ZMM()
		e.zero(v, v, v)
		if L == 16 {
			VGATHERDPS(Mem{Base: p, Index: idx, Scale: 4}, kg, v)
		} else {
			VGATHERDPD(Mem{Base: p, Index: idx, Scale: 8}, kg, v)
		}
		e.movu(v, mask, Mem{Base: dst, Disp: 64 * g})
	}
	ADDQ(U8(e.size), src)
	ADDQ(U32(rows*e.size), dst)
	DECQ(k)
	JNZ(LabelRef("column"))
	Label("done")
	VZEROUPPER()
	RET()
}

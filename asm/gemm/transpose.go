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

// packTranspose emits the float32 form of packGather (same contract) that
// moves 16 columns at a time through transpose16: sixteen contiguous
// loads and sixteen stores per 16×16 block instead of sixteen gathers,
// which AMD cores run at about one element per cycle. The last k mod 16
// columns are gathered.
func packTranspose(rows int) {
	name := fmt.Sprintf("packT%dF32AVX512", rows)
	TEXT(name, NOSPLIT, "func(k int, a *float32, lda int, dst *float32)")
	Pragma("noescape")
	Doc(fmt.Sprintf("%s copies a panel of %d rows of a (lda apart) column by column, with AVX-512:", name, rows),
		fmt.Sprintf("dst[p·%d+i] = a[i·lda+p] for p < k, i < %d, by 16×16 blocks transposed in registers.", rows, rows))
	k := Load(Param("k"), GP64())
	lda := Load(Param("lda"), GP64())
	SHLQ(U8(2), lda)
	src := Load(Param("a"), GP64())
	dst := Load(Param("dst"), GP64())
	rowStride := GP64() // bytes between two columns of dst
	MOVQ(U32(rows*4), rowStride)

	Label("block")
	CMPQ(k, U8(16))
	JB(LabelRef("tail"))
	for g := 0; g*16 < rows; g++ {
		n := min(16, rows-16*g)
		p := GP64()
		MOVQ(src, p)
		if g > 0 {
			off := GP64()
			IMUL3Q(U32(16*g), lda, off)
			ADDQ(off, p)
		}
		in := make([]reg.VecVirtual, 16)
		for i := range in {
			in[i] = ZMM()
			if i < n {
				VMOVUPS(Mem{Base: p}, in[i])
				if i+1 < n {
					ADDQ(lda, p)
				}
			} else {
				VXORPS(in[i], in[i], in[i])
			}
		}
		out := transpose16(in)
		q := GP64()
		MOVQ(dst, q)
		var mask reg.Register
		if n < 16 {
			m := GP32()
			mask = K()
			MOVL(U32(uint32(1)<<n-1), m)
			KMOVW(m, mask)
		}
		for j := range out {
			d := Mem{Base: q, Disp: 64 * g}
			if mask != nil {
				VMOVUPS(out[j], mask, d)
			} else {
				VMOVUPS(out[j], d)
			}
			if j+1 < len(out) {
				ADDQ(rowStride, q)
			}
		}
	}
	ADDQ(U8(64), src)
	ADDQ(U32(16*rows*4), dst)
	SUBQ(U8(16), k)
	JMP(LabelRef("block"))

	// The last columns, one gather of up to 16 rows each.
	Label("tail")
	TESTQ(k, k)
	JZ(LabelRef("done"))
	idx := ZMM()
	ldaElems := GP64()
	MOVQ(lda, ldaElems)
	SHRQ(U8(2), ldaElems)
	VPBROADCASTD(ldaElems.As32(), idx)
	VPMULLD(iota16, idx, idx)
	Label("column")
	for g := 0; g*16 < rows; g++ {
		n := min(16, rows-16*g)
		p := GP64()
		MOVQ(src, p)
		if g > 0 {
			off := GP64()
			IMUL3Q(U32(16*g), lda, off)
			ADDQ(off, p)
		}
		m := GP32()
		mask, kg := K(), K()
		MOVL(U32(uint32(1)<<n-1), m)
		KMOVW(m, mask)
		KMOVW(mask, kg)
		v := ZMM()
		VXORPS(v, v, v)
		VGATHERDPS(Mem{Base: p, Index: idx, Scale: 4}, kg, v)
		VMOVUPS(v, mask, Mem{Base: dst, Disp: 64 * g})
	}
	ADDQ(U8(4), src)
	ADDQ(U32(rows*4), dst)
	DECQ(k)
	JNZ(LabelRef("column"))
	Label("done")
	VZEROUPPER()
	RET()
}

package main

import (
	. "github.com/mmcloughlin/avo/build"
	. "github.com/mmcloughlin/avo/operand"
	"github.com/mmcloughlin/avo/reg"
)

// transpose8x8 transposes 8 vectors of 8 float32 in YMM registers: on
// return out[j][i] = in[i][j]. Interleave pairs of rows, then pairs of
// pairs (within 128-bit halves), then swap the halves.
func transpose8x8(in []reg.VecVirtual) []reg.VecVirtual {
	t := make([]reg.VecVirtual, 8)
	for i := 0; i < 8; i += 2 {
		t[i], t[i+1] = YMM(), YMM()
		VUNPCKLPS(in[i+1], in[i], t[i])
		VUNPCKHPS(in[i+1], in[i], t[i+1])
	}
	// u[4h+c] half H: rows 4h..4h+3 of column 4H+c.
	u := make([]reg.VecVirtual, 8)
	for h := 0; h < 2; h++ {
		lo, hi, lo2, hi2 := t[4*h], t[4*h+1], t[4*h+2], t[4*h+3]
		for c, x := range [][2]reg.VecVirtual{{lo, lo2}, {lo, lo2}, {hi, hi2}, {hi, hi2}} {
			u[4*h+c] = YMM()
			imm := U8(0x44)
			if c%2 == 1 {
				imm = U8(0xee)
			}
			VSHUFPS(imm, x[1], x[0], u[4*h+c])
		}
	}
	out := make([]reg.VecVirtual, 8)
	for c := 0; c < 4; c++ {
		out[c], out[4+c] = YMM(), YMM()
		VPERM2F128(U8(0x20), u[4+c], u[c], out[c])
		VPERM2F128(U8(0x31), u[4+c], u[c], out[4+c])
	}
	return out
}

// packTransposeAVX2 emits packT16F32AVX2: packGather's function for a
// 16-row panel, by 8×8 blocks transposed in registers, the last k mod 8
// columns one element at a time.
func packTransposeAVX2() {
	const rows = 16
	name := "packT16F32AVX2"
	TEXT(name, NOSPLIT, "func(k int, a *float32, lda int, dst *float32)")
	Pragma("noescape")
	Doc(name+" copies a panel of 16 rows of a (lda apart) column by column, with AVX2:",
		"dst[p·16+i] = a[i·lda+p] for p < k, i < 16, by 8×8 blocks transposed in registers.")
	k := Load(Param("k"), GP64())
	lda := Load(Param("lda"), GP64())
	SHLQ(U8(2), lda)
	src := Load(Param("a"), GP64())
	dst := Load(Param("dst"), GP64())

	Label("block")
	CMPQ(k, U8(8))
	JB(LabelRef("tail"))
	for g := 0; g < rows/8; g++ {
		p := GP64()
		MOVQ(src, p)
		if g > 0 {
			off := GP64()
			IMUL3Q(U32(8*g), lda, off)
			ADDQ(off, p)
		}
		in := make([]reg.VecVirtual, 8)
		for i := range in {
			in[i] = YMM()
			VMOVUPS(Mem{Base: p}, in[i])
			if i+1 < len(in) {
				ADDQ(lda, p)
			}
		}
		for j, v := range transpose8x8(in) {
			VMOVUPS(v, Mem{Base: dst, Disp: j*rows*4 + 32*g})
		}
	}
	ADDQ(U8(32), src)
	ADDQ(U32(8*rows*4), dst)
	SUBQ(U8(8), k)
	JMP(LabelRef("block"))

	Label("tail")
	TESTQ(k, k)
	JZ(LabelRef("done"))
	Label("column")
	p := GP64()
	MOVQ(src, p)
	x := XMM()
	for i := 0; i < rows; i++ {
		MOVSS(Mem{Base: p}, x)
		MOVSS(x, Mem{Base: dst, Disp: 4 * i})
		if i+1 < rows {
			ADDQ(lda, p)
		}
	}
	ADDQ(U8(4), src)
	ADDQ(U32(rows*4), dst)
	DECQ(k)
	JNZ(LabelRef("column"))
	Label("done")
	VZEROUPPER()
	RET()
}

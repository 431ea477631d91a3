package main

import (
	"fmt"

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

// transpose4x4 is transpose8x8 for 4 vectors of 4 float64.
func transpose4x4(in []reg.VecVirtual) []reg.VecVirtual {
	t := make([]reg.VecVirtual, 4)
	for i := 0; i < 4; i += 2 {
		t[i], t[i+1] = YMM(), YMM()
		VUNPCKLPD(in[i+1], in[i], t[i])   // rows i, i+1 of columns 0 | 2
		VUNPCKHPD(in[i+1], in[i], t[i+1]) // of columns 1 | 3
	}
	out := make([]reg.VecVirtual, 4)
	for c := 0; c < 2; c++ {
		out[c], out[2+c] = YMM(), YMM()
		VPERM2F128(U8(0x20), t[2+c], t[c], out[c])
		VPERM2F128(U8(0x31), t[2+c], t[c], out[2+c])
	}
	return out
}

// packTransposeAVX2 emits packTranspose's function with AVX2 for a panel
// of rows rows (a multiple of the YMM lanes), by square blocks transposed
// in registers, the last columns one element at a time.
func packTransposeAVX2(e *elem, rows int) {
	L := 32 / e.size
	transpose := transpose8x8
	if L == 4 {
		transpose = transpose4x4
	}
	name := fmt.Sprintf("packT%d%sAVX2", rows, e.name)
	TEXT(name, NOSPLIT, fmt.Sprintf("func(k int, a *%s, lda int, dst *%s)", e.gotyp, e.gotyp))
	Pragma("noescape")
	Doc(fmt.Sprintf("%s copies a panel of %d rows of a (lda apart) column by column, with AVX2:", name, rows),
		fmt.Sprintf("dst[p·%d+i] = a[i·lda+p] for p < k, i < %d, by %d×%d blocks transposed in registers.", rows, rows, L, L))
	k := Load(Param("k"), GP64())
	lda := Load(Param("lda"), GP64())
	SHLQ(U8(map[int]uint64{4: 2, 8: 3}[e.size]), lda)
	src := Load(Param("a"), GP64())
	dst := Load(Param("dst"), GP64())

	Label("block")
	CMPQ(k, U8(L))
	JB(LabelRef("tail"))
	for g := 0; g < rows/L; g++ {
		p := GP64()
		MOVQ(src, p)
		if g > 0 {
			off := GP64()
			IMUL3Q(U32(L*g), lda, off)
			ADDQ(off, p)
		}
		in := make([]reg.VecVirtual, L)
		for i := range in {
			in[i] = YMM()
			e.movu(Mem{Base: p}, in[i])
			if i+1 < len(in) {
				ADDQ(lda, p)
			}
		}
		for j, v := range transpose(in) {
			e.movu(v, Mem{Base: dst, Disp: j*rows*e.size + 32*g})
		}
	}
	ADDQ(U8(32), src)
	ADDQ(U32(L*rows*e.size), dst)
	SUBQ(U8(L), k)
	JMP(LabelRef("block"))

	Label("tail")
	TESTQ(k, k)
	JZ(LabelRef("done"))
	Label("column")
	p := GP64()
	MOVQ(src, p)
	x := XMM()
	mov := MOVSS
	if e.size == 8 {
		mov = MOVSD
	}
	for i := 0; i < rows; i++ {
		mov(Mem{Base: p}, x)
		mov(x, Mem{Base: dst, Disp: e.size * i})
		if i+1 < rows {
			ADDQ(lda, p)
		}
	}
	ADDQ(U8(e.size), src)
	ADDQ(U32(rows*e.size), dst)
	DECQ(k)
	JNZ(LabelRef("column"))
	Label("done")
	VZEROUPPER()
	RET()
}

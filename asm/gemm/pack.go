package main

import (
	"fmt"

	. "github.com/mmcloughlin/avo/build"
	. "github.com/mmcloughlin/avo/operand"
)

// iota8 and iota16 are the dwords 0..7 and 0..15, the row numbers the
// gather indices are built from.
var iota8, iota16 Mem

func packData() {
	iota8 = GLOBL("gemmIota8", RODATA|NOPTR)
	for i := 0; i < 8; i++ {
		DATA(4*i, U32(uint32(i)))
	}
	iota16 = GLOBL("gemmIota16", RODATA|NOPTR)
	for i := 0; i < 16; i++ {
		DATA(4*i, U32(uint32(i)))
	}
}

// packGather emits the AVX-512 transposing copy of a panel of rows rows
// (the packing of a row-major A panel, or of a panel of B when B is used
// transposed):
//
//	dst[p·rows+i] = a[i·lda+p]   for p < k, i < rows
//
// It gathers eight rows at a time, one column per step, and runs along
// the whole of k for one group of eight rows before the next: eight rows
// lda apart may all fall in one L1 set (lda a multiple of 4 KiB), and
// eight fit in its ways where sixteen or more would evict each other
// before their next column is read. (rows-1)·lda must fit in an int32.
func packGather(e *elem, rows int) {
	name := fmt.Sprintf("packT%d%sAVX512", rows, e.name)
	TEXT(name, NOSPLIT, "func(k int, a *"+e.gotyp+", lda int, dst *"+e.gotyp+")")
	Pragma("noescape")
	Doc(fmt.Sprintf("%s copies a panel of %d rows of a (lda apart) column by column, with AVX-512:", name, rows),
		fmt.Sprintf("dst[p·%d+i] = a[i·lda+p] for p < k, i < %d, gathering eight rows at a time.", rows, rows))
	k := Load(Param("k"), GP64())
	lda := GP64()
	Load(Param("lda"), lda)
	idx := YMM()
	VPBROADCASTD(lda.As32(), idx)
	VPMULLD(iota8, idx, idx)
	SHLQ(U8(map[int]uint64{4: 2, 8: 3}[e.size]), lda) // bytes from here on
	TESTQ(k, k)
	JZ(LabelRef("done"))

	vec := YMM
	if e.size == 8 {
		vec = ZMM
	}
	m := GP32()
	for g := 0; g*8 < rows; g++ {
		n := min(8, rows-8*g)
		mask, kg := K(), K()
		MOVL(U32(uint32(1)<<n-1), m)
		KMOVW(m, mask)
		src := Load(Param("a"), GP64())
		if g > 0 {
			off := GP64()
			IMUL3Q(U32(8*g), lda, off) // 8g rows on
			ADDQ(off, src)
		}
		dst := Load(Param("dst"), GP64())
		if g > 0 {
			ADDQ(U32(8*g*e.size), dst)
		}
		count := GP64()
		MOVQ(k, count)
		loop := fmt.Sprintf("group%d", g)
		Label(loop)
		KMOVW(mask, kg)
		v := vec()
		e.zero(v, v, v)
		if e.size == 4 {
			VGATHERDPS(Mem{Base: src, Index: idx, Scale: 4}, kg, v)
		} else {
			VGATHERDPD(Mem{Base: src, Index: idx, Scale: 8}, kg, v)
		}
		e.movu(v, mask, Mem{Base: dst})
		ADDQ(U8(e.size), src)
		ADDQ(U32(rows*e.size), dst)
		DECQ(count)
		JNZ(LabelRef(loop))
	}
	Label("done")
	VZEROUPPER()
	RET()
}

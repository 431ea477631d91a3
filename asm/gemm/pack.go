package main

import (
	"fmt"

	. "github.com/mmcloughlin/avo/build"
	. "github.com/mmcloughlin/avo/operand"
	"github.com/mmcloughlin/avo/reg"
)

// iota16 is the dwords 0..15, the row numbers the gather indices are
// built from.
var iota16 Mem

func packData() {
	iota16 = GLOBL("gemmIota16", RODATA|NOPTR)
	for i := 0; i < 16; i++ {
		DATA(4*i, U32(uint32(i)))
	}
}

// packGather emits the AVX-512 transposing copy of a panel of rows rows
// (the packing of a row-major A panel, or of a panel of B when B is used
// transposed), gathering one column of the rows per step:
//
//	dst[p·rows+i] = a[i·lda+p]   for p < k, i < rows
//
// (rows-1)·lda must fit in an int32 (the gather's indices).
func packGather(e *elem, rows int) {
	name := fmt.Sprintf("packT%d%sAVX512", rows, e.name)
	TEXT(name, NOSPLIT, "func(k int, a *"+e.gotyp+", lda int, dst *"+e.gotyp+")")
	Pragma("noescape")
	Doc(fmt.Sprintf("%s copies a panel of %d rows of a (lda apart) column by column, with AVX-512:", name, rows),
		fmt.Sprintf("dst[p·%d+i] = a[i·lda+p] for p < k, i < %d, one gather per column and %d rows.", rows, rows, 64/e.size))
	k := Load(Param("k"), GP64())
	a := Load(Param("a"), GP64())
	lda64 := GP64()
	Load(Param("lda"), lda64)
	lda := lda64.As32()
	dst := Load(Param("dst"), GP64())

	// Dword row offsets 0..15 times lda, and 16..31 times lda when needed.
	idx := ZMM()
	VPBROADCASTD(lda, idx)
	VPMULLD(iota16, idx, idx)
	lanes := 64 / e.size
	gathers := (rows + lanes - 1) / lanes
	var index []reg.Register
	if e.size == 4 {
		index = append(index, idx)
		if gathers > 1 {
			step, hi := GP32(), ZMM()
			MOVL(lda, step)
			SHLL(U8(4), step)
			VPBROADCASTD(step, hi)
			VPADDD(idx, hi, hi)
			index = append(index, hi)
		}
	} else {
		hi := YMM()
		VEXTRACTI64X4(U8(1), idx, hi)
		index = append(index, idx.AsY(), hi)
	}
	masks := make([]reg.Register, gathers)
	m := GP32()
	for g := range masks {
		n := min(lanes, rows-g*lanes)
		masks[g] = K()
		MOVL(U32(uint32(1)<<n-1), m)
		KMOVW(m, masks[g])
	}
	TESTQ(k, k)
	JZ(LabelRef("done"))
	kg := K()
	Label("loop")
	for g := 0; g < gathers; g++ {
		v := ZMM()
		KMOVW(masks[g], kg)
		e.zero(v, v, v)
		if e.size == 4 {
			VGATHERDPS(Mem{Base: a, Index: index[g], Scale: 4}, kg, v)
		} else {
			VGATHERDPD(Mem{Base: a, Index: index[g], Scale: 8}, kg, v)
		}
		e.movu(v, masks[g], Mem{Base: dst, Disp: g * 64})
	}
	ADDQ(U8(e.size), a)
	ADDQ(U32(rows*e.size), dst)
	DECQ(k)
	JNZ(LabelRef("loop"))
	Label("done")
	VZEROUPPER()
	RET()
}

package main

import (
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

// packGather emits the AVX-512 packing of a full 14-row panel of a
// row-major A (one gather of column p of the 14 rows per step):
//
//	dst[p·14+i] = a[i·lda+p]   for p < k, i < 14
//
// 13·lda must fit in an int32 (the gather's indices).
func packGather(e *elem) {
	name := "packA14" + e.name + "AVX512"
	TEXT(name, NOSPLIT, "func(k int, a *"+e.gotyp+", lda int, dst *"+e.gotyp+")")
	Pragma("noescape")
	Doc(name+" packs a 14-row panel of a (rows lda apart) for the AVX-512 micro-kernel:",
		"dst[p·14+i] = a[i·lda+p] for p < k, i < 14, with one gather per column.")
	k := Load(Param("k"), GP64())
	a := Load(Param("a"), GP64())
	lda64 := GP64()
	Load(Param("lda"), lda64)
	lda := lda64.As32() // 13·lda fits in an int32
	dst := Load(Param("dst"), GP64())
	idx := ZMM()
	VPBROADCASTD(lda, idx)
	VPMULLD(iota16, idx, idx)
	TESTQ(k, k)
	JZ(LabelRef("done"))
	m := GP32()
	if e.size == 4 {
		k14, kg := K(), K()
		MOVL(U32(1<<14-1), m)
		KMOVW(m, k14)
		Label("loop")
		KMOVW(k14, kg)
		v := ZMM()
		VXORPS(v, v, v)
		VGATHERDPS(Mem{Base: a, Index: idx, Scale: 4}, kg, v)
		VMOVUPS(v, k14, Mem{Base: dst})
		ADDQ(U8(4), a)
		ADDQ(U8(14*4), dst)
		DECQ(k)
		JNZ(LabelRef("loop"))
	} else {
		lo := idx.AsY()
		hi := YMM()
		VEXTRACTI64X4(U8(1), idx, hi)
		k8, k6, kg := K(), K(), K()
		MOVL(U32(0xff), m)
		KMOVW(m, k8)
		MOVL(U32(0x3f), m)
		KMOVW(m, k6)
		Label("loop")
		var v [2]reg.VecVirtual
		for h, ix := range []reg.Register{lo, hi} {
			kk := []reg.Register{k8, k6}[h]
			KMOVW(kk, kg)
			v[h] = ZMM()
			VXORPD(v[h], v[h], v[h])
			VGATHERDPD(Mem{Base: a, Index: ix, Scale: 8}, kg, v[h])
		}
		VMOVUPD(v[0], Mem{Base: dst})
		VMOVUPD(v[1], k6, Mem{Base: dst, Disp: 64})
		ADDQ(U8(8), a)
		ADDQ(U8(14*8), dst)
		DECQ(k)
		JNZ(LabelRef("loop"))
	}
	Label("done")
	VZEROUPPER()
	RET()
}

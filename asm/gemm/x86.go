package main

import (
	"fmt"
	"strings"

	. "github.com/mmcloughlin/avo/build"
	. "github.com/mmcloughlin/avo/operand"
	"github.com/mmcloughlin/avo/reg"
)

// elem is what differs between the float32 and the float64 form of a
// kernel: the element type and the instructions named after it.
type elem struct {
	name  string // F32 or F64
	gotyp string // float32 or float64
	size  int    // bytes
	movu  func(ops ...Op)
	bcast func(ops ...Op)
	fma   func(ops ...Op) // VFMADD231Px
	mul   func(ops ...Op)
	zero  func(ops ...Op) // VXORPx
	// betaZero jumps to l when the scalar at beta is +0 or -0.
	betaZero func(beta Mem, l LabelRef)
}

var f32 = &elem{
	name: "F32", gotyp: "float32", size: 4,
	movu: VMOVUPS, bcast: VBROADCASTSS, fma: VFMADD231PS, mul: VMULPS, zero: VXORPS,
	betaZero: func(beta Mem, l LabelRef) {
		r := GP32()
		MOVL(beta, r)
		ANDL(U32(0x7fffffff), r)
		JZ(l)
	},
}

var f64 = &elem{
	name: "F64", gotyp: "float64", size: 8,
	movu: VMOVUPD, bcast: VBROADCASTSD, fma: VFMADD231PD, mul: VMULPD, zero: VXORPD,
	betaZero: func(beta Mem, l LabelRef) {
		r := GP64()
		MOVQ(beta, r)
		SHLQ(U8(1), r) // drop the sign
		JZ(l)
	},
}

// width is one x86 vector width.
type width struct {
	isa   string
	bytes int
	vec   func() reg.VecVirtual
}

var (
	avx2   = &width{isa: "AVX2", bytes: 32, vec: YMM}
	avx512 = &width{isa: "AVX512", bytes: 64, vec: ZMM}
)

// tile is one micro-kernel: MR rows of C, nv vectors (NR = nv·lanes) per
// row. MR·nv accumulators, nv vectors of B and one broadcast of A stay in
// registers: 6·2+3 = 15 of the 16 YMM, 14·2+3 = 31 of the 32 ZMM.
type tile struct {
	w  *width
	e  *elem
	mr int
	nv int
	// partial, when set, is a direct kernel for the last rows of C, fewer
	// than a full tile: mr is then that number of rows.
	partial bool
}

func (t tile) nr() int { return t.nv * t.w.bytes / t.e.size }

func (t tile) name() string { return "gemmKernel" + t.e.name + t.w.isa }

var x86Tiles = []tile{
	{w: avx512, e: f32, mr: 14, nv: 2},
	{w: avx512, e: f64, mr: 14, nv: 2},
	{w: avx2, e: f32, mr: 6, nv: 2},
	{w: avx2, e: f64, mr: 6, nv: 2},
}

// microKernel emits one tile kernel: the k loop of rank-1 updates, then the
// write-back of alpha·acc (+ beta·c).
//
// With direct set, the kernel reads A where it lies instead of from a
// packed panel: row i of the tile at a + i·lda, element p at +p (the
// packing of a row-major A is a transpose, which costs as much as the
// product itself when k and n are small).
func microKernel(t tile, direct bool) {
	name := t.name()
	sig := fmt.Sprintf("func(k int, a, b *%s, ldb int, c *%s, ldc int, alpha, beta %s)", t.e.gotyp, t.e.gotyp, t.e.gotyp)
	what := fmt.Sprintf("a holds k groups of %d", t.mr)
	if direct {
		name = strings.Replace(name, "Kernel", "KernelDirect", 1)
		if t.partial {
			name = strings.Replace(name, "Direct", fmt.Sprintf("Direct%d", t.mr), 1)
		}
		sig = fmt.Sprintf("func(k int, a *%s, lda int, b *%s, ldb int, c *%s, ldc int, alpha, beta %s)", t.e.gotyp, t.e.gotyp, t.e.gotyp, t.e.gotyp)
		what = fmt.Sprintf("a is %d rows lda apart", t.mr)
	}
	TEXT(name, NOSPLIT, sig)
	Pragma("noescape")
	Doc(fmt.Sprintf("%s computes the %d×%d tile c = alpha·(a·b) + beta·c from packed panels,", name, t.mr, t.nr()),
		fmt.Sprintf("with %s: %s, b k rows of %d, ldb apart; c is not read when beta is ±0.", t.w.isa, what, t.nr()))
	e := t.e

	k := Load(Param("k"), GP64())
	a := Load(Param("a"), GP64())
	b := Load(Param("b"), GP64())
	// Rows of B are ldb apart: nr in a packed panel, the stride of B when
	// the kernel reads it in place.
	ldb := Load(Param("ldb"), GP64())
	SHLQ(U8(map[int]uint64{4: 2, 8: 3}[e.size]), ldb)
	// Direct rows: a base pointer every third row, the others at
	// base + lda·{1, 2} through the addressing mode.
	var lda reg.GPVirtual
	var bases []reg.Register
	aRow := func(i int) Mem { return Mem{Base: a, Disp: i * e.size} }
	if direct {
		lda = GP64()
		Load(Param("lda"), lda)
		SHLQ(U8(map[int]uint64{4: 2, 8: 3}[e.size]), lda)
		bases = []reg.Register{a}
		for r := 3; r < t.mr; r += 3 {
			p := GP64()
			LEAQ(Mem{Base: bases[len(bases)-1], Index: lda, Scale: 2}, p)
			ADDQ(lda, p)
			bases = append(bases, p)
		}
		aRow = func(i int) Mem {
			m := Mem{Base: bases[i/3]}
			if i%3 > 0 {
				m.Index, m.Scale = lda, uint8(i%3)
			}
			return m
		}
	}

	acc := make([][]reg.VecVirtual, t.mr)
	for i := range acc {
		acc[i] = make([]reg.VecVirtual, t.nv)
		for j := range acc[i] {
			acc[i][j] = t.w.vec()
			e.zero(acc[i][j], acc[i][j], acc[i][j])
		}
	}

	// step emits the rank-1 update of k step u after the pointers.
	step := func(u int) {
		bv := make([]reg.VecVirtual, t.nv)
		for j := range bv {
			bv[j] = t.w.vec()
			m := Mem{Base: b, Disp: j * t.w.bytes}
			if u == 1 {
				m.Index, m.Scale = ldb, 1
			}
			e.movu(m, bv[j])
		}
		for i := 0; i < t.mr; i++ {
			av := t.w.vec()
			m := aRow(i)
			if direct {
				m.Disp += u * e.size
			} else {
				m.Disp += u * t.mr * e.size
			}
			e.bcast(m, av)
			for j := range bv {
				e.fma(bv[j], av, acc[i][j])
			}
		}
	}
	advance := func(steps int) {
		if direct {
			for _, p := range bases {
				ADDQ(U32(steps*e.size), p)
			}
		} else {
			ADDQ(U32(steps*t.mr*e.size), a)
		}
		for range steps {
			ADDQ(ldb, b)
		}
	}
	// Two steps per iteration, then the odd one.
	CMPQ(k, U8(2))
	JB(LabelRef("odd"))
	Label("loop")
	step(0)
	step(1)
	advance(2)
	SUBQ(U8(2), k)
	CMPQ(k, U8(2))
	JAE(LabelRef("loop"))
	Label("odd")
	TESTQ(k, k)
	JZ(LabelRef("store"))
	step(0)

	Label("store")
	c := Load(Param("c"), GP64())
	ldc := Load(Param("ldc"), GP64())
	SHLQ(U8(map[int]uint64{4: 2, 8: 3}[e.size]), ldc)
	alphaM, err := Param("alpha").Resolve()
	if err != nil {
		panic(err)
	}
	betaM, err := Param("beta").Resolve()
	if err != nil {
		panic(err)
	}
	alpha := t.w.vec()
	e.bcast(alphaM.Addr, alpha)
	e.betaZero(betaM.Addr, LabelRef("overwrite"))

	beta := t.w.vec()
	e.bcast(betaM.Addr, beta)
	for i := 0; i < t.mr; i++ {
		for j := 0; j < t.nv; j++ {
			m := Mem{Base: c, Disp: j * t.w.bytes}
			e.mul(alpha, acc[i][j], acc[i][j])
			e.fma(m, beta, acc[i][j])
			e.movu(acc[i][j], m)
		}
		if i+1 < t.mr {
			ADDQ(ldc, c)
		}
	}
	VZEROUPPER()
	RET()

	Label("overwrite")
	for i := 0; i < t.mr; i++ {
		for j := 0; j < t.nv; j++ {
			e.mul(alpha, acc[i][j], acc[i][j])
			e.movu(acc[i][j], Mem{Base: c, Disp: j * t.w.bytes})
		}
		if i+1 < t.mr {
			ADDQ(ldc, c)
		}
	}
	VZEROUPPER()
	RET()
}

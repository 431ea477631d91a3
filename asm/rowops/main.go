// Command rowops generates trueno's row-operation kernels (the element-wise
// steps of RMSNorm and LayerNorm, and rotary position embedding): AVX2 and
// AVX-512 with avo, from one description per kernel parameterised by
// vector width, and NEON with our arm64 emitter.
//
//	go run ./rowops -out ../trueno/rowops_amd64.s -stubs ../trueno/rowops_stubs_amd64.go \
//		-neon ../trueno/rowops_arm64.s -neonstubs ../trueno/rowops_stubs_arm64.go
package main

import (
	"flag"
	"log"

	. "github.com/mmcloughlin/avo/build"
	. "github.com/mmcloughlin/avo/operand"
	. "github.com/mmcloughlin/avo/reg"
)

var (
	neonOut   = flag.String("neon", "", "write the NEON assembly to `file`")
	neonStubs = flag.String("neonstubs", "", "write the NEON Go declarations to `file`")
)

func main() {
	flag.Parse()
	if *neonOut != "" {
		if err := writeNEON(*neonOut, *neonStubs); err != nil {
			log.Fatal(err)
		}
	}

	// avo's Package() would type-check trueno, which this module cannot
	// import; the signatures use only built-in types, so naming the package
	// is enough. avo v0.5.0 parses constraints in the "+build" syntax.
	if err := flag.Set("pkg", "trueno"); err != nil {
		log.Fatal(err)
	}
	ConstraintExpr("gc,!purego")
	for _, w := range widths {
		for _, m := range maps {
			m.emit(w)
		}
		ropeAdjacent(w)
		ropeNeoX(w)
	}
	Generate()
}

// maps are the apply steps of the normalisations. Each product is rounded
// before the next operation, as in the pure-Go references.
var maps = []mapping{
	{
		name: "rmsNormApply", sig: "func(dst, x, w []float32, s float32)", out: "dst", ins: []string{"x", "w"}, scalars: []string{"s"},
		doc: "sets dst[i] = (x[i]·s)·w[i]; len(x), len(w) >= len(dst).",
		body: func(s step, in []VecVirtual, sc []Op) VecVirtual {
			s.mul(sc[0], in[0], in[0])
			s.mul(in[1], in[0], in[0])
			return in[0]
		},
	},
	{
		name: "rmsNormScale", sig: "func(dst, x []float32, s float32)", out: "dst", ins: []string{"x"}, scalars: []string{"s"},
		doc: "sets dst[i] = x[i]·s; len(x) >= len(dst).",
		body: func(s step, in []VecVirtual, sc []Op) VecVirtual {
			s.mul(sc[0], in[0], in[0])
			return in[0]
		},
	},
	layerNorm("layerNormApplyWB", "func(dst, x, w, b []float32, m, r float32)", "sets dst[i] = ((x[i]−m)·r)·w[i] + b[i]; len(x), len(w), len(b) >= len(dst).", "x", "w", "b"),
	layerNorm("layerNormApplyW", "func(dst, x, w []float32, m, r float32)", "sets dst[i] = ((x[i]−m)·r)·w[i]; len(x), len(w) >= len(dst).", "x", "w"),
	layerNorm("layerNormApplyB", "func(dst, x, b []float32, m, r float32)", "sets dst[i] = (x[i]−m)·r + b[i]; len(x), len(b) >= len(dst).", "x", "b"),
	layerNorm("layerNormApply", "func(dst, x []float32, m, r float32)", "sets dst[i] = (x[i]−m)·r; len(x) >= len(dst).", "x"),
}

// layerNorm describes the LayerNorm apply step over the inputs named (x,
// then optionally w, then optionally b).
func layerNorm(name, sig, doc string, ins ...string) mapping {
	return mapping{
		name: name, sig: sig, doc: doc, out: "dst", ins: ins, scalars: []string{"m", "r"},
		body: func(s step, in []VecVirtual, sc []Op) VecVirtual {
			t := in[0]
			s.sub(sc[0], t, t)
			s.mul(sc[1], t, t)
			for j, p := range ins[1:] {
				if p == "w" {
					s.mul(in[1+j], t, t)
				} else {
					s.add(in[1+j], t, t)
				}
			}
			return t
		},
	}
}

// rotate returns (x0·c − x1·s, x0·s + x1·c), each product rounded on its
// own, in any step shape; it overwrites x0 and x1.
func rotate(st step, x0, x1 VecVirtual, c, s Op) (r0, r1 VecVirtual) {
	r0, t := st.reg(), st.reg()
	st.mul(c, x0, r0)  // x0·c
	st.mul(s, x1, t)   // x1·s
	st.sub(t, r0, r0)  // x0·c − x1·s
	st.mul(s, x0, x0)  // x0·s
	st.mul(c, x1, x1)  // x1·c
	st.add(x1, x0, x0) // x0·s + x1·c
	return r0, x0
}

// ropeArgs loads the arguments every RoPE kernel uses: the base of x, the
// end of x, the head stride in bytes, the tables and the pair count.
func ropeArgs() (xp, end, stride, cp, sp, p Register) {
	xp = Load(Param("x").Base(), GP64())
	n := Load(Param("x").Len(), GP64())
	end = GP64()
	LEAQ(Mem{Base: xp, Index: n, Scale: elemSize}, end)
	stride = Load(Param("headDim"), GP64())
	SHLQ(U8(2), stride)
	cp = Load(Param("cos").Base(), GP64())
	sp = Load(Param("sin").Base(), GP64())
	p = Load(Param("cos").Len(), GP64())
	return
}

// overHeads runs body once per head, with ptr pointing at the same
// element of each: from start while ptr < end, stepping by stride.
func overHeads(label string, ptr, end, stride Register, body func()) {
	Label(label)
	CMPQ(ptr, end)
	JAE(LabelRef(label + "done"))
	body()
	ADDQ(stride, ptr)
	JMP(LabelRef(label))
	Label(label + "done")
}

// ropeAdjacent emits ropeAVX2/ropeAVX512 for the interleaved layout. The
// tables are walked in chunks of lanes/2 pairs, the outer loop, so that
// each chunk is widened once for every head: cos and sin are duplicated
// into both lanes of their pair (VPMOVZXDQ, VMOVSLDUP) and sin is negated
// in the even lanes, so that with v = (x0, x1, ...) and v' its pairs
// swapped, v·c + v'·s = (x0·c − x1·s, x1·c + x0·s, ...). Negating a factor
// and adding is subtracting, so the rounding is the reference's.
func ropeAdjacent(w width) {
	name := "rope" + w.isa
	TEXT(name, NOSPLIT, "func(x []float32, headDim int, cos, sin []float32)")
	Pragma("noescape")
	Doc(name + " rotates the adjacent pairs (x[h·headDim+2i], x[h·headDim+2i+1]), i < len(cos), of every head h by cos[i], sin[i]; len(sin) >= len(cos), 2·len(cos) <= headDim, len(x) a multiple of headDim.")
	xp, end, stride, cp, sp, p := ropeArgs()
	sign := w.vec()
	t := GP64()
	MOVQ(U32(0x80000000), t)
	tx := XMM()
	VMOVQ(t, tx)
	VPBROADCASTQ(tx, sign) // −0 in the even lanes, +0 in the odd ones

	pairs := w.lanes / 2
	j, lim, ptr := GP64(), GP64(), GP64()
	XORQ(j, j)
	MOVQ(p, lim)
	ANDQ(I32(-pairs), lim)

	// widen turns pairs values of a table (already in lanes 0..pairs-1 of
	// a register or in memory) into each value twice.
	widen := func(src Op) VecVirtual {
		v := w.vec()
		VPMOVZXDQ(src, v)
		VMOVSLDUP(v, v)
		return v
	}
	rot := func(v, c, s VecVirtual) {
		sw := w.vec()
		VPERMILPS(U8(0xb1), v, sw)
		VMULPS(c, v, v)
		VMULPS(s, sw, sw)
		VADDPS(sw, v, v)
	}

	Label("chunk")
	CMPQ(j, lim)
	JAE(LabelRef("tail"))
	c := widen(Mem{Base: cp, Index: j, Scale: elemSize})
	s := widen(Mem{Base: sp, Index: j, Scale: elemSize})
	VXORPS(sign, s, s)
	LEAQ(Mem{Base: xp, Index: j, Scale: 2 * elemSize}, ptr)
	overHeads("heads", ptr, end, stride, func() {
		v := w.vec()
		VMOVUPS(Mem{Base: ptr}, v)
		rot(v, c, s)
		VMOVUPS(v, Mem{Base: ptr})
	})
	ADDQ(U32(pairs), j)
	JMP(LabelRef("chunk"))

	Label("tail")
	CMPQ(j, p)
	JAE(LabelRef("done"))
	LEAQ(Mem{Base: xp, Index: j, Scale: 2 * elemSize}, ptr)
	if w.masked {
		rem := GP64()
		MOVQ(p, rem)
		SUBQ(j, rem)
		kc := maskOf(rem)
		SHLQ(U8(1), rem)
		kx := maskOf(rem)
		yc, ys := YMM(), YMM()
		VMOVUPS_Z(Mem{Base: cp, Index: j, Scale: elemSize}, kc, yc)
		VMOVUPS_Z(Mem{Base: sp, Index: j, Scale: elemSize}, kc, ys)
		c := widen(yc)
		s := widen(ys)
		VXORPS(sign, s, s)
		overHeads("mheads", ptr, end, stride, func() {
			v := w.vec()
			VMOVUPS_Z(Mem{Base: ptr}, kx, v)
			rot(v, c, s)
			VMOVUPS(v, kx, Mem{Base: ptr})
		})
	} else {
		// Fewer than lanes/2 pairs: one pair at a time.
		st := step{w: w, scalar: true}
		Label("pair")
		c, s := st.load(Mem{Base: cp, Index: j, Scale: elemSize}), st.load(Mem{Base: sp, Index: j, Scale: elemSize})
		overHeads("sheads", ptr, end, stride, func() {
			x0, x1 := st.load(Mem{Base: ptr}), st.load(Mem{Base: ptr, Disp: elemSize})
			r0, r1 := rotate(st, x0, x1, c, s)
			st.store(r0, Mem{Base: ptr})
			st.store(r1, Mem{Base: ptr, Disp: elemSize})
		})
		INCQ(j)
		CMPQ(j, p)
		JAE(LabelRef("done"))
		LEAQ(Mem{Base: xp, Index: j, Scale: 2 * elemSize}, ptr)
		JMP(LabelRef("pair"))
	}
	Label("done")
	VZEROUPPER()
	RET()
}

// ropeNeoX emits ropeNeoXAVX2/ropeNeoXAVX512 for the half-split layout:
// the first halves of the pairs are lanes of one vector and the second
// halves of another, p elements further on, so the rotation is plain
// lane-wise arithmetic. Chunks of lanes pairs form the outer loop, heads
// the inner one, as in ropeAdjacent.
func ropeNeoX(w width) {
	name := "ropeNeoX" + w.isa
	TEXT(name, NOSPLIT, "func(x []float32, headDim int, cos, sin []float32)")
	Pragma("noescape")
	Doc(name + " rotates the pairs (x[h·headDim+i], x[h·headDim+p+i]), i < p = len(cos), of every head h by cos[i], sin[i]; len(sin) >= len(cos), 2·len(cos) <= headDim, len(x) a multiple of headDim.")
	xp, end, stride, cp, sp, p := ropeArgs()
	j, lim, ptr := GP64(), GP64(), GP64()
	XORQ(j, j)
	MOVQ(p, lim)
	ANDQ(I32(-w.lanes), lim)

	chunk := func(st step, label string) {
		c := st.load(Mem{Base: cp, Index: j, Scale: elemSize})
		s := st.load(Mem{Base: sp, Index: j, Scale: elemSize})
		LEAQ(Mem{Base: xp, Index: j, Scale: elemSize}, ptr)
		overHeads(label, ptr, end, stride, func() {
			lo, hi := Mem{Base: ptr}, Mem{Base: ptr, Index: p, Scale: elemSize}
			r0, r1 := rotate(st, st.load(lo), st.load(hi), c, s)
			st.store(r0, lo)
			st.store(r1, hi)
		})
	}

	Label("chunk")
	CMPQ(j, lim)
	JAE(LabelRef("tail"))
	chunk(step{w: w}, "heads")
	ADDQ(U32(w.lanes), j)
	JMP(LabelRef("chunk"))

	Label("tail")
	if w.masked {
		CMPQ(j, p)
		JAE(LabelRef("done"))
		rem := GP64()
		MOVQ(p, rem)
		SUBQ(j, rem)
		chunk(step{w: w, k: maskOf(rem)}, "mheads")
	} else {
		Label("pair")
		CMPQ(j, p)
		JAE(LabelRef("done"))
		chunk(step{w: w, scalar: true}, "sheads")
		INCQ(j)
		JMP(LabelRef("pair"))
	}
	Label("done")
	VZEROUPPER()
	RET()
}

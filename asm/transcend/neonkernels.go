package main

import (
	"encoding/binary"
	"fmt"
	"strings"

	"github.com/batuta-go/stack/asm/internal/a64"
)

const neonTable = "transcendconst"

// writeNEON writes the NEON form of every kernel.
func writeNEON(c *consts, asmPath, stubsPath string) error {
	f := a64.NewFile("go run ./transcend")
	tbl := &neonConsts{off: map[uint64]int{}}
	// Lane masks for a partial vector of n = 0..3 floats, at 16·n.
	for n := 0; n < 4; n++ {
		b := make([]byte, 16)
		for j := 0; j < n; j++ {
			binary.LittleEndian.PutUint32(b[4*j:], 0xffffffff)
		}
		tbl.entry(keyIota+uint64(n), b)
	}
	for _, k := range kernels {
		neonKernel(f, k, c, tbl)
	}
	f.Data(neonTable, tbl.data)
	return f.Write(asmPath, stubsPath)
}

// neonFunc is the state of one NEON function being written.
type neonFunc struct {
	fn      *a64.Func
	k       *kernel
	p       *prog
	tbl     *neonConsts
	plan    neonPlan
	pinned  map[val]int
	scal    []int
	acc     []int // accumulators of the summing kernels
	top     int   // registers [top, 32) are pinned, scalars, accumulators
	nlabels int
}

// body starts an instance group of k with inputs v0..v(k-1).
func (nf *neonFunc) body(k int) (*neonBody, []int) {
	b := &neonBody{fn: nf.fn, p: nf.p, k: k, tbl: nf.tbl, pinned: nf.pinned, scal: nf.scal}
	for r := nf.top; r < neonVecs; r++ {
		b.busy[r] = true
	}
	in := make([]int, k)
	for u := range in {
		in[u] = b.alloc()
	}
	return b, in
}

func (nf *neonFunc) label(s string) string {
	nf.nlabels++
	return fmt.Sprintf("%s%d", s, nf.nlabels)
}

func regList(first, n int) string {
	var l []string
	for j := 0; j < n; j++ {
		l = append(l, fmt.Sprintf("V%d.S4", first+j))
	}
	return "[" + strings.Join(l, ", ") + "]"
}

func neonKernel(f *a64.File, k *kernel, c *consts, tbl *neonConsts) {
	nf := &neonFunc{k: k, tbl: tbl, pinned: map[val]int{}}
	if k.prog != nil {
		nf.p = k.prog(c)
	}
	nacc := 0
	if k.shape >= shapeSumTo {
		nacc = 4
	}
	reserved := nacc + len(k.scalars)
	nf.plan = planNEON(nf.p, reserved, tbl)
	nf.top = neonVecs
	for q := 0; q < nacc; q++ {
		nf.top--
		nf.acc = append(nf.acc, nf.top)
	}
	for range k.scalars {
		nf.top--
		nf.scal = append(nf.scal, nf.top)
	}
	for _, v := range nf.plan.pinned {
		nf.top--
		nf.pinned[v] = nf.top
	}

	doc := strings.Join(k.doc("NEON"), "\n")
	fn := f.Func(k.name+"NEON", k.sig(), doc)
	nf.fn = fn
	switch k.shape {
	case shapeMap, shapeInPlace:
		fn.Go("MOVD %s, R0", fn.Arg("dst_base"))
		if k.shape == shapeMap {
			fn.Go("MOVD %s, R1", fn.Arg("x_base"))
		} else {
			fn.Go("MOVD R0, R1")
		}
		fn.Go("MOVD %s, R2", fn.Arg("dst_len"))
	case shapeSumTo:
		fn.Go("MOVD %s, R0", fn.Arg("dst_base"))
		fn.Go("MOVD %s, R1", fn.Arg("x_base"))
		fn.Go("MOVD %s, R2", fn.Arg("x_len"))
	default:
		fn.Go("MOVD %s, R1", fn.Arg("x_base"))
		fn.Go("MOVD %s, R2", fn.Arg("x_len"))
	}
	fn.Go("MOVD $%s<>(SB), R3", neonTable)
	for i, s := range k.scalars {
		r := nf.scal[i]
		fn.Go("FMOVS %s, F%d", fn.Arg(s), r)
		fn.Op("dup v%d.4s, v%d.s[0]", r, r)
	}
	for _, v := range nf.plan.pinned {
		fn.Go("FMOVQ %d(R3), F%d", tbl.of(nf.p, v), nf.pinned[v])
	}
	switch k.shape {
	case shapeMap, shapeInPlace:
		nf.mapLoop()
	case shapeSumTo, shapeSum:
		nf.sumLoop()
	}
}

// group emits the 16 floats of a main-loop iteration as 4/k groups of k
// interleaved instances; each output goes to use(j, register), j the
// vector's index in the iteration.
func (nf *neonFunc) group(use func(j, r int)) {
	k := nf.plan.k
	for g := 0; g < 4/k; g++ {
		nf.fn.Go("VLD1.P %d(R1), %s", 16*k, regList(0, k))
		b, in := nf.body(k)
		for u, r := range b.run(in) {
			use(g*k+u, r)
		}
	}
}

func (nf *neonFunc) mapLoop() {
	fn := nf.fn
	fn.Label("loop")
	fn.Go("CMP $16, R2")
	fn.Go("BLT single")
	nf.group(func(_, r int) { fn.Go("VST1.P [V%d.S4], 16(R0)", r) })
	fn.Go("SUB $16, R2")
	fn.Go("B loop")

	fn.Label("single")
	fn.Go("CMP $4, R2")
	fn.Go("BLT tail")
	fn.Go("VLD1.P 16(R1), [V0.S4]")
	b, in := nf.body(1)
	fn.Go("VST1.P [V%d.S4], 16(R0)", b.run(in)[0])
	fn.Go("SUB $4, R2")
	fn.Go("B single")

	// The last 0..3 floats one at a time, in lane 0 (a scalar load clears
	// the other lanes; what the program computes there is not stored).
	fn.Label("tail")
	fn.Go("CBZ R2, done")
	fn.Go("FMOVS.P 4(R1), F0")
	b, in = nf.body(1)
	fn.Go("FMOVS.P F%d, 4(R0)", b.run(in)[0])
	fn.Go("SUB $1, R2")
	fn.Go("B tail")

	fn.Label("done")
	fn.Ret()
}

// sumLoop: the canonical 16-lane sum (see sumDoc) in four accumulators,
// lanes 0-3, 4-7, 8-11 and 12-15.
func (nf *neonFunc) sumLoop() {
	fn := nf.fn
	store := nf.k.shape == shapeSumTo
	for _, a := range nf.acc {
		fn.Op("movi v%d.16b, #0", a)
	}
	add := func(q, r int) { fn.Op("fadd v%d.4s, v%d.4s, v%d.4s", nf.acc[q], nf.acc[q], r) }

	fn.Label("loop")
	fn.Go("CMP $16, R2")
	fn.Go("BLT tail")
	nf.group(func(j, r int) {
		if store {
			fn.Go("VST1.P [V%d.S4], 16(R0)", r)
		}
		add(j, r)
	})
	fn.Go("SUB $16, R2")
	fn.Go("B loop")

	// The last 0..15 floats: whole vectors into accumulators 0, 1, 2,
	// then the partial one into the next.
	fn.Label("tail")
	for q := 0; q < 4; q++ {
		part := fmt.Sprintf("part%d", q)
		if q < 3 {
			fn.Go("CMP $4, R2")
			fn.Go("BLT %s", part)
			fn.Go("VLD1.P 16(R1), [V0.S4]")
			b, in := nf.body(1)
			r := b.run(in)[0]
			if store {
				fn.Go("VST1.P [V%d.S4], 16(R0)", r)
			}
			add(q, r)
			fn.Go("SUB $4, R2")
		}
		if q == 3 {
			fn.Label(part)
			nf.partial(q, store)
			fn.Go("B reduce")
		}
	}
	for q := 0; q < 3; q++ {
		fn.Label(fmt.Sprintf("part%d", q))
		nf.partial(q, store)
		fn.Go("B reduce")
	}

	fn.Label("reduce")
	a := nf.acc
	fn.Op("fadd v%d.4s, v%d.4s, v%d.4s", a[0], a[0], a[2]) // lanes j+8 into j
	fn.Op("fadd v%d.4s, v%d.4s, v%d.4s", a[1], a[1], a[3])
	fn.Op("fadd v%d.4s, v%d.4s, v%d.4s", a[0], a[0], a[1]) // j+4
	fn.Op("ext v0.16b, v%d.16b, v%d.16b, #8", a[0], a[0])
	fn.Op("fadd v%d.4s, v%d.4s, v0.4s", a[0], a[0]) // j+2
	fn.Op("faddp s0, v%d.2s", a[0])                 // j+1
	fn.Go("FMOVS F0, %s", fn.Arg("ret"))
	fn.Ret()
}

// partial handles the last 0..3 floats as one vector whose other lanes
// are 0, adding only lanes [0, n) into accumulator q.
func (nf *neonFunc) partial(q int, store bool) {
	fn := nf.fn
	fn.Go("CBZ R2, reduce")
	loaded, stored := nf.label("loaded"), nf.label("stored")
	fn.Go("FMOVS (R1), F0")
	for j := 1; j < 3; j++ {
		fn.Go("CMP $%d, R2", j+1)
		fn.Go("BLT %s", loaded)
		fn.Go("MOVWU %d(R1), R4", 4*j)
		fn.Go("VMOV R4, V0.S[%d]", j)
	}
	fn.Label(loaded)
	b, in := nf.body(1)
	r := b.run(in)[0]
	if store {
		fn.Go("FMOVS F%d, (R0)", r)
		for j := 1; j < 3; j++ {
			fn.Go("CMP $%d, R2", j+1)
			fn.Go("BLT %s", stored)
			fn.Go("VMOV V%d.S[%d], R4", r, j)
			fn.Go("MOVW R4, %d(R0)", 4*j)
		}
	}
	fn.Label(stored)
	m := b.alloc()
	fn.Go("ADD R2<<4, R3, R5")
	fn.Go("FMOVQ %d(R5), F%d", nf.tbl.off[keyIota], m)
	fn.Op("and v%d.16b, v%d.16b, v%d.16b", r, r, m)
	fn.Op("fadd v%d.4s, v%d.4s, v%d.4s", nf.acc[q], nf.acc[q], r)
}

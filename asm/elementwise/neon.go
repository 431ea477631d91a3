package main

import (
	"fmt"

	"github.com/batuta-go/stack/asm/internal/a64"
)

// NEON register plan. Unroll slot j (0..3) computes in v<j> and reads its
// second input from v<4+j>, so that the four vectors of an iteration are
// loaded and stored with one VLD1/VST1 of four consecutive registers; its
// temporaries are v<8+4k+j>. Broadcast scalars live from v16, constants
// from v20.
const (
	neonTemps   = 2
	neonScalars = 16
	neonKonsts  = 20
	neonMaxKon  = 4
)

// neon is the state of one NEON function being emitted.
type neon struct {
	fn     *a64.Func // nil during the dry run that collects the constants
	slot   int       // unroll slot whose registers temp returns
	konsts map[uint32]string
	order  []uint32 // konsts in order of first use
}

// op emits one GNU-syntax instruction.
func (e *neon) op(format string, args ...any) {
	if e.fn != nil {
		e.fn.Op(format, args...)
	}
}

// temp is temporary register k of the current unroll slot.
func (e *neon) temp(k int) string {
	if k >= neonTemps {
		panic(fmt.Sprintf("elementwise: NEON temporary %d of %d", k, neonTemps))
	}
	return fmt.Sprintf("v%d", 8+4*k+e.slot)
}

// konst is the register holding float32 bits c in every lane. The dry run
// of the body records which constants it asks for; the prologue then
// loads them before the loop.
func (e *neon) konst(c uint32) string {
	r, ok := e.konsts[c]
	if !ok {
		if e.fn != nil || len(e.konsts) == neonMaxKon {
			panic(fmt.Sprintf("elementwise: NEON constant %#08x not set up", c))
		}
		r = fmt.Sprintf("v%d", neonKonsts+len(e.konsts))
		e.konsts[c] = r
		e.order = append(e.order, c)
	}
	return r
}

// neonKernel emits o for NEON: four vectors (16 floats) per iteration, then
// single vectors, then single floats. It reads and writes nothing outside
// the slices, and handles every length, 0 included.
func neonKernel(f *a64.File, o op) {
	name := o.name + "NEON"
	s := make([]string, len(o.scalars))
	for i := range s {
		s[i] = fmt.Sprintf("v%d", neonScalars+i)
	}
	e := &neon{konsts: map[uint32]string{}}
	o.neon(e, "v0", "v4", s) // dry run

	e.fn = f.Func(name, o.sig, fmt.Sprintf("%s computes %s for every i, with NEON.", name, o.what))
	fn := e.fn
	fn.Go("MOVD %s, R0", fn.Arg("dst_base"))
	fn.Go("MOVD %s, R1", fn.Arg("dst_len"))
	ptr := make([]string, len(o.vecs))
	for i, p := range o.vecs {
		ptr[i] = fmt.Sprintf("R%d", 2+i)
		fn.Go("MOVD %s, %s", fn.Arg(p+"_base"), ptr[i])
	}
	for i, p := range o.scalars {
		fn.Go("FMOVS %s, F%d", fn.Arg(p), neonScalars+i)
		fn.Op("dup %s.4s, %s.s[0]", s[i], s[i])
	}
	for _, c := range e.order {
		fn.Go("MOVW $0x%08x, R4", c)
		fn.Op("dup %s.4s, w4", e.konsts[c])
	}
	body := func(slot int) {
		e.slot = slot
		y := ""
		if len(o.vecs) > 1 {
			y = fmt.Sprintf("v%d", 4+slot)
		}
		o.neon(e, fmt.Sprintf("v%d", slot), y, s)
	}
	list := func(first, n int) string {
		var l string
		for j := range n {
			if j > 0 {
				l += ", "
			}
			l += fmt.Sprintf("V%d.S4", first+j)
		}
		return "[" + l + "]"
	}

	fn.Label("loop4")
	fn.Go("CMP $%d, R1", unroll*4)
	fn.Go("BLT loop1")
	for i, p := range ptr {
		fn.Go("VLD1.P %d(%s), %s", unroll*16, p, list(4*i, unroll))
	}
	for j := range unroll {
		body(j)
	}
	fn.Go("VST1.P %s, %d(R0)", list(0, unroll), unroll*16)
	fn.Go("SUB $%d, R1", unroll*4)
	fn.Go("B loop4")

	fn.Label("loop1")
	fn.Go("CMP $4, R1")
	fn.Go("BLT tail")
	for i, p := range ptr {
		fn.Go("VLD1.P 16(%s), %s", p, list(4*i, 1))
	}
	body(0)
	fn.Go("VST1.P %s, 16(R0)", list(0, 1))
	fn.Go("SUB $4, R1")
	fn.Go("B loop1")

	// The last 0..3 floats one at a time, in lane 0 of the same registers
	// (a scalar load clears the other lanes; what the body computes there
	// is never stored).
	fn.Label("tail")
	fn.Go("CBZ R1, done")
	for i, p := range ptr {
		fn.Go("FMOVS.P 4(%s), F%d", p, 4*i)
	}
	body(0)
	fn.Go("FMOVS.P F0, 4(R0)")
	fn.Go("SUB $1, R1")
	fn.Go("B tail")

	fn.Label("done")
	fn.Ret()
}

// writeNEON writes the NEON kernels of every op.
func writeNEON(asmPath, stubsPath string) error {
	f := a64.NewFile("go run ./elementwise")
	for _, o := range ops {
		neonKernel(f, o)
	}
	return f.Write(asmPath, stubsPath)
}

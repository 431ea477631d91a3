package main

import (
	"github.com/mmcloughlin/avo/operand"
	"github.com/mmcloughlin/avo/reg"

	. "github.com/mmcloughlin/avo/build"
)

// op describes one element-wise kernel: dst[i] = f(x[i], y[i], scalars...).
// The same description drives the AVX2, AVX-512 and NEON code, so a kernel
// is written once per instruction set, never once per vector width.
type op struct {
	name    string   // the Go name of the kernel, without ISA suffix
	sig     string   // its Go signature; dst is always the first parameter
	what    string   // the loop it computes, for the doc comment
	vecs    []string // slice inputs; the first is loaded into the result register
	scalars []string // float32 parameters, broadcast into vectors before the loop
	consts  []uint32 // float32 bit patterns the x86 body uses, broadcast before the loop

	// amd64 emits the operation on one vector: v holds vecs[0] and receives
	// the result; y is vecs[1] (a register or a memory operand; nil for a
	// single input); s are the broadcast scalars, in order.
	amd64 func(e *amd64, v reg.VecVirtual, y operand.Op, s []reg.VecVirtual)

	// neon emits the operation on the 4-lane registers v (holding vecs[0],
	// receiving the result) and y (vecs[1], if any), with the broadcast
	// scalars s, as GNU-syntax instructions through e.
	neon func(e *neon, v, y string, s []string)
}

// binary is an op dst[i] = x[i] OP y[i], the instruction f on x86 and the
// instruction named neonOp on NEON.
func binary(name, sym string, f func(y, v operand.Op), neonOp string) op {
	return op{
		name: name,
		sig:  "func(dst, x, y []float32)",
		what: "dst[i] = x[i] " + sym + " y[i]",
		vecs: []string{"x", "y"},
		amd64: func(e *amd64, v reg.VecVirtual, y operand.Op, s []reg.VecVirtual) {
			f(y, v)
		},
		neon: func(e *neon, v, y string, s []string) {
			e.op("%s %s.4s, %s.4s, %s.4s", neonOp, v, v, y)
		},
	}
}

// unary is an op dst[i] = f(x[i]): f on x86, with the given constants at
// hand, and g on NEON.
func unary(name, what string, consts []uint32, f func(e *amd64, v reg.VecVirtual), g func(e *neon, v string)) op {
	return op{
		name:   name,
		sig:    "func(dst, x []float32)",
		what:   what,
		vecs:   []string{"x"},
		consts: consts,
		amd64: func(e *amd64, v reg.VecVirtual, y operand.Op, s []reg.VecVirtual) {
			f(e, v)
		},
		neon: func(e *neon, v, y string, s []string) {
			g(e, v)
		},
	}
}

const (
	f32Zero    = 0x00000000
	f32One     = 0x3f800000
	f32Sign    = 0x80000000
	f32NotSign = 0x7fffffff
)

// ops is every element-wise kernel. Go operand order throughout the x86
// bodies: the last operand is the destination, and "VSUBPS a, b, d"
// computes d = b - a. NEON bodies are GNU syntax, destination first.
var ops = []op{
	binary("addTo", "+", func(y, v operand.Op) { VADDPS(y, v, v) }, "fadd"),
	binary("subTo", "-", func(y, v operand.Op) { VSUBPS(y, v, v) }, "fsub"),
	binary("mulTo", "*", func(y, v operand.Op) { VMULPS(y, v, v) }, "fmul"),
	binary("divTo", "/", func(y, v operand.Op) { VDIVPS(y, v, v) }, "fdiv"),
	{
		name:    "scaleTo",
		sig:     "func(dst []float32, a float32, x []float32)",
		what:    "dst[i] = a * x[i]",
		vecs:    []string{"x"},
		scalars: []string{"a"},
		amd64: func(e *amd64, v reg.VecVirtual, y operand.Op, s []reg.VecVirtual) {
			VMULPS(s[0], v, v)
		},
		neon: func(e *neon, v, y string, s []string) {
			e.op("fmul %s.4s, %s.4s, %s.4s", v, v, s[0])
		},
	},
	{
		name:    "addConstTo",
		sig:     "func(dst []float32, c float32, x []float32)",
		what:    "dst[i] = x[i] + c",
		vecs:    []string{"x"},
		scalars: []string{"c"},
		amd64: func(e *amd64, v reg.VecVirtual, y operand.Op, s []reg.VecVirtual) {
			VADDPS(s[0], v, v)
		},
		neon: func(e *neon, v, y string, s []string) {
			e.op("fadd %s.4s, %s.4s, %s.4s", v, v, s[0])
		},
	},
	{
		name:    "axpyTo",
		sig:     "func(dst []float32, a float32, x, y []float32)",
		what:    "dst[i] = float32(a*x[i]) + y[i] (two roundings, no FMA)",
		vecs:    []string{"x", "y"},
		scalars: []string{"a"},
		amd64: func(e *amd64, v reg.VecVirtual, y operand.Op, s []reg.VecVirtual) {
			VMULPS(s[0], v, v)
			VADDPS(y, v, v)
		},
		neon: func(e *neon, v, y string, s []string) {
			e.op("fmul %s.4s, %s.4s, %s.4s", v, v, s[0])
			e.op("fadd %s.4s, %s.4s, %s.4s", v, v, y)
		},
	},
	// FABS and FNEG only touch the sign bit, NaNs included.
	unary("absTo", "dst[i] = |x[i]| (sign bit cleared)", []uint32{f32NotSign}, func(e *amd64, v reg.VecVirtual) {
		VANDPS(e.konst(f32NotSign), v, v)
	}, func(e *neon, v string) {
		e.op("fabs %s.4s, %s.4s", v, v)
	}),
	unary("negTo", "dst[i] = -x[i] (sign bit flipped)", []uint32{f32Sign}, func(e *amd64, v reg.VecVirtual) {
		VXORPS(e.konst(f32Sign), v, v)
	}, func(e *neon, v string) {
		e.op("fneg %s.4s, %s.4s", v, v)
	}),
	unary("sqrtTo", "dst[i] = sqrt(x[i]) (IEEE, correctly rounded)", nil, func(e *amd64, v reg.VecVirtual) {
		VSQRTPS(v, v)
	}, func(e *neon, v string) {
		e.op("fsqrt %s.4s, %s.4s", v, v)
	}),
	unary("recipTo", "dst[i] = 1 / x[i] (IEEE division)", []uint32{f32One}, func(e *amd64, v reg.VecVirtual) {
		VDIVPS(v, e.konst(f32One), v)
	}, func(e *neon, v string) {
		e.op("fdiv %s.4s, %s.4s, %s.4s", v, e.konst(f32One), v)
	}),
	// MAXPS b, a, d is exactly d = a > b ? a : b, which keeps a NaN or a
	// zero of b: the reference's "if x < 0 { x = 0 }". NEON's FMAX would
	// turn -0 into +0, so there a compare clears the negative lanes.
	unary("reluTo", "dst[i] = x[i] < 0 ? 0 : x[i]", []uint32{f32Zero}, func(e *amd64, v reg.VecVirtual) {
		VMAXPS(v, e.konst(f32Zero), v)
	}, func(e *neon, v string) {
		m := e.temp(0)
		e.op("fcmlt %s.4s, %s.4s, #0.0", m, v)
		e.op("bic %s.16b, %s.16b, %s.16b", v, v, m)
	}),
	{
		name:    "clampTo",
		sig:     "func(dst, x []float32, lo, hi float32)",
		what:    "v := x[i]; if v < lo { v = lo }; if v > hi { v = hi }; dst[i] = v",
		vecs:    []string{"x"},
		scalars: []string{"lo", "hi"},
		// lo > v ? lo : v, then hi < v ? hi : v, as MAXPS and MINPS define
		// them (the second source wins on NaN and on equal zeros).
		amd64: func(e *amd64, v reg.VecVirtual, y operand.Op, s []reg.VecVirtual) {
			VMAXPS(v, s[0], v)
			VMINPS(v, s[1], v)
		},
		// The same with compares (false on NaN) and bit inserts: NEON's
		// FMAX and FMIN propagate NaNs and order the zeros.
		neon: func(e *neon, v, y string, s []string) {
			m := e.temp(0)
			e.op("fcmgt %s.4s, %s.4s, %s.4s", m, s[0], v)
			e.op("bit %s.16b, %s.16b, %s.16b", v, s[0], m)
			e.op("fcmgt %s.4s, %s.4s, %s.4s", m, v, s[1])
			e.op("bit %s.16b, %s.16b, %s.16b", v, s[1], m)
		},
	},
	{
		name:    "leakyReLUTo",
		sig:     "func(dst, x []float32, alpha float32)",
		what:    "dst[i] = x[i] > 0 ? x[i] : alpha*x[i]",
		vecs:    []string{"x"},
		scalars: []string{"alpha"},
		consts:  []uint32{f32Zero},
		amd64: func(e *amd64, v reg.VecVirtual, y operand.Op, s []reg.VecVirtual) {
			t := e.w.vec()
			VMULPS(s[0], v, t)
			e.w.selectGT(v, e.konst(f32Zero), v, t, v)
		},
		neon: func(e *neon, v, y string, s []string) {
			t, m := e.temp(0), e.temp(1)
			e.op("fmul %s.4s, %s.4s, %s.4s", t, v, s[0])
			e.op("fcmgt %s.4s, %s.4s, #0.0", m, v)
			e.op("bif %s.16b, %s.16b, %s.16b", v, t, m)
		},
	},
}

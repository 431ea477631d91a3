package main

import (
	"encoding/binary"
	"fmt"

	"github.com/batuta-go/stack/asm/internal/a64"
)

// The NEON kernels follow the same three templates as the AVX ones, with
// 4-lane vectors. NEON has no masked loads, so the last len%4 elements are
// folded in one at a time with scalar instructions after the lanes are
// reduced; and NEON's FMIN/FMAX already are Go's min/max (NaN wins, −0 <
// +0), so the selecting kernels need no operand-order tricks.
//
// Registers: R0, R1 the input pointers, R2 the count left; V0–V15 loaded
// data, V16–V23 accumulators, V24–V31 constants and scratch.

// neonSumming is the NEON face of a summing kernel: vec adds the terms of
// the vector v (and w, the second input) to accumulator acc, in GNU syntax
// (c is v30, the broadcast scalar, and v may be overwritten); scalar does
// the same for one element in F0 (and F8) into F16, in Go syntax.
type neonSumming struct {
	vec    func(fn *a64.Func, acc, v, w int)
	scalar func(fn *a64.Func)
}

var neonSummingKernels = map[string]neonSumming{
	"sum": {
		vec:    func(fn *a64.Func, acc, v, _ int) { fn.Op("fadd v%d.4s, v%d.4s, v%d.4s", acc, acc, v) },
		scalar: func(fn *a64.Func) { fn.Go("FADDS F0, F16, F16") },
	},
	"asum": {
		vec: func(fn *a64.Func, acc, v, _ int) {
			fn.Op("fabs v%d.4s, v%d.4s", v, v)
			fn.Op("fadd v%d.4s, v%d.4s, v%d.4s", acc, acc, v)
		},
		scalar: func(fn *a64.Func) {
			fn.Go("FABSS F0, F0")
			fn.Go("FADDS F0, F16, F16")
		},
	},
	"dot": {
		vec:    func(fn *a64.Func, acc, v, w int) { fn.Op("fmla v%d.4s, v%d.4s, v%d.4s", acc, v, w) },
		scalar: func(fn *a64.Func) { fn.Go("FMADDS F8, F16, F0, F16") },
	},
	"sumSq": {
		vec:    func(fn *a64.Func, acc, v, _ int) { fn.Op("fmla v%d.4s, v%d.4s, v%d.4s", acc, v, v) },
		scalar: func(fn *a64.Func) { fn.Go("FMADDS F0, F16, F0, F16") },
	},
	"sumSqScaled": {
		vec: func(fn *a64.Func, acc, v, _ int) {
			fn.Op("fmul v%d.4s, v%d.4s, v30.4s", v, v)
			fn.Op("fmla v%d.4s, v%d.4s, v%d.4s", acc, v, v)
		},
		scalar: func(fn *a64.Func) {
			fn.Go("FMULS F30, F0, F0")
			fn.Go("FMADDS F0, F16, F0, F16")
		},
	},
	"sumSqDev": {
		vec: func(fn *a64.Func, acc, v, _ int) {
			fn.Op("fsub v%d.4s, v%d.4s, v30.4s", v, v)
			fn.Op("fmla v%d.4s, v%d.4s, v%d.4s", acc, v, v)
		},
		scalar: func(fn *a64.Func) {
			fn.Go("FSUBS F30, F0, F0")
			fn.Go("FMADDS F0, F16, F0, F16")
		},
	},
}

// neonSelecting is the NEON face of a selecting kernel: the initial
// accumulator (bits of a float32), the lane operation, its across-lanes
// form, and the scalar one for the tail (on F0 into F16).
type neonSelecting struct {
	init       uint32
	abs        bool
	op, across string
	scalar     string
}

var neonSelectingKernels = map[string]neonSelecting{
	"minimum": {init: 0x7f800000, op: "fmin", across: "fminv", scalar: "FMINS"},
	"maximum": {init: 0xff800000, op: "fmax", across: "fmaxv", scalar: "FMAXS"},
	"absMax":  {init: 0, abs: true, op: "fmax", across: "fmaxv", scalar: "FMAXS"},
}

func genNEON(asmPath, stubsPath string) error {
	if asmPath == "" && stubsPath == "" {
		return nil
	}
	f := a64.NewFile("go run ./reduce")
	lanes := make([]byte, 4*16)
	for i := 0; i < 16; i++ {
		binary.LittleEndian.PutUint32(lanes[4*i:], uint32(i))
	}
	laneSym := f.Data("reducelane", lanes)
	for _, k := range summingKernels {
		neonSum(f, k, neonSummingKernels[k.name])
	}
	for _, s := range selectingKernels {
		neonSelect(f, s, neonSelectingKernels[s.name])
	}
	neonArg(f, false, laneSym)
	neonArg(f, true, laneSym)
	return f.Write(asmPath, stubsPath)
}

// neonSum emits a summing kernel: 8 vectors per iteration into 8
// accumulators (V16–V23), then one vector at a time, then the pairwise sum
// of the accumulators and of the lanes, then the last len%4 elements.
func neonSum(f *a64.File, k summing, n neonSumming) {
	name := k.name + "NEON"
	fn := f.Func(name, k.sig, fmt.Sprintf("%s %s", name, k.doc))
	two := len(k.inputs) == 2
	fn.Go("MOVD %s, R0", fn.Arg("x_base"))
	if two {
		fn.Go("MOVD %s, R1", fn.Arg("y_base"))
	}
	fn.Go("MOVD %s, R2", fn.Arg("x_len"))
	if k.scalar != "" {
		fn.Go("FMOVS %s, F30", fn.Arg(k.scalar))
		fn.Op("dup v30.4s, v30.s[0]")
	}
	for j := 16; j < 24; j++ {
		fn.Go("VEOR V%d.B16, V%d.B16, V%d.B16", j, j, j)
	}
	fn.Go("CMP $32, R2")
	fn.Go("BLT single")
	fn.Label("unrolled")
	fn.Go("VLD1.P 64(R0), [V0.S4, V1.S4, V2.S4, V3.S4]")
	fn.Go("VLD1.P 64(R0), [V4.S4, V5.S4, V6.S4, V7.S4]")
	if two {
		fn.Go("VLD1.P 64(R1), [V8.S4, V9.S4, V10.S4, V11.S4]")
		fn.Go("VLD1.P 64(R1), [V12.S4, V13.S4, V14.S4, V15.S4]")
	}
	for j := 0; j < 8; j++ {
		n.vec(fn, 16+j, j, 8+j)
	}
	fn.Go("SUB $32, R2")
	fn.Go("CMP $32, R2")
	fn.Go("BGE unrolled")

	fn.Label("single")
	fn.Go("CMP $4, R2")
	fn.Go("BLT fold")
	fn.Go("VLD1.P 16(R0), [V0.S4]")
	if two {
		fn.Go("VLD1.P 16(R1), [V8.S4]")
	}
	n.vec(fn, 16, 0, 8)
	fn.Go("SUB $4, R2")
	fn.Go("B single")

	fn.Label("fold")
	for s := 1; s < 8; s *= 2 {
		for j := 0; j+s < 8; j += 2 * s {
			fn.Op("fadd v%d.4s, v%d.4s, v%d.4s", 16+j, 16+j, 16+j+s)
		}
	}
	fn.Op("faddp v16.4s, v16.4s, v16.4s")
	fn.Op("faddp s16, v16.2s")
	fn.Go("CBZ R2, done")
	fn.Label("tail")
	fn.Go("FMOVS.P 4(R0), F0")
	if two {
		fn.Go("FMOVS.P 4(R1), F8")
	}
	n.scalar(fn)
	fn.Go("SUB $1, R2")
	fn.Go("CBNZ R2, tail")
	fn.Label("done")
	fn.Go("FMOVS F16, %s", fn.Arg("ret"))
	fn.Ret()
}

// neonSelect emits Min, Max or LInf: 4 accumulators (V16–V19) of 4
// vectors per iteration, then one vector at a time, then the accumulators
// and lanes folded with the same operation, then the scalar tail.
func neonSelect(f *a64.File, s selecting, n neonSelecting) {
	name := s.name + "NEON"
	fn := f.Func(name, "func(x []float32) float32", fmt.Sprintf("%s %s", name, s.doc))
	fn.Go("MOVD %s, R0", fn.Arg("x_base"))
	fn.Go("MOVD %s, R2", fn.Arg("x_len"))
	fn.Go("MOVW $0x%08x, R3", n.init)
	for j := 16; j < 20; j++ {
		fn.Op("dup v%d.4s, w3", j)
	}
	vec := func(acc, v int) {
		if n.abs {
			fn.Op("fabs v%d.4s, v%d.4s", v, v)
		}
		fn.Op("%s v%d.4s, v%d.4s, v%d.4s", n.op, acc, acc, v)
	}
	fn.Go("CMP $16, R2")
	fn.Go("BLT single")
	fn.Label("unrolled")
	fn.Go("VLD1.P 64(R0), [V0.S4, V1.S4, V2.S4, V3.S4]")
	for j := 0; j < 4; j++ {
		vec(16+j, j)
	}
	fn.Go("SUB $16, R2")
	fn.Go("CMP $16, R2")
	fn.Go("BGE unrolled")

	fn.Label("single")
	fn.Go("CMP $4, R2")
	fn.Go("BLT fold")
	fn.Go("VLD1.P 16(R0), [V0.S4]")
	vec(16, 0)
	fn.Go("SUB $4, R2")
	fn.Go("B single")

	fn.Label("fold")
	fn.Op("%s v16.4s, v16.4s, v17.4s", n.op)
	fn.Op("%s v18.4s, v18.4s, v19.4s", n.op)
	fn.Op("%s v16.4s, v16.4s, v18.4s", n.op)
	fn.Op("%s s16, v16.4s", n.across)
	fn.Go("CBZ R2, done")
	fn.Label("tail")
	fn.Go("FMOVS.P 4(R0), F0")
	if n.abs {
		fn.Go("FABSS F0, F0")
	}
	fn.Go("%s F0, F16, F16", n.scalar)
	fn.Go("SUB $1, R2")
	fn.Go("CBNZ R2, tail")
	fn.Label("done")
	fn.Go("FMOVS F16, %s", fn.Arg("ret"))
	fn.Ret()
}

// neonArg emits argmin (max false) or argmax. Each of 4 slots keeps, per
// lane, the running minimum (V16–V19, with FMIN, so a NaN sticks in it)
// and the index of the vector in which the lane first met a value strictly
// below its minimum so far (V20–V23, from the block index in V24). A NaN
// anywhere leaves a NaN in a running minimum and the kernel returns -1.
// Otherwise the smallest index among the lanes whose minimum equals the
// overall one wins, and the last len%4 elements are compared with it one
// at a time.
func neonArg(f *a64.File, max bool, laneSym string) {
	name, op, across, init := "argmin", "fmin", "fminv", uint32(0x7f800000)
	if max {
		name, op, across, init = "argmax", "fmax", "fmaxv", 0xff800000
	}
	fn := f.Func(name+"NEON", "func(x []float32) int",
		fmt.Sprintf("%sNEON returns the index of the first %s of x, 0 for an empty x, or -1 when x holds a NaN.",
			name, map[bool]string{false: "minimum", true: "maximum"}[max]))
	// better sets the predicate vC to "v beats the slot's best".
	better := func(c, best, v int) {
		if max {
			fn.Op("fcmgt v%d.4s, v%d.4s, v%d.4s", c, v, best)
		} else {
			fn.Op("fcmgt v%d.4s, v%d.4s, v%d.4s", c, best, v)
		}
	}
	fn.Go("MOVD %s, R0", fn.Arg("x_base"))
	fn.Go("MOVD %s, R2", fn.Arg("x_len"))
	fn.Go("MOVW $0x%08x, R3", init)
	fn.Go("MOVW $0x%08x, R4", hugeIndex)
	for j := 0; j < 4; j++ {
		fn.Op("dup v%d.4s, w3", 16+j)
		fn.Op("dup v%d.4s, w4", 20+j)
	}
	fn.Go("VEOR V24.B16, V24.B16, V24.B16")
	fn.Go("MOVW $16, R3")
	fn.Op("dup v25.4s, w3")
	fn.Go("MOVW $4, R3")
	fn.Op("dup v26.4s, w3")
	visit := func(j, v int) {
		better(8+j, 16+j, v)
		fn.Op("%s v%d.4s, v%d.4s, v%d.4s", op, 16+j, 16+j, v)
		fn.Op("bit v%d.16b, v24.16b, v%d.16b", 20+j, 8+j)
	}
	fn.Go("CMP $16, R2")
	fn.Go("BLT single")
	fn.Label("unrolled")
	fn.Go("VLD1.P 64(R0), [V0.S4, V1.S4, V2.S4, V3.S4]")
	for j := 0; j < 4; j++ {
		visit(j, j)
	}
	fn.Op("add v24.4s, v24.4s, v25.4s")
	fn.Go("SUB $16, R2")
	fn.Go("CMP $16, R2")
	fn.Go("BGE unrolled")

	fn.Label("single")
	fn.Go("CMP $4, R2")
	fn.Go("BLT fold")
	fn.Go("VLD1.P 16(R0), [V0.S4]")
	visit(0, 0)
	fn.Op("add v24.4s, v24.4s, v26.4s")
	fn.Go("SUB $4, R2")
	fn.Go("B single")

	fn.Label("fold")
	// The best value over all lanes, NaN if any was met.
	fn.Op("%s v27.4s, v16.4s, v17.4s", op)
	fn.Op("%s v28.4s, v18.4s, v19.4s", op)
	fn.Op("%s v27.4s, v27.4s, v28.4s", op)
	fn.Op("%s s27, v27.4s", across)
	fn.Go("FCMPS F27, F27")
	fn.Go("BVS hasnan")
	fn.Op("dup v28.4s, v27.s[0]")
	// The smallest element index among the lanes holding it.
	fn.Go("MOVD $%s, R3", laneSym)
	fn.Go("VLD1 (R3), [V0.S4, V1.S4, V2.S4, V3.S4]")
	fn.Go("MOVW $0x7fffffff, R3")
	fn.Op("dup v29.4s, w3")
	fn.Op("mov v31.16b, v29.16b")
	for j := 0; j < 4; j++ {
		fn.Op("add v%d.4s, v%d.4s, v%d.4s", 20+j, 20+j, j)
		fn.Op("fcmeq v8.4s, v%d.4s, v28.4s", 16+j)
		fn.Op("mov v9.16b, v29.16b")
		fn.Op("bit v9.16b, v%d.16b, v8.16b", 20+j)
		fn.Op("smin v31.4s, v31.4s, v9.4s")
	}
	fn.Op("sminv s31, v31.4s")
	fn.Op("umov w5, v31.s[0]")
	// The tail, one element at a time; R6 is the index of the next one.
	fn.Go("CBZ R2, done")
	fn.Go("MOVD %s, R6", fn.Arg("x_len"))
	fn.Go("SUB R2, R6, R6")
	fn.Label("tail")
	fn.Go("FMOVS.P 4(R0), F0")
	fn.Go("FCMPS F0, F0")
	fn.Go("BVS hasnan")
	fn.Go("FCMPS F27, F0")
	if max {
		fn.Go("BLE next")
	} else {
		fn.Go("BPL next")
	}
	fn.Go("FMOVS F0, F27")
	fn.Go("MOVD R6, R5")
	fn.Label("next")
	fn.Go("ADD $1, R6")
	fn.Go("SUB $1, R2")
	fn.Go("CBNZ R2, tail")
	fn.Label("done")
	// No lane and no tail element ever beat the initial ±Inf: every
	// element equals it, and the first one is the answer.
	fn.Go("MOVW $0x%08x, R3", hugeIndex)
	fn.Go("CMP R3, R5")
	fn.Go("CSEL LT, R5, ZR, R5")
	fn.Go("MOVD R5, %s", fn.Arg("ret"))
	fn.Ret()
	fn.Label("hasnan")
	fn.Go("MOVD $-1, R5")
	fn.Go("MOVD R5, %s", fn.Arg("ret"))
	fn.Ret()
}

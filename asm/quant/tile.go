package main

import (
	"fmt"

	"github.com/mmcloughlin/avo/ir"

	. "github.com/mmcloughlin/avo/build"
	. "github.com/mmcloughlin/avo/operand"
	. "github.com/mmcloughlin/avo/reg"
)

// The tile kernels of MatMat (AVX-512 VNNI): 16 weight rows, repacked so
// that each int32 lane of a ZMM register belongs to one row (see
// trueno/quant/tile.go for the layouts), against a group of activation
// rows. Per 32 values the eight level vectors are loaded once; each
// activation's four bytes at a time are broadcast from memory into
// VPDPBUSD (levels unsigned, activations signed), so a weight block is
// unpacked once for all activation rows and an activation load serves 16
// weight rows. The kernels write out[16c + r] for activation c, row r.

// bcst emits op with a broadcast 32-bit memory operand m: dst = op(m, src1,
// dst), in Go operand order.
func bcst(op string, m Mem, src1, dst VecPhysical) {
	Instruction(&ir.Instruction{Opcode: op + ".BCST", Operands: []Op{m, src1, dst}, Inputs: []Op{m, src1, dst}, Outputs: []Op{dst}})
}

func tileHeader(name, doc string) {
	TEXT(name, NOSPLIT, "func(nb int, w, a []byte, out []float32)")
	Pragma("noescape")
	Doc(name + " " + doc)
	Load(Param("nb"), RCX)
	Load(Param("w").Base(), RSI)
	Load(Param("a").Base(), RDI)
	Load(Param("out").Base(), RDX)
}

func zregs(from, n int) []VecPhysical {
	all := []VecPhysical{Z0, Z1, Z2, Z3, Z4, Z5, Z6, Z7, Z8, Z9, Z10, Z11, Z12, Z13, Z14, Z15,
		Z16, Z17, Z18, Z19, Z20, Z21, Z22, Z23, Z24, Z25, Z26, Z27, Z28, Z29, Z30, Z31}
	return all[from : from+n]
}

// tileStore writes the float accumulators to out and returns.
func tileStore(F []VecPhysical) {
	for c, f := range F {
		VMOVUPS(f, Mem{Base: RDX, Disp: 64 * c})
	}
	VZEROUPPER()
	RET()
}

// emitTile32 writes the kernel of the 32-value types (Q4_0, Q8_0): per
// block, the panel's 8 level vectors and 16 scales, the group's C×32
// quants, C offset corrections (int32) and C scales.
func emitTile32(C int) {
	name := "tile32AVX512VNNI"
	tileHeader(name, fmt.Sprintf("is tileGeneric for Q4_0 and Q8_0: out[16c + r] = Σ over nb blocks of (levels of panel row r · quants of activation c + correction c) · scale r · scale c, for c < %d.", C))
	W := zregs(0, 8)
	dx := Z8
	T := []VecPhysical{Z9, Z26}
	I := zregs(10, C)
	F := zregs(10+C, C)
	for _, f := range F {
		VPXORD(f, f, f)
	}
	Label("loop")
	for j, w := range W {
		VMOVDQU64(Mem{Base: RSI, Disp: 64 * j}, w)
	}
	VMOVUPS(Mem{Base: RSI, Disp: 512}, dx)
	for c, i := range I {
		VPBROADCASTD(Mem{Base: RDI, Disp: 32*C + 4*c}, i)
	}
	for j, w := range W {
		for c, i := range I {
			bcst("VPDPBUSD", Mem{Base: RDI, Disp: 32*c + 4*j}, w, i)
		}
	}
	for c, i := range I {
		t := T[c%2]
		VCVTDQ2PS(i, i)
		VMULPS_BCST(Mem{Base: RDI, Disp: 36*C + 4*c}, dx, t)
		VFMADD231PS(t, i, F[c])
	}
	ADDQ(U32(576), RSI)
	ADDQ(U32(40*C), RDI)
	DECQ(RCX)
	JNZ(LabelRef("loop"))
	tileStore(F)
}

// emitTileQ4_K writes the Q4_K kernel: per super-block and sub-block j,
// the exact sum Σ levels·quants times the sub-block scale (VPMULLD) into
// int32 lanes; the mins against the activation's 32-value sums by
// VPDPWSSD on int16 pairs; then d·dy and dmin·dy once per super-block.
func emitTileQ4_K(C int) {
	name := "tileQ4_KAVX512VNNI"
	tileHeader(name, fmt.Sprintf("is tileGeneric for Q4_K: out[16c + r] = panel row r · activation c, for c < %d.", C))
	W := zregs(0, 8)
	T := zregs(8, C)
	I := zregs(8+C, C)
	F := zregs(8+2*C, C)
	sc := Z28
	tmp := []VecPhysical{Z29, Z30}
	for _, f := range F {
		VPXORD(f, f, f)
	}
	Label("loop")
	for _, i := range I {
		VPXORD(i, i, i)
	}
	for j := range 8 {
		for jj, w := range W {
			VMOVDQU64(Mem{Base: RSI, Disp: 512*j + 64*jj}, w)
		}
		for _, t := range T {
			VPXORD(t, t, t)
		}
		for jj, w := range W {
			for c, t := range T {
				bcst("VPDPBUSD", Mem{Base: RDI, Disp: 256*c + 32*j + 4*jj}, w, t)
			}
		}
		VMOVDQU64(Mem{Base: RSI, Disp: 4096 + 64*j}, sc)
		for c, t := range T {
			VPMULLD(sc, t, t)
			VPADDD(t, I[c], I[c])
		}
	}
	// Σ m_j · (32-value sums of the activation), two sub-blocks per lane.
	for k := range 4 {
		VMOVDQU64(Mem{Base: RSI, Disp: 4608 + 64*k}, W[k])
	}
	for _, t := range T {
		VPXORD(t, t, t)
	}
	for k := range 4 {
		for c, t := range T {
			bcst("VPDPWSSD", Mem{Base: RDI, Disp: 256*C + 16*c + 4*k}, W[k], t)
		}
	}
	VMOVUPS(Mem{Base: RSI, Disp: 4864}, W[4]) // d
	VMOVUPS(Mem{Base: RSI, Disp: 4928}, W[5]) // dmin
	for c := range C {
		dy := Mem{Base: RDI, Disp: 272*C + 4*c}
		VCVTDQ2PS(I[c], I[c])
		VCVTDQ2PS(T[c], T[c])
		VMULPS_BCST(dy, W[4], tmp[0])
		VMULPS_BCST(dy, W[5], tmp[1])
		VFMADD231PS(tmp[0], I[c], F[c])
		VFNMADD231PS(tmp[1], T[c], F[c])
	}
	ADDQ(U32(4992), RSI)
	ADDQ(U32(276*C), RDI)
	DECQ(RCX)
	JNZ(LabelRef("loop"))
	tileStore(F)
}

// emitTileQ6_K writes the Q6_K kernel: per 16-value sub-block j, the lanes
// start at the activation's −32·Σquants (the level offset), gain Σ
// levels·quants and are multiplied by the sub-block scale (VPMULLD); d·dy
// once per super-block.
func emitTileQ6_K(C int) {
	name := "tileQ6_KAVX512VNNI"
	tileHeader(name, fmt.Sprintf("is tileGeneric for Q6_K: out[16c + r] = panel row r · activation c, for c < %d.", C))
	W := zregs(0, 8)
	T := zregs(8, C)
	I := zregs(8+C, C)
	F := zregs(8+2*C, C)
	sc := Z28
	tmp := []VecPhysical{Z29, Z30}
	for _, f := range F {
		VPXORD(f, f, f)
	}
	Label("loop")
	for _, i := range I {
		VPXORD(i, i, i)
	}
	for s := range 8 {
		for jj, w := range W {
			VMOVDQU64(Mem{Base: RSI, Disp: 512*s + 64*jj}, w)
		}
		for h := range 2 {
			j := 2*s + h
			for c, t := range T {
				VPBROADCASTD(Mem{Base: RDI, Disp: 256*C + 64*c + 4*j}, t)
			}
			for jj := 4 * h; jj < 4*h+4; jj++ {
				for c, t := range T {
					bcst("VPDPBUSD", Mem{Base: RDI, Disp: 256*c + 32*s + 4*jj}, W[jj], t)
				}
			}
			VMOVDQU64(Mem{Base: RSI, Disp: 4096 + 64*j}, sc)
			for c, t := range T {
				VPMULLD(sc, t, t)
				VPADDD(t, I[c], I[c])
			}
		}
	}
	VMOVUPS(Mem{Base: RSI, Disp: 5120}, W[0]) // d
	for c := range C {
		t := tmp[c%2]
		VCVTDQ2PS(I[c], I[c])
		VMULPS_BCST(Mem{Base: RDI, Disp: 320*C + 4*c}, W[0], t)
		VFMADD231PS(t, I[c], F[c])
	}
	ADDQ(U32(5184), RSI)
	ADDQ(U32(324*C), RDI)
	DECQ(RCX)
	JNZ(LabelRef("loop"))
	tileStore(F)
}

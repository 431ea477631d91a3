package main

import (
	"github.com/mmcloughlin/avo/ir"

	. "github.com/mmcloughlin/avo/build"
	. "github.com/mmcloughlin/avo/operand"
	. "github.com/mmcloughlin/avo/reg"
)

// The AVX-512 VNNI Q8_0 and Q4_0 kernels of the matrix products, which
// meet the same activation row once per weight row: pre holds, for each
// pair of activation blocks (preStride bytes), 16 int32 lanes that start
// the block sums (the offset term −128·Σy or −8·Σy in the first lane of
// each block's eight, zeros elsewhere), 16 float32 lanes of the activation
// scales (dy of each block, eight times) and the two blocks' 64 quants
// side by side. An odd last block takes the single-block path.

const preStride = 192

func emitPre(q4 bool) {
	name, xb, generic := "dotQ8_0PreAVX512VNNI", 34, "dotQ8_0Generic: Q8_0 row x times Q8_0 row y"
	if q4 {
		name, xb, generic = "dotQ4_0PreAVX512VNNI", 18, "dotQ4_0Generic: Q4_0 row x times Q8_0 row y"
	}
	m := mode{"AVX512VNNI", 2}
	TEXT(name, NOSPLIT, "func(n int, x, y, pre []byte) float32")
	Pragma("noescape")
	Doc(name + " is " + generic + ", n values, with y's block sums and scales precomputed in pre (prepareQ8_0).")
	Load(Param("n"), RCX)
	Load(Param("x").Base(), RSI)
	Load(Param("y").Base(), RDI)
	Load(Param("pre").Base(), R8)
	SHRQ(U8(5), RCX)
	VXORPS(acc, acc, acc)
	VXORPS(Z0, Z0, Z0)
	if q4 {
		splat(0x0f0f0f0f, c1)
		splat(0x08080808, c2)
	} else {
		splat(0x80808080, c1)
	}
	VSHUFI64X2(U8(0), c1.AsZ(), c1.AsZ(), c1.AsZ())
	// RDX pairs, then RCX (0 or 1) single blocks.
	MOVQ(RCX, RDX)
	SHRQ(U8(1), RDX)
	ANDQ(U8(1), RCX)
	TESTQ(RDX, RDX)
	JZ(LabelRef("fold"))
	Label("pairs")
	PREFETCHT0(Mem{Base: RSI, Disp: 8192})
	if q4 {
		VMOVDQU(Mem{Base: RSI, Disp: 2}, vx.AsX())
		VPSRLW(U8(4), vx.AsX(), tmp.AsX())
		VINSERTI128(U8(1), tmp.AsX(), vx, vx)
		VMOVDQU(Mem{Base: RSI, Disp: 20}, X10)
		VPSRLW(U8(4), X10, tmp.AsX())
		VINSERTI128(U8(1), tmp.AsX(), Y10, Y10)
		VINSERTI64X4(U8(1), Y10, vx.AsZ(), vx.AsZ())
		VPANDD(c1.AsZ(), vx.AsZ(), vx.AsZ())
	} else {
		VMOVDQU(Mem{Base: RSI, Disp: 2}, vx)
		VINSERTI64X4(U8(1), Mem{Base: RSI, Disp: 36}, vx.AsZ(), vx.AsZ())
		VPXORD(c1.AsZ(), vx.AsZ(), vx.AsZ())
	}
	VMOVDQU64(Mem{Base: R8, Disp: 128}, vy.AsZ()) // both blocks' quants, contiguous
	VMOVDQU64(Mem{Base: R8}, lane.AsZ())
	vpdpbusd(m, vy.AsZ().(VecPhysical), vx.AsZ().(VecPhysical), lane.AsZ().(VecPhysical))
	pairScales(Mem{Base: RSI}, Mem{Base: RSI, Disp: xb}, dx)
	VMULPS(Mem{Base: R8, Disp: 64}, dx.AsZ(), dx.AsZ())
	VCVTDQ2PS(lane.AsZ(), lane.AsZ())
	VFMADD231PS(dx.AsZ(), lane.AsZ(), Z0)
	ADDQ(U8(2*xb), RSI)
	ADDQ(U8(68), RDI)
	ADDQ(U32(preStride), R8)
	DECQ(RDX)
	JNZ(LabelRef("pairs"))
	Label("fold")
	VEXTRACTF64X4(U8(1), Z0, Y1)
	VADDPS(Y1, Y0, Y0)
	TESTQ(RCX, RCX)
	JZ(LabelRef("done"))
	// The odd last block.
	if q4 {
		VMOVDQU(Mem{Base: RSI, Disp: 2}, vx.AsX())
		VPSRLW(U8(4), vx.AsX(), tmp.AsX())
		VINSERTI128(U8(1), tmp.AsX(), vx, vx)
		VPAND(c1, vx, vx)
	} else {
		VMOVDQU(Mem{Base: RSI, Disp: 2}, vx)
		VPXOR(c1, vx, vx)
	}
	VMOVDQU(Mem{Base: RDI, Disp: 2}, vy)
	VPXOR(lane, lane, lane)
	VPXOR(tmp, tmp, tmp)
	vpdpbusd(m, vy, vx, lane)
	if q4 {
		vpdpbusd(m, vy, c2, tmp)
	} else {
		vpdpbusd(m, vy, c1, tmp)
	}
	VPSUBD(tmp, lane, lane)
	loadScale(Mem{Base: RSI}, dx)
	loadScale(Mem{Base: RDI}, dy)
	VMULPS(dy, dx, dx)
	VCVTDQ2PS(lane, lane)
	VFMADD231PS(dx, lane, acc)
	Label("done")
	hsumReturn(acc)
}

// emitPreYMM writes the AVX2 (m.vnni 0) and AVX-VNNI (m.vnni 1) forms of
// the Pre kernels: one block per YMM register, two per iteration, with the
// same pre layout (per pair: the block's start lanes at 0 and 32, its
// scales at 64 and 96). The plain AVX2 Q8_0 kernel sums sign-extended
// words and needs no offset term: its start lanes are zero.
func emitPreYMM(q4 bool, m mode) {
	name, xb, generic := "dotQ8_0Pre"+m.suffix, 34, "dotQ8_0Generic: Q8_0 row x times Q8_0 row y"
	if q4 {
		name, xb, generic = "dotQ4_0Pre"+m.suffix, 18, "dotQ4_0Generic: Q4_0 row x times Q8_0 row y"
	}
	TEXT(name, NOSPLIT, "func(n int, x, y, pre []byte) float32")
	Pragma("noescape")
	Doc(name + " is " + generic + ", n values, with y's block sums and scales precomputed in pre (prepareQ8_0).")
	Load(Param("n"), RCX)
	Load(Param("x").Base(), RSI)
	Load(Param("y").Base(), RDI)
	Load(Param("pre").Base(), R8)
	SHRQ(U8(5), RCX)
	VXORPS(acc, acc, acc)
	VXORPS(Y11, Y11, Y11) // second accumulator
	switch {
	case q4:
		splat(0x0f0f0f0f, c1)
	case m.vnni != 0:
		splat(0x80808080, c1)
	}
	splat(0x00010001, ones)
	MOVQ(RCX, RDX)
	SHRQ(U8(1), RDX)
	ANDQ(U8(1), RCX)
	TESTQ(RDX, RDX)
	JZ(LabelRef("tail"))
	Label("pairs")
	PREFETCHT0(Mem{Base: RSI, Disp: 8192})
	for h, a := range []VecPhysical{acc, Y11} {
		xo, yo := xb*h, 34*h
		switch {
		case q4 && m.vnni != 0:
			VMOVDQU(Mem{Base: RSI, Disp: xo + 2}, vx.AsX())
			VPSRLW(U8(4), vx.AsX(), tmp.AsX())
			VINSERTI128(U8(1), tmp.AsX(), vx, vx)
			VPAND(c1, vx, vx)
			VMOVDQU(Mem{Base: RDI, Disp: yo + 2}, vy)
			VMOVDQU(Mem{Base: R8, Disp: 32 * h}, lane)
			vpdpbusd(m, vy, vx, lane)
		case q4:
			VMOVDQU(Mem{Base: RSI, Disp: xo + 2}, vx.AsX())
			VPSRLW(U8(4), vx.AsX(), tmp.AsX())
			VINSERTI128(U8(1), tmp.AsX(), vx, vx)
			VPAND(c1, vx, vx)
			VPMADDUBSW(Mem{Base: RDI, Disp: yo + 2}, vx, lane)
			VPMADDWD(ones, lane, lane)
			VPADDD(Mem{Base: R8, Disp: 32 * h}, lane, lane)
		case m.vnni != 0:
			VMOVDQU(Mem{Base: RSI, Disp: xo + 2}, vx)
			VPXOR(c1, vx, vx)
			VMOVDQU(Mem{Base: RDI, Disp: yo + 2}, vy)
			VMOVDQU(Mem{Base: R8, Disp: 32 * h}, lane)
			vpdpbusd(m, vy, vx, lane)
		default:
			VPMOVSXBW(Mem{Base: RSI, Disp: xo + 2}, vx)
			VPMOVSXBW(Mem{Base: RDI, Disp: yo + 2}, vy)
			VPMADDWD(vy, vx, lane)
			VPMOVSXBW(Mem{Base: RSI, Disp: xo + 18}, vx)
			VPMOVSXBW(Mem{Base: RDI, Disp: yo + 18}, vy)
			VPMADDWD(vy, vx, tmp)
			VPADDD(tmp, lane, lane)
		}
		loadScale(Mem{Base: RSI, Disp: xo}, dx)
		VMULPS(Mem{Base: R8, Disp: 64 + 32*h}, dx, dx)
		VCVTDQ2PS(lane, lane)
		VFMADD231PS(dx, lane, a)
	}
	ADDQ(U8(2*xb), RSI)
	ADDQ(U8(68), RDI)
	ADDQ(U32(preStride), R8)
	DECQ(RDX)
	JNZ(LabelRef("pairs"))
	Label("tail")
	VADDPS(Y11, acc, acc)
	TESTQ(RCX, RCX)
	JZ(LabelRef("done"))
	// The odd last block, as in the kernels without pre.
	switch {
	case q4:
		splat(0x08080808, c2)
		VMOVDQU(Mem{Base: RSI, Disp: 2}, vx.AsX())
		VPSRLW(U8(4), vx.AsX(), tmp.AsX())
		VINSERTI128(U8(1), tmp.AsX(), vx, vx)
		VPAND(c1, vx, vx)
		VMOVDQU(Mem{Base: RDI, Disp: 2}, vy)
		if m.vnni != 0 {
			VPXOR(lane, lane, lane)
			VPXOR(tmp, tmp, tmp)
			vpdpbusd(m, vy, vx, lane)
			vpdpbusd(m, vy, c2, tmp)
			VPSUBD(tmp, lane, lane)
		} else {
			VPMADDUBSW(vy, vx, lane)
			VPMADDUBSW(vy, c2, tmp)
			VPSUBW(tmp, lane, lane)
			VPMADDWD(ones, lane, lane)
		}
	case m.vnni != 0:
		VMOVDQU(Mem{Base: RSI, Disp: 2}, vx)
		VMOVDQU(Mem{Base: RDI, Disp: 2}, vy)
		VPXOR(c1, vx, vx)
		VPXOR(lane, lane, lane)
		VPXOR(tmp, tmp, tmp)
		vpdpbusd(m, vy, vx, lane)
		vpdpbusd(m, vy, c1, tmp)
		VPSUBD(tmp, lane, lane)
	default:
		VPMOVSXBW(Mem{Base: RSI, Disp: 2}, vx)
		VPMOVSXBW(Mem{Base: RDI, Disp: 2}, vy)
		VPMADDWD(vy, vx, lane)
		VPMOVSXBW(Mem{Base: RSI, Disp: 18}, vx)
		VPMOVSXBW(Mem{Base: RDI, Disp: 18}, vy)
		VPMADDWD(vy, vx, tmp)
		VPADDD(tmp, lane, lane)
	}
	loadScale(Mem{Base: RSI}, dx)
	loadScale(Mem{Base: RDI}, dy)
	VMULPS(dy, dx, dx)
	VCVTDQ2PS(lane, lane)
	VFMADD231PS(dx, lane, acc)
	Label("done")
	hsumReturn(acc)
}

// emitQ4_0Pre4 writes the AVX-512 VNNI Q4_0 kernel of MatVec that takes
// four blocks (72 bytes) per iteration: VPERMT2W gathers their 64 quant
// bytes from two loads into one ZMM register (block b in 128-bit lane b),
// VPERMW their four scales, so that the nibbles of four blocks are split
// by one shift and two ANDs. pre holds, per four blocks (256 bytes), the
// activation quants matching the low nibbles (values 0-15 of block b at
// byte 16b) and the high ones (values 16-31), the int32 lanes that start
// the sums (−8·Σy of block b in lane 4b) and each block's scale in its
// four lanes (prepareQ4_0x4).
func emitQ4_0Pre4() {
	name := "dotQ4_0Pre4AVX512VNNI"
	TEXT(name, NOSPLIT, "func(n int, x, pre []byte) float32")
	Pragma("noescape")
	Doc(name + " is dotQ4_0Generic: Q4_0 row x times the Q8_0 row that pre was prepared from (prepareQ4_0x4), n values, n a multiple of 128.")
	Load(Param("n"), RCX)
	Load(Param("x").Base(), RSI)
	Load(Param("pre").Base(), R8)
	SHRQ(U8(7), RCX)
	VPXORD(Z0, Z0, Z0)
	splatZ(0x0f0f0f0f, Z9)
	// Word i of the quants: block i/8, its word i%8 (byte 18b+2+2k).
	VMOVDQU64(wordIndex("q4x4_quant_idx", func(i int) int { return 9*(i/8) + 1 + i%8 }), Z7)
	VMOVDQU64(wordIndex("q4x4_scale_idx", func(i int) int { return 9 * (i / 4 % 4) }), Z8)
	TESTQ(RCX, RCX)
	JZ(LabelRef("done"))
	Label("loop")
	PREFETCHT0(Mem{Base: RSI, Disp: 8192})
	PREFETCHT0(Mem{Base: RSI, Disp: 8192 + 64})
	VMOVDQU64(Mem{Base: RSI}, Z1)
	VMOVQ(Mem{Base: RSI, Disp: 64}, X2)
	VPERMW(Z1, Z8, Z5)
	VPERMT2W(Z2, Z7, Z1)
	VPSRLW(U8(4), Z1, Z3)
	VPANDD(Z9, Z1, Z1)
	VPANDD(Z9, Z3, Z3)
	VMOVDQU64(Mem{Base: R8, Disp: 128}, Z4)
	vpdpbusdMem(Mem{Base: R8}, Z1, Z4)
	vpdpbusdMem(Mem{Base: R8, Disp: 64}, Z3, Z4)
	VCVTPH2PS(Y5, Z5)
	VMULPS(Mem{Base: R8, Disp: 192}, Z5, Z5)
	VCVTDQ2PS(Z4, Z4)
	VFMADD231PS(Z5, Z4, Z0)
	ADDQ(U8(72), RSI)
	ADDQ(U32(256), R8)
	DECQ(RCX)
	JNZ(LabelRef("loop"))
	Label("done")
	zmmFold()
	hsumReturn(acc)
}

// vpdpbusdMem emits dst += Σ4 src1(unsigned bytes)·m(signed bytes) per
// int32 lane, m a 64-byte memory operand (EVEX).
func vpdpbusdMem(m Mem, src1, dst VecPhysical) {
	Instruction(&ir.Instruction{Opcode: "VPDPBUSD", Operands: []Op{m, src1, dst}, Inputs: []Op{m, src1, dst}, Outputs: []Op{dst}})
}

package main

import (
	"fmt"

	"github.com/mmcloughlin/avo/ir"

	. "github.com/mmcloughlin/avo/build"
	. "github.com/mmcloughlin/avo/operand"
	. "github.com/mmcloughlin/avo/reg"
)

// The kernels use physical registers throughout: VPDPBUSD is emitted
// outside avo's instruction table, so avo cannot allocate around it.
//
// Every kernel keeps the integer sums of a block exact in int32 lanes
// (products of 8-bit levels summed without saturation), converts the lanes
// to float32 and accumulates lanes × block scale with FMA; the lanes are
// added at the end.

// mode is how the 8-bit products are summed into int32 lanes.
type mode struct {
	suffix string
	// vnni selects VPDPBUSD: 1 VEX-encoded (AVX-VNNI), 2 EVEX (AVX512_VNNI
	// with VL), 0 none (VPMADDUBSW/VPMADDWD).
	vnni int
}

var modes = []mode{{"AVX2", 0}, {"AVXVNNI", 1}, {"AVX512VNNI", 2}}

// vpdpbusd emits dst += Σ4 src1(unsigned bytes)·src2(signed bytes) per
// int32 lane, in Go operand order (src2, src1, dst).
func vpdpbusd(m mode, src2, src1, dst VecPhysical) {
	vnniOp(m, "VPDPBUSD", 0x50, src2, src1, dst)
}

// vpdpwssdY emits dst += Σ2 src1·src2 (signed int16 pairs) per int32
// lane, in Go operand order, in m's form: VPMADDWD and VPADDD in one
// instruction.
func vpdpwssdY(m mode, src2, src1, dst VecPhysical) {
	vnniOp(m, "VPDPWSSD", 0x52, src2, src1, dst)
}

// vnniOp emits the VNNI instruction op (opcode byte code in map 0F38) in
// the EVEX form (m.vnni 2, which the Go assembler knows) or the VEX form
// of AVX-VNNI (m.vnni 1, which it does not: emitted as bytes).
func vnniOp(m mode, op string, code byte, src2, src1, dst VecPhysical) {
	if m.vnni == 2 {
		Instruction(&ir.Instruction{Opcode: op, Operands: []Op{src2, src1, dst}, Inputs: []Op{src2, src1, dst}, Outputs: []Op{dst}})
		return
	}
	// VEX.256.66.0F38.W0 code /r; registers Y0-Y15.
	r, v, b := dst.PhysicalIndex(), src1.PhysicalIndex(), src2.PhysicalIndex()
	b1 := byte(0xe2) // R̄ X̄ B̄ set, map 0F38
	if r >= 8 {
		b1 &^= 0x80
	}
	if b >= 8 {
		b1 &^= 0x20
	}
	b2 := byte((^v&0xf)<<3 | 1<<2 | 1) // W0, vvvv, L=256, pp=66
	modrm := byte(0xc0 | (r&7)<<3 | b&7)
	Comment(fmt.Sprintf("%s %s, %s, %s (AVX-VNNI)", op, src2.Asm(), src1.Asm(), dst.Asm()))
	for i, x := range []byte{0xc4, b1, b2, code, modrm} {
		in := &ir.Instruction{Opcode: "BYTE", Operands: []Op{U8(x)}}
		if i == 0 {
			in.Inputs = []Op{src2, src1, dst}
			in.Outputs = []Op{dst}
		}
		Instruction(in)
	}
}

// splat fills the vector v with the 32-bit constant c (via AX).
func splat(c uint32, v VecPhysical) {
	MOVL(U32(c), EAX)
	VMOVD(EAX, v.AsX())
	VPBROADCASTD(v.AsX(), v)
}

// loadScale sets v (8 lanes) to the float16 at m widened.
func loadScale(m Mem, v VecPhysical) {
	VPBROADCASTW(m, v.AsX())
	VCVTPH2PS(v.AsX(), v)
}

// hsumReturn adds the 8 lanes of acc and returns the sum.
func hsumReturn(acc VecPhysical) {
	VEXTRACTF128(U8(1), acc, X1)
	VADDPS(X1, acc.AsX(), X0)
	VMOVHLPS(X0, X0, X1)
	VADDPS(X1, X0, X0)
	VMOVSHDUP(X0, X1)
	VADDSS(X1, X0, X0)
	VZEROUPPER()
	Store(X0, ReturnIndex(0))
	RET()
}

func header(name, doc string) {
	TEXT(name, NOSPLIT, "func(n int, x, y []byte) float32")
	Pragma("noescape")
	Doc(name + " " + doc)
	Load(Param("n"), RCX)
	Load(Param("x").Base(), RSI)
	Load(Param("y").Base(), RDI)
}

// Register roles in the 32-block kernels.
var (
	acc  = Y0 // float32 lanes: Σ lanes × scale
	vx   = Y1
	vy   = Y2
	lane = Y3
	tmp  = Y4
	c1   = Y5 // constant: 0x80 bytes (Q8_0) or 0x0F bytes (Q4_0)
	c2   = Y6 // constant: 0x08 bytes (Q4_0)
	ones = Y7 // constant: int16 ones (VPMADDWD)
	dx   = Y8
	dy   = Y9
)

func emitQ8_0(m mode) {
	name := "dotQ8_0" + m.suffix
	header(name, "is dotQ8_0Generic: Q8_0 row x times Q8_0 row y, n values.")
	SHRQ(U8(5), RCX)
	VXORPS(acc, acc, acc)
	if m.vnni != 0 {
		splat(0x80808080, c1)
	} else {
		splat(0x00010001, ones)
	}
	if m.vnni == 2 {
		// Two blocks per ZMM register.
		VSHUFI64X2(U8(0), c1.AsZ(), c1.AsZ(), c1.AsZ())
		VXORPS(Z0, Z0, Z0)
		Label("pairs")
		CMPQ(RCX, U8(2))
		JB(LabelRef("fold"))
		prefetch(8192)
		VMOVDQU(Mem{Base: RSI, Disp: 2}, vx)
		VINSERTI64X4(U8(1), Mem{Base: RSI, Disp: 36}, vx.AsZ(), vx.AsZ())
		VMOVDQU(Mem{Base: RDI, Disp: 2}, vy)
		VINSERTI64X4(U8(1), Mem{Base: RDI, Disp: 36}, vy.AsZ(), vy.AsZ())
		VPXORD(c1.AsZ(), vx.AsZ(), vx.AsZ())
		VPXORD(lane.AsZ(), lane.AsZ(), lane.AsZ())
		VPXORD(tmp.AsZ(), tmp.AsZ(), tmp.AsZ())
		vpdpbusd(m, vy.AsZ().(VecPhysical), vx.AsZ().(VecPhysical), lane.AsZ().(VecPhysical))
		vpdpbusd(m, vy.AsZ().(VecPhysical), c1.AsZ().(VecPhysical), tmp.AsZ().(VecPhysical))
		VPSUBD(tmp.AsZ(), lane.AsZ(), lane.AsZ())
		pairScales(Mem{Base: RSI}, Mem{Base: RSI, Disp: 34}, dx)
		pairScales(Mem{Base: RDI}, Mem{Base: RDI, Disp: 34}, dy)
		VMULPS(dy.AsZ(), dx.AsZ(), dx.AsZ())
		VCVTDQ2PS(lane.AsZ(), lane.AsZ())
		VFMADD231PS(dx.AsZ(), lane.AsZ(), Z0)
		ADDQ(U8(68), RSI)
		ADDQ(U8(68), RDI)
		SUBQ(U8(2), RCX)
		JMP(LabelRef("pairs"))
		Label("fold")
		VEXTRACTF64X4(U8(1), Z0, Y1)
		VADDPS(Y1, Y0, Y0)
	}
	TESTQ(RCX, RCX)
	JZ(LabelRef("done"))
	Label("loop")
	PREFETCHT0(Mem{Base: RSI, Disp: 8192})
	if m.vnni != 0 {
		// Σ x·y = Σ (x+128)·y − 128·Σ y, with x+128 = x XOR 0x80
		// unsigned: exact for every byte, −128 included.
		VMOVDQU(Mem{Base: RSI, Disp: 2}, vx)
		VMOVDQU(Mem{Base: RDI, Disp: 2}, vy)
		VPXOR(c1, vx, vx)
		VPXOR(lane, lane, lane)
		VPXOR(tmp, tmp, tmp)
		vpdpbusd(m, vy, vx, lane)
		vpdpbusd(m, vy, c1, tmp)
		VPSUBD(tmp, lane, lane)
	} else {
		// Sign-extended to int16, VPMADDWD: exact.
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
	ADDQ(U8(34), RSI)
	ADDQ(U8(34), RDI)
	DECQ(RCX)
	JNZ(LabelRef("loop"))
	Label("done")
	hsumReturn(acc)
}

// pairScales sets the ZMM of v to 8 lanes of the float16 at a widened,
// then 8 of the float16 at b.
func pairScales(a, b Mem, v VecPhysical) {
	VPBROADCASTW(a, v.AsX())
	VPBROADCASTW(b, X15)
	VINSERTI128(U8(1), X15, v, v)
	VCVTPH2PS(v, v.AsZ())
}

func emitQ4_0(m mode) {
	name := "dotQ4_0" + m.suffix
	header(name, "is dotQ4_0Generic: Q4_0 row x times Q8_0 row y, n values.")
	SHRQ(U8(5), RCX)
	VXORPS(acc, acc, acc)
	splat(0x0f0f0f0f, c1)
	splat(0x08080808, c2)
	splat(0x00010001, ones)
	if m.vnni == 2 {
		// Two blocks per ZMM register: 128-bit lanes hold the low
		// nibbles of block 0, its high nibbles, then block 1's.
		VSHUFI64X2(U8(0), c1.AsZ(), c1.AsZ(), c1.AsZ())
		VSHUFI64X2(U8(0), c2.AsZ(), c2.AsZ(), c2.AsZ())
		VXORPS(Z0, Z0, Z0)
		Label("pairs")
		CMPQ(RCX, U8(2))
		JB(LabelRef("fold"))
		PREFETCHT0(Mem{Base: RSI, Disp: 8192})
		VMOVDQU(Mem{Base: RSI, Disp: 2}, vx.AsX())
		VPSRLW(U8(4), vx.AsX(), tmp.AsX())
		VINSERTI128(U8(1), tmp.AsX(), vx, vx)
		VMOVDQU(Mem{Base: RSI, Disp: 20}, Y10.AsX())
		VPSRLW(U8(4), X10, tmp.AsX())
		VINSERTI128(U8(1), tmp.AsX(), Y10, Y10)
		VINSERTI64X4(U8(1), Y10, vx.AsZ(), vx.AsZ())
		VPANDD(c1.AsZ(), vx.AsZ(), vx.AsZ())
		VMOVDQU(Mem{Base: RDI, Disp: 2}, vy)
		VINSERTI64X4(U8(1), Mem{Base: RDI, Disp: 36}, vy.AsZ(), vy.AsZ())
		VPXORD(lane.AsZ(), lane.AsZ(), lane.AsZ())
		VPXORD(tmp.AsZ(), tmp.AsZ(), tmp.AsZ())
		vpdpbusd(m, vy.AsZ().(VecPhysical), vx.AsZ().(VecPhysical), lane.AsZ().(VecPhysical))
		vpdpbusd(m, vy.AsZ().(VecPhysical), c2.AsZ().(VecPhysical), tmp.AsZ().(VecPhysical))
		VPSUBD(tmp.AsZ(), lane.AsZ(), lane.AsZ())
		pairScales(Mem{Base: RSI}, Mem{Base: RSI, Disp: 18}, dx)
		pairScales(Mem{Base: RDI}, Mem{Base: RDI, Disp: 34}, dy)
		VMULPS(dy.AsZ(), dx.AsZ(), dx.AsZ())
		VCVTDQ2PS(lane.AsZ(), lane.AsZ())
		VFMADD231PS(dx.AsZ(), lane.AsZ(), Z0)
		ADDQ(U8(36), RSI)
		ADDQ(U8(68), RDI)
		SUBQ(U8(2), RCX)
		JMP(LabelRef("pairs"))
		Label("fold")
		VEXTRACTF64X4(U8(1), Z0, Y1)
		VADDPS(Y1, Y0, Y0)
	}
	TESTQ(RCX, RCX)
	JZ(LabelRef("done"))
	Label("loop")
	PREFETCHT0(Mem{Base: RSI, Disp: 8192})
	// The 32 levels u in [0, 15]: low nibbles are values 0-15, high
	// nibbles 16-31. Σ (u−8)·y = Σ u·y − Σ 8·y.
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
	loadScale(Mem{Base: RSI}, dx)
	loadScale(Mem{Base: RDI}, dy)
	VMULPS(dy, dx, dx)
	VCVTDQ2PS(lane, lane)
	VFMADD231PS(dx, lane, acc)
	ADDQ(U8(18), RSI)
	ADDQ(U8(34), RDI)
	DECQ(RCX)
	JNZ(LabelRef("loop"))
	Label("done")
	hsumReturn(acc)
}

// emitQ4_K: per super-block, the eight 6-bit scales and mins are unpacked
// in general registers; level sums per 32-value sub-block are
// VPMADDUBSW pairs (≤ 2·15·128), VPMADDWD by the sub-block scale into the
// int32 lanes (exact: ≤ 8·2·3840·63 per lane). The min term
// dmin·Σ m_j·(bsums of sub-block j) is summed apart.
//
// With q5, the same for Q5_K: a fifth bit per value from qh (levels below
// 32: VPMADDUBSW pairs ≤ 2·31·128, lanes ≤ 8·2·7936·63).
func emitQ4_K(q5 bool) {
	name, blk, qs := "dotQ4_KAVX2", 144, 16
	if q5 {
		name, blk, qs = "dotQ5_KAVX2", 176, 48
	}
	header(name, "is "+name[3:7]+"Generic: "+name[3:7]+" row x times Q8_K row y, n values; y's bsums must be the sums of its quants.")
	sc := AllocLocal(32) // 8 scales then 8 mins, as int16
	SHRQ(U8(8), RCX)
	VXORPS(acc, acc, acc)
	VXORPS(X15, X15, X15) // Σ min terms
	splat(0x0f0f0f0f, c1)
	splat(0x10101010, c2)
	TESTQ(RCX, RCX)
	JZ(LabelRef("done"))
	Label("loop")
	prefetch(8192)
	if q5 {
		VMOVDQU(Mem{Base: RSI, Disp: 16}, Y14)
	}
	unpackK4Scales()
	VMOVQ(R8, X10)
	VPINSRQ(U8(1), R12, X10, X10)
	VPMOVZXBW(X10, Y10)
	VMOVDQU(Y10, sc)
	// Min term: Σ m_j·(bsums[2j] + bsums[2j+1]).
	VMOVDQU(Mem{Base: RDI, Disp: 260}, X11)
	VPHADDW(Mem{Base: RDI, Disp: 276}, X11, X11)
	VEXTRACTI128(U8(1), Y10, X12)
	VPMADDWD(X12, X11, X11)
	VPSHUFD(U8(0x4e), X11, X12)
	VPADDD(X12, X11, X11)
	VPSHUFD(U8(0xb1), X11, X12)
	VPADDD(X12, X11, X11)
	VCVTDQ2PS(X11, X11)
	loadScale(Mem{Base: RSI, Disp: 2}, Y12)
	VMULSS(Mem{Base: RDI}, X12, X12)
	VFNMADD231SS(X12, X11, X15)
	// Levels.
	VPXOR(Y13, Y13, Y13) // int32 lanes of the super-block
	for k := range 4 {
		VMOVDQU(Mem{Base: RSI, Disp: qs + 32*k}, vx)
		VPSRLW(U8(4), vx, tmp)
		VPAND(c1, vx, vx)
		VPAND(c1, tmp, tmp)
		for h, u := range []VecPhysical{vx, tmp} {
			j := 2*k + h
			if q5 {
				// Bit j of qh[l] moved to bit 4 (word shifts: the bits
				// that cross bytes are masked off).
				switch {
				case j < 4:
					VPSLLW(U8(4-j), Y14, Y11)
					VPAND(c2, Y11, Y11)
				case j == 4:
					VPAND(c2, Y14, Y11)
				default:
					VPSRLW(U8(j-4), Y14, Y11)
					VPAND(c2, Y11, Y11)
				}
				VPOR(Y11, u, u)
			}
			VPMADDUBSW(Mem{Base: RDI, Disp: 4 + 32*j}, u, lane)
			VPBROADCASTW(sc.Offset(2*j), vy)
			VPMADDWD(vy, lane, lane)
			VPADDD(lane, Y13, Y13)
		}
	}
	VCVTDQ2PS(Y13, Y13)
	loadScale(Mem{Base: RSI}, dx)
	VBROADCASTSS(Mem{Base: RDI}, dy)
	VMULPS(dy, dx, dx)
	VFMADD231PS(dx, Y13, acc)
	ADDQ(U32(blk), RSI)
	ADDQ(U32(292), RDI)
	DECQ(RCX)
	JNZ(LabelRef("loop"))
	Label("done")
	// Fold the min terms into lane 0.
	VADDPS(Y15, acc, acc)
	hsumReturn(acc)
}

// unpackK4Scales leaves the eight 6-bit scales of the Q4_K/Q5_K block at
// RSI in the bytes of R8 and the eight mins in R12 (get_scale_min_k4 on
// 32-bit words; clobbers R9-R11, AX).
func unpackK4Scales() {
	// u0..u2 are bytes 4..15 of the block.
	MOVL(Mem{Base: RSI, Disp: 4}, R8L)
	MOVL(Mem{Base: RSI, Disp: 8}, R9L)
	MOVL(Mem{Base: RSI, Disp: 12}, R10L)
	// mins 4-7: ((u2 >> 4) & 0x0f0f0f0f) | (((u1 >> 6) & 0x03030303) << 4)
	MOVL(R10L, R11L)
	SHRL(U8(4), R11L)
	ANDL(U32(0x0f0f0f0f), R11L)
	MOVL(R9L, EAX)
	SHRL(U8(6), EAX)
	ANDL(U32(0x03030303), EAX)
	SHLL(U8(4), EAX)
	ORL(EAX, R11L)
	// mins 0-3: u1 & 0x3f3f3f3f
	MOVL(R9L, R12L)
	ANDL(U32(0x3f3f3f3f), R12L)
	// scales 4-7: (u2 & 0x0f0f0f0f) | (((u0 >> 6) & 0x03030303) << 4)
	MOVL(R10L, R9L)
	ANDL(U32(0x0f0f0f0f), R9L)
	MOVL(R8L, EAX)
	SHRL(U8(6), EAX)
	ANDL(U32(0x03030303), EAX)
	SHLL(U8(4), EAX)
	ORL(EAX, R9L)
	// scales 0-3: u0 & 0x3f3f3f3f
	ANDL(U32(0x3f3f3f3f), R8L)
	SHLQ(U8(32), R9)
	ORQ(R9, R8)
	SHLQ(U8(32), R11)
	ORQ(R11, R12)
}

// emitQ6_K: levels q in [0, 63] (VPMADDUBSW pairs ≤ 2·63·128), scaled by
// the signed 16-value sub-block scales with VPMADDWD; Σ (q−32)·y·sc =
// Σ q·y·sc − 32·Σ sc·bsums, the lanes added exactly before the float
// scale (exactTail: a row at the offset gives 0, as the reference).
func emitQ6_K() {
	name := "dotQ6_KAVX2"
	header(name, "is dotQ6_KGeneric: Q6_K row x times Q8_K row y, n values; y's bsums must be the sums of its quants.")
	sc := AllocLocal(32) // 16 scales as int16
	SHRQ(U8(8), RCX)
	VXORPS(acc, acc, acc)
	splat(0x0f0f0f0f, c1)
	splat(0x30303030, c2)
	TESTQ(RCX, RCX)
	JZ(LabelRef("done"))
	Label("loop")
	prefetch(8192)
	PREFETCHT0(Mem{Base: RSI, Disp: 8192 + 128})
	VPMOVSXBW(Mem{Base: RSI, Disp: 192}, Y10)
	VMOVDQU(Y10, sc)
	VPMADDWD(Mem{Base: RDI, Disp: 260}, Y10, Y13)
	VPSLLD(U8(5), Y13, Y13)
	VPXOR(Y14, Y14, Y14)
	VPSUBD(Y13, Y14, Y13) // −32·Σ sc·bsums, the int32 lanes of the super-block
	q0, q1, h := Y10, Y11, Y12
	for half := range 2 {
		VMOVDQU(Mem{Base: RSI, Disp: 64 * half}, q0)
		VMOVDQU(Mem{Base: RSI, Disp: 64*half + 32}, q1)
		VMOVDQU(Mem{Base: RSI, Disp: 128 + 32*half}, h)
		for k := range 4 {
			// Level k of this 128-value half: (ql nibble) | (qh bits) << 4.
			src, hshift := q0, 4
			switch k {
			case 1:
				src, hshift = q1, 2
			case 2:
				hshift = 0
			case 3:
				src, hshift = q1, -2
			}
			if k < 2 {
				VPAND(c1, src, vx)
			} else {
				VPSRLW(U8(4), src, vx)
				VPAND(c1, vx, vx)
			}
			switch {
			case hshift > 0:
				VPSLLW(U8(hshift), h, tmp)
				VPAND(c2, tmp, tmp)
			case hshift == 0:
				VPAND(c2, h, tmp)
			default:
				VPSRLW(U8(-hshift), h, tmp)
				VPAND(c2, tmp, tmp)
			}
			VPOR(tmp, vx, vx)
			j := 8*half + 2*k // sub-blocks j (low 16 values) and j+1
			VPMADDUBSW(Mem{Base: RDI, Disp: 4 + 128*half + 32*k}, vx, lane)
			pairScale(sc, j, vy, Y15)
			VPMADDWD(vy, lane, lane)
			VPADDD(lane, Y13, Y13)
		}
	}
	exactTail(208, 210)
	hsumReturn(acc)
}

// emitXorWords writes xorWordsAVX2, the read-bandwidth probe of the
// benchmarks: four independent accumulators of 32-byte loads.
func emitXorWords() {
	TEXT("xorWordsAVX2", NOSPLIT, "func(b []byte) uint64")
	Pragma("noescape")
	Doc("xorWordsAVX2 returns the XOR of the 64-bit words of b, len(b) a multiple of 128: a streaming read at full width, to measure read bandwidth.")
	Load(Param("b").Base(), RSI)
	Load(Param("b").Len(), RCX)
	SHRQ(U8(7), RCX)
	for _, r := range []VecPhysical{Y0, Y1, Y2, Y3} {
		VPXOR(r, r, r)
	}
	TESTQ(RCX, RCX)
	JZ(LabelRef("done"))
	Label("loop")
	// Prefetched as far ahead as the kernels do, so that the probe and the
	// kernels are measured alike.
	PREFETCHT0(Mem{Base: RSI, Disp: 8192})
	PREFETCHT0(Mem{Base: RSI, Disp: 8192 + 64})
	for i, r := range []VecPhysical{Y0, Y1, Y2, Y3} {
		VPXOR(Mem{Base: RSI, Disp: 32 * i}, r, r)
	}
	ADDQ(U32(128), RSI)
	DECQ(RCX)
	JNZ(LabelRef("loop"))
	Label("done")
	VPXOR(Y1, Y0, Y0)
	VPXOR(Y3, Y2, Y2)
	VPXOR(Y2, Y0, Y0)
	VEXTRACTI128(U8(1), Y0, X1)
	VPXOR(X1, X0, X0)
	VPSRLDQ(U8(8), X0, X1)
	VPXOR(X1, X0, X0)
	VMOVQ(X0, RAX)
	VZEROUPPER()
	Store(RAX, ReturnIndex(0))
	RET()
}

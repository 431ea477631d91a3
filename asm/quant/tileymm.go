package main

import (
	"fmt"

	. "github.com/mmcloughlin/avo/build"
	. "github.com/mmcloughlin/avo/operand"
	. "github.com/mmcloughlin/avo/reg"
)

// The tile kernels on YMM registers, for the AVX2 path (VPDPBUSD where the
// CPU has AVX-VNNI, else VPMADDUBSW and VPMADDWD: exact while two
// products fit in int16, so Q4_0's levels but not Q8_0's): the same panel
// and group layouts, each panel in two halves of 8 rows (bytes 0-31 and
// 32-63 of every 64-byte vector). Sixteen YMM registers hold the eight
// level vectors and the temporaries; the float sums of the activation rows
// accumulate in out itself (zeroed first, in L1 throughout).

// emitTile32YMM writes tile32AVX2 or tile32AVXVNNI (Q4_0; Q8_0 with VNNI).
func emitTile32YMM(m mode, C int) {
	name := "tile32" + m.suffix
	types := "Q4_0"
	if m.vnni != 0 {
		types = "Q4_0 and Q8_0"
	}
	tileHeader(name, fmt.Sprintf("is tileGeneric for %s, for c < %d.", types, C))
	W := []VecPhysical{Y0, Y1, Y2, Y3, Y4, Y5, Y6, Y7}
	dx, bc, I, p, ones, t, f := Y8, Y9, Y10, Y11, Y12, Y13, Y14
	if m.vnni == 0 {
		splat(0x00010001, ones)
	}
	VXORPS(Y15, Y15, Y15)
	for c := range C {
		VMOVUPS(Y15, Mem{Base: RDX, Disp: 64 * c})
		VMOVUPS(Y15, Mem{Base: RDX, Disp: 64*c + 32})
	}
	MOVQ(RSI, R8)
	MOVQ(RDI, R9)
	MOVQ(RCX, R10)
	for h := range 2 {
		loop := fmt.Sprintf("half%d", h)
		if h == 1 {
			MOVQ(R8, RSI)
			MOVQ(R9, RDI)
			MOVQ(R10, RCX)
		}
		Label(loop)
		for j, w := range W {
			VMOVDQU(Mem{Base: RSI, Disp: 64*j + 32*h}, w)
		}
		VMOVUPS(Mem{Base: RSI, Disp: 512 + 32*h}, dx)
		for c := range C {
			VPBROADCASTD(Mem{Base: RDI, Disp: 32*C + 4*c}, I)
			for j, w := range W {
				VPBROADCASTD(Mem{Base: RDI, Disp: 32*c + 4*j}, bc)
				if m.vnni != 0 {
					vpdpbusd(m, bc, w, I)
				} else {
					VPMADDUBSW(bc, w, p)
					VPMADDWD(ones, p, p)
					VPADDD(p, I, I)
				}
			}
			VCVTDQ2PS(I, I)
			VBROADCASTSS(Mem{Base: RDI, Disp: 36*C + 4*c}, t)
			VMULPS(t, dx, t)
			out := Mem{Base: RDX, Disp: 64*c + 32*h}
			VMOVUPS(out, f)
			VFMADD231PS(t, I, f)
			VMOVUPS(f, out)
		}
		ADDQ(U32(576), RSI)
		ADDQ(U32(40*C), RDI)
		DECQ(RCX)
		JNZ(LabelRef(loop))
	}
	VZEROUPPER()
	RET()
}

// ymmDot4 adds to acc the products of the levels in w with the four
// activation bytes at m, broadcast (p, ones: scratch and int16 ones for the
// AVX2 form).
func ymmDot4(md mode, m Mem, w, acc, bc, p, ones VecPhysical) {
	VPBROADCASTD(m, bc)
	if md.vnni != 0 {
		vpdpbusd(md, bc, w, acc)
		return
	}
	VPMADDUBSW(bc, w, p)
	VPMADDWD(ones, p, p)
	VPADDD(p, acc, acc)
}

// emitTileKYMM writes the YMM tile kernels of Q4_K (q6 false) and Q6_K:
// per sub-block the exact sums times the sub-block scale (VPMULLD) go to
// int32 sums on the stack, one per activation row, that meet the float
// scales once per super-block.
func emitTileKYMM(m mode, q6 bool, C int) {
	typ, sb, per := "Q4_K", 4992, 276
	if q6 {
		typ, sb, per = "Q6_K", 5184, 324
	}
	name := "tile" + typ + m.suffix
	tileHeader(name, fmt.Sprintf("is tileGeneric for %s, for c < %d.", typ, C))
	isum := AllocLocal(32 * C)
	W := []VecPhysical{Y0, Y1, Y2, Y3, Y4, Y5, Y6, Y7}
	sc, bc, T, p, ones, t, f := Y8, Y9, Y10, Y11, Y12, Y13, Y14
	if m.vnni == 0 {
		splat(0x00010001, ones)
	}
	VXORPS(Y15, Y15, Y15)
	for c := range C {
		VMOVUPS(Y15, Mem{Base: RDX, Disp: 64 * c})
		VMOVUPS(Y15, Mem{Base: RDX, Disp: 64*c + 32})
	}
	MOVQ(RSI, R8)
	MOVQ(RDI, R9)
	MOVQ(RCX, R10)
	// subBlock adds scale j times the sums of the levels in W[lo:lo+n]
	// (activation bytes from quant offset q) to each row's int32 sum.
	subBlock := func(h, j, lo, n, q int) {
		VMOVDQU(Mem{Base: RSI, Disp: 4096 + 64*j + 32*h}, sc)
		for c := range C {
			if q6 {
				VPBROADCASTD(Mem{Base: RDI, Disp: 256*C + 64*c + 4*j}, T) // −32·Σ quants
			} else {
				VPXOR(T, T, T)
			}
			for jj := lo; jj < lo+n; jj++ {
				ymmDot4(m, Mem{Base: RDI, Disp: 256*c + q + 4*(jj-lo)}, W[jj], T, bc, p, ones)
			}
			VPMULLD(sc, T, T)
			VPADDD(isum.Offset(32*c), T, T)
			VMOVDQU(T, isum.Offset(32*c))
		}
	}
	for h := range 2 {
		loop := fmt.Sprintf("half%d", h)
		if h == 1 {
			MOVQ(R8, RSI)
			MOVQ(R9, RDI)
			MOVQ(R10, RCX)
		}
		Label(loop)
		for c := range C {
			VMOVDQU(Y15, isum.Offset(32*c))
		}
		for s := range 8 {
			for jj, w := range W {
				VMOVDQU(Mem{Base: RSI, Disp: 512*s + 64*jj + 32*h}, w)
			}
			if q6 {
				subBlock(h, 2*s, 0, 4, 32*s)
				subBlock(h, 2*s+1, 4, 4, 32*s+16)
			} else {
				subBlock(h, s, 0, 8, 32*s)
			}
		}
		if q6 {
			VMOVUPS(Mem{Base: RSI, Disp: 5120 + 32*h}, sc) // d
			for c := range C {
				VCVTDQ2PS(isum.Offset(32*c), p)
				VBROADCASTSS(Mem{Base: RDI, Disp: 320*C + 4*c}, t)
				VMULPS(t, sc, t)
				out := Mem{Base: RDX, Disp: 64*c + 32*h}
				VMOVUPS(out, f)
				VFMADD231PS(t, p, f)
				VMOVUPS(f, out)
			}
		} else {
			// Σ m_j · (32-value sums), two sub-blocks per int16 pair.
			for k := range 4 {
				VMOVDQU(Mem{Base: RSI, Disp: 4608 + 64*k + 32*h}, W[k])
			}
			VMOVUPS(Mem{Base: RSI, Disp: 4864 + 32*h}, sc)   // d
			VMOVUPS(Mem{Base: RSI, Disp: 4928 + 32*h}, W[4]) // dmin
			for c := range C {
				VPXOR(T, T, T)
				for k := range 4 {
					VPBROADCASTD(Mem{Base: RDI, Disp: 256*C + 16*c + 4*k}, bc)
					VPMADDWD(bc, W[k], p)
					VPADDD(p, T, T)
				}
				VCVTDQ2PS(T, T)
				VCVTDQ2PS(isum.Offset(32*c), p)
				VBROADCASTSS(Mem{Base: RDI, Disp: 272*C + 4*c}, t)
				out := Mem{Base: RDX, Disp: 64*c + 32*h}
				VMOVUPS(out, f)
				VMULPS(t, sc, bc)
				VFMADD231PS(bc, p, f)
				VMULPS(t, W[4], bc)
				VFNMADD231PS(bc, T, f)
				VMOVUPS(f, out)
			}
		}
		ADDQ(U32(sb), RSI)
		ADDQ(U32(per*C), RDI)
		DECQ(RCX)
		JNZ(LabelRef(loop))
	}
	VZEROUPPER()
	RET()
}

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

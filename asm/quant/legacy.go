package main

import (
	. "github.com/mmcloughlin/avo/build"
	. "github.com/mmcloughlin/avo/operand"
	. "github.com/mmcloughlin/avo/reg"
)

// legacy describes a 32-value block format whose dot product runs one
// block at a time like Q4_0: levels from nibbles (plus a fifth bit from qh),
// an offset subtracted as offset·Σy, or a minimum m·s added as a separate
// term, or IQ4_NL's table of levels.
type legacy struct {
	name    string // Q4_1 …
	xBytes  int    // bytes per x block
	yBytes  int    // bytes per y block: 34 (Q8_0) or 36 (Q8_1)
	qs, qh  int    // offsets of the nibbles and of the 32 fifth bits (0: none)
	offset  int    // level offset (8, 16) or 0
	min     bool   // m at x+2 times s at y+2 added per block
	table   bool   // IQ4_NL levels
	generic string // reference function
}

var legacies = []legacy{
	{name: "Q4_1", xBytes: 20, yBytes: 36, qs: 4, min: true, generic: "dotQ4_1Generic: Q4_1 row x times Q8_1 row y"},
	{name: "Q5_0", xBytes: 22, yBytes: 34, qs: 6, qh: 2, offset: 16, generic: "dotQ5_0Generic: Q5_0 row x times Q8_0 row y"},
	{name: "Q5_1", xBytes: 24, yBytes: 36, qs: 8, qh: 4, min: true, generic: "dotQ5_1Generic: Q5_1 row x times Q8_1 row y"},
	{name: "IQ4_NL", xBytes: 18, yBytes: 34, qs: 2, table: true, generic: "dotIQ4_NLGeneric: IQ4_NL row x times Q8_0 row y"},
}

var kvaluesIQ4NL = []int8{-127, -104, -83, -65, -49, -35, -22, -10, 1, 13, 25, 38, 53, 69, 89, 113}

var constData = map[string]Mem{}

// bytesConst returns a 32-byte read-only constant, defined once.
func bytesConst(name string, b func(i int) byte) Mem {
	if m, ok := constData[name]; ok {
		return m
	}
	m := GLOBL(name, RODATA|NOPTR)
	for i := 0; i < 32; i += 8 {
		var v uint64
		for k := 7; k >= 0; k-- {
			v = v<<8 | uint64(b(i+k))
		}
		DATA(i, U64(v))
	}
	constData[name] = m
	return m
}

func emitLegacy(m mode, L legacy) {
	name := "dot" + L.name + m.suffix
	header(name, "is "+L.generic+", n values.")
	SHRQ(U8(5), RCX)
	VXORPS(acc, acc, acc)
	VXORPS(X15, X15, X15)
	splat(0x0f0f0f0f, c1)
	splat(0x00010001, ones)
	switch {
	case L.table:
		VBROADCASTI128(bytesConst("iq4nl_values", func(i int) byte { return byte(kvaluesIQ4NL[i%16]) }), Y13)
		splat(0x80808080, c2)
	case L.offset != 0:
		o := uint32(L.offset)
		splat(o|o<<8|o<<16|o<<24, c2)
	}
	if L.qh != 0 {
		VMOVDQU(bytesConst("qh_shuf", func(i int) byte { return byte(i / 8) }), Y10)
		VMOVDQU(bytesConst("qh_bits", func(i int) byte { return 1 << (i % 8) }), Y11)
		splat(0x10101010, Y12)
	}
	TESTQ(RCX, RCX)
	JZ(LabelRef("done"))
	Label("loop")
	PREFETCHT0(Mem{Base: RSI, Disp: 8192})
	VMOVDQU(Mem{Base: RSI, Disp: L.qs}, vx.AsX())
	VPSRLW(U8(4), vx.AsX(), tmp.AsX())
	VINSERTI128(U8(1), tmp.AsX(), vx, vx)
	VPAND(c1, vx, vx)
	if L.qh != 0 {
		// Fifth bits: byte j gets 0x10 when bit j of qh is set.
		VPBROADCASTD(Mem{Base: RSI, Disp: L.qh}, tmp)
		VPSHUFB(Y10, tmp, tmp)
		VPAND(Y11, tmp, tmp)
		VPCMPEQB(Y11, tmp, tmp)
		VPAND(Y12, tmp, tmp)
		VPOR(tmp, vx, vx)
	}
	y := Mem{Base: RDI, Disp: L.yBytes - 32}
	switch {
	case L.table:
		VPSHUFB(vx, Y13, vx) // signed levels
		if m.vnni != 0 {
			// Σ v·y = Σ (v+128)·y − 128·Σ y.
			VPXOR(c2, vx, vx)
			VMOVDQU(y, vy)
			VPXOR(lane, lane, lane)
			VPXOR(tmp, tmp, tmp)
			vpdpbusd(m, vy, vx, lane)
			vpdpbusd(m, vy, c2, tmp)
			VPSUBD(tmp, lane, lane)
		} else {
			// Sign-extended to int16 (levels reach ±127: VPMADDUBSW
			// pairs could saturate).
			VEXTRACTI128(U8(1), vx, tmp.AsX())
			VPMOVSXBW(vx.AsX(), vx)
			VPMOVSXBW(y, vy)
			VPMADDWD(vy, vx, lane)
			VPMOVSXBW(tmp.AsX(), tmp)
			VPMOVSXBW(y.Offset(16), vy)
			VPMADDWD(vy, tmp, tmp)
			VPADDD(tmp, lane, lane)
		}
	case m.vnni != 0:
		VMOVDQU(y, vy)
		VPXOR(lane, lane, lane)
		vpdpbusd(m, vy, vx, lane)
		if L.offset != 0 {
			VPXOR(tmp, tmp, tmp)
			vpdpbusd(m, vy, c2, tmp)
			VPSUBD(tmp, lane, lane)
		}
	default:
		// Levels below 32: VPMADDUBSW pairs stay below 2·31·128.
		VMOVDQU(y, vy)
		VPMADDUBSW(vy, vx, lane)
		if L.offset != 0 {
			VPMADDUBSW(vy, c2, tmp)
			VPSUBW(tmp, lane, lane)
		}
		VPMADDWD(ones, lane, lane)
	}
	loadScale(Mem{Base: RSI}, dx)
	loadScale(Mem{Base: RDI}, dy)
	VMULPS(dy, dx, dx)
	VCVTDQ2PS(lane, lane)
	VFMADD231PS(dx, lane, acc)
	if L.min {
		loadScale(Mem{Base: RSI, Disp: 2}, dx)
		loadScale(Mem{Base: RDI, Disp: 2}, dy)
		VFMADD231SS(dy.AsX(), dx.AsX(), X15)
	}
	ADDQ(U8(L.xBytes), RSI)
	ADDQ(U8(L.yBytes), RDI)
	DECQ(RCX)
	JNZ(LabelRef("loop"))
	Label("done")
	if L.min {
		VADDPS(Y15, acc, acc)
	}
	hsumReturn(acc)
}

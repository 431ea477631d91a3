package main

import (
	"math"

	. "github.com/mmcloughlin/avo/build"
	. "github.com/mmcloughlin/avo/operand"
	. "github.com/mmcloughlin/avo/reg"
)

// Dequantization kernels of the other formats, each written once for a
// vector width: 8 lanes (YMM, the AVX2 kernels, with F16C) or 16 (ZMM, the
// AVX-512 kernels). A lane takes one value from its level, an int32, to
// its float32: converted, then exactly the reference's float32 operations
// in its order (a product, then the min added or subtracted: no FMA). The
// levels are unpacked either in the 32-bit lanes or, where that takes
// fewer instructions, 32 at a time in bytes stored into a local array and
// widened from there. The per-sub-block factors (d·sc_j, dmin·m_j) are
// computed once per super-block, eight lanes at a time, into a local
// array, and broadcast from there.

// dqWidth is the vector width of a dequantization kernel.
type dqWidth struct {
	suffix string // AVX2 or AVX512
	lanes  int    // 8 or 16
}

var dqWidths = []dqWidth{{"AVX2", 8}, {"AVX512", 16}}

var ymms = []VecPhysical{Y0, Y1, Y2, Y3, Y4, Y5, Y6, Y7, Y8, Y9, Y10, Y11, Y12, Y13, Y14, Y15}

// r returns vector register i at this width.
func (w dqWidth) r(i int) VecPhysical {
	if w.lanes == 16 {
		return ymms[i].AsZ().(VecPhysical)
	}
	return ymms[i]
}

// The bitwise instructions have EVEX-only names on ZMM registers.

func (w dqWidth) and(a, b, dst VecPhysical) {
	if w.lanes == 16 {
		VPANDD(a, b, dst)
	} else {
		VPAND(a, b, dst)
	}
}

func (w dqWidth) or(a, b, dst VecPhysical) {
	if w.lanes == 16 {
		VPORD(a, b, dst)
	} else {
		VPOR(a, b, dst)
	}
}

// andNot sets dst = ^b & a.
func (w dqWidth) andNot(a, b, dst VecPhysical) {
	if w.lanes == 16 {
		VPANDND(a, b, dst)
	} else {
		VPANDN(a, b, dst)
	}
}

// scale sets every lane of v to the float16 at m widened.
func (w dqWidth) scale(m Mem, v VecPhysical) {
	if w.lanes == 16 {
		VPBROADCASTW(m, v.AsY())
		VCVTPH2PS(v.AsY(), v)
		return
	}
	loadScale(m, v)
}

// dwordsConst returns a read-only constant of n 32-bit words, word i =
// f(i), defined once.
func dwordsConst(name string, n int, f func(i int) uint32) Mem {
	if m, ok := constData[name]; ok {
		return m
	}
	m := GLOBL(name, RODATA|NOPTR)
	for i := 0; i < n; i += 2 {
		DATA(4*i, U64(uint64(f(i))|uint64(f(i+1))<<32))
	}
	constData[name] = m
	return m
}

// iq4Floats is kvaluesIQ4NL as float32: VPERMPS's table on ZMM.
func iq4Floats() Mem {
	return dwordsConst("iq4nl_floats", 16, func(i int) uint32 { return math.Float32bits(float32(kvaluesIQ4NL[i])) })
}

// iq4Table is kvaluesIQ4NL in both 128-bit lanes: VPSHUFB's table on YMM.
func iq4Table() Mem {
	return bytesConst("iq4nl_values", func(i int) byte { return byte(kvaluesIQ4NL[i%16]) })
}

// nibbles sets v to the lanes of the 4-bit levels of values 0…W−1 of the
// group that starts with value v0 of a 32-value block whose 16 packed bytes
// are at m (value j < 16 the low nibble of byte j, value 16+j its high
// nibble); c15 holds 15 in every lane, or is nil when the caller needs
// only the low 4 bits of a low nibble's lane.
func (w dqWidth) nibbles(m Mem, v0 int, v, c15 VecPhysical) {
	VPMOVZXBD(m.Offset(v0%16), v)
	switch {
	case v0 >= 16:
		VPSRLD(U8(4), v, v)
	case c15 != nil:
		w.and(c15, v, v)
	}
}

// legacy32 describes a 32-value block format for the dequantizers.
type legacy32 struct {
	name   string
	bytes  int  // block bytes
	qs, qh int  // offsets of the nibbles and of the 32 fifth bits (0: none)
	offset int  // subtracted from the nibbles (Q4_0; not with qh)
	min    bool // float16 m at offset 2, added to each product
	table  bool // IQ4_NL levels
	doc    string
}

var dequantLegacies = []legacy32{
	{name: "Q4_1", bytes: 20, qs: 4, min: true, doc: "dst[i] = float(u[i])·d + m"},
	{name: "Q5_0", bytes: 22, qs: 6, qh: 2, doc: "dst[i] = float(u[i]−16)·d"},
	{name: "Q5_1", bytes: 24, qs: 8, qh: 4, min: true, doc: "dst[i] = float(u[i])·d + m"},
	{name: "IQ4_NL", bytes: 18, qs: 2, table: true, doc: "dst[i] = d·float(kvalues[u[i]])"},
}

func emitDequantLegacy(w dqWidth, L legacy32) {
	if w.lanes == 8 && (L.qh != 0 || L.table) {
		emitDequantLegacyBytes(L)
		return
	}
	c15, tab, d, m, qh := w.r(5), w.r(7), w.r(8), w.r(9), w.r(10)
	c16, neg16 := w.r(6), w.r(6)
	dequantHeader("dequant"+L.name+w.suffix, "is dequantize"+L.name+": "+L.doc+", block by block.", 5, func() {
		switch {
		case L.table:
			VMOVUPS(iq4Floats(), tab)
		default:
			splat(15, c15)
		}
		switch {
		case L.qh != 0 && L.min:
			splat(16, c16)
		case L.qh != 0:
			splat(math.MaxUint32-15, neg16)
		case L.offset != 0:
			splat(uint32(L.offset), c16)
		}
	})
	w.scale(Mem{Base: RSI}, d)
	if L.min {
		w.scale(Mem{Base: RSI, Disp: 2}, m)
	}
	if L.qh != 0 {
		VPBROADCASTD(Mem{Base: RSI, Disp: L.qh}, qh)
	}
	// Lane j of shl31[j] moves bit j of qh to the top bit.
	shl31 := dwordsConst("dq_shl31", 32, func(i int) uint32 { return uint32(31 - i) })
	for g := 0; g < 32; g += w.lanes {
		v, t := w.r(1+g/8%2*2), w.r(2+g/8%2*2)
		mask := c15
		if L.table {
			mask = nil // VPERMPS reads only the low 4 bits of an index
		}
		w.nibbles(Mem{Base: RSI, Disp: L.qs}, g, v, mask)
		if L.qh != 0 {
			// t = −1 where the fifth bit is set, else 0.
			VPSLLVD(shl31.Offset(4*g), qh, t)
			VPSRAD(U8(31), t, t)
			if L.min {
				w.and(c16, t, t)
				w.or(t, v, v)
			} else {
				// u−16 is the nibble when the bit is set, the nibble −
				// 16 when not.
				w.andNot(neg16, t, t)
				VPADDD(t, v, v)
			}
		}
		if L.offset != 0 {
			VPSUBD(c16, v, v)
		}
		if L.table {
			VPERMPS(tab, v, v)
		} else {
			VCVTDQ2PS(v, v)
		}
		VMULPS(d, v, v)
		if L.min {
			VADDPS(m, v, v)
		}
		VMOVUPS(v, Mem{Base: RDI, Disp: 4 * g})
	}
	dequantFooter(L.bytes, 128)
}

// levelBytesSetup loads the constants of levelBytes.
func levelBytesSetup(L legacy32) {
	splat(0x0f0f0f0f, Y5)
	if L.table {
		VBROADCASTI128(iq4Table(), Y7)
	}
	if L.qh != 0 {
		VMOVDQU(bytesConst("qh_shuf", func(i int) byte { return byte(i / 8) }), Y10)
		VMOVDQU(bytesConst("qh_bits", func(i int) byte { return 1 << (i % 8) }), Y11)
		if L.min {
			splat(0x10101010, Y12)
		} else {
			splat(0xf0f0f0f0, Y12)
		}
	}
}

// levelBytes stores at buf the 32 levels of the block at RSI whose 16
// nibble bytes are at qs, a byte each in value order: u (Q5_1), u−16
// (Q5_0, signed) or the IQ4_NL level (signed). The YMM kernels of these
// formats then widen eight levels at a time from buf, which takes fewer
// instructions than unpacking the fifth bits or looking up the table in
// 32-bit lanes. Clobbers Y1, Y2.
func levelBytes(L legacy32, qs, buf Mem) {
	VMOVDQU(qs, X1)
	VPSRLW(U8(4), X1, X2)
	VINSERTI128(U8(1), X2, Y1, Y1)
	VPAND(Y5, Y1, Y1)
	if L.qh != 0 {
		// Byte j: 0xff where bit j of qh is set, else 0; then 0x10 where
		// set (Q5_1) or 0xf0 = −16 where clear (Q5_0), ored into the
		// nibble.
		VPBROADCASTD(Mem{Base: RSI, Disp: L.qh}, Y2)
		VPSHUFB(Y10, Y2, Y2)
		VPAND(Y11, Y2, Y2)
		VPCMPEQB(Y11, Y2, Y2)
		if L.min {
			VPAND(Y12, Y2, Y2)
		} else {
			VPANDN(Y12, Y2, Y2)
		}
		VPOR(Y2, Y1, Y1)
	}
	if L.table {
		VPSHUFB(Y1, Y7, Y1)
	}
	VMOVDQU(Y1, buf)
}

// emitDequantLegacyBytes writes the YMM kernel of Q5_0, Q5_1 or IQ4_NL
// through levelBytes.
func emitDequantLegacyBytes(L legacy32) {
	var buf Mem
	d, m := Y8, Y9
	dequantHeader("dequant"+L.name+"AVX2", "is dequantize"+L.name+": "+L.doc+", block by block.", 5, func() {
		buf = AllocLocal(32)
		levelBytesSetup(L)
	})
	levelBytes(L, Mem{Base: RSI, Disp: L.qs}, buf)
	loadScale(Mem{Base: RSI}, d)
	if L.min {
		loadScale(Mem{Base: RSI, Disp: 2}, m)
	}
	for g := range 4 {
		v := ymms[1+g]
		if L.min {
			VPMOVZXBD(buf.Offset(8*g), v)
		} else {
			VPMOVSXBD(buf.Offset(8*g), v)
		}
		VCVTDQ2PS(v, v)
		VMULPS(d, v, v)
		if L.min {
			VADDPS(m, v, v)
		}
		VMOVUPS(v, Mem{Base: RDI, Disp: 32 * g})
	}
	dequantFooter(L.bytes, 128)
}

// emitDequant8 writes the dequantizer of a format of signed 8-bit levels
// and one scale per block: Q8_0 and Q8_1 (float16 d), Q8_K (float32 d).
func emitDequant8(w dqWidth, name string, bytes, qs, values int, f32 bool) {
	shift := 5
	if values == 256 {
		shift = 8
	}
	d := w.r(8)
	dequantHeader("dequant"+name+w.suffix, "is dequantize"+name+": dst[i] = d·float(q[i]), block by block.", shift, nil)
	if f32 {
		VBROADCASTSS(Mem{Base: RSI}, d)
	} else {
		w.scale(Mem{Base: RSI}, d)
	}
	for g := 0; g < values; g += w.lanes {
		v := w.r(1 + g/w.lanes%4)
		VPMOVSXBD(Mem{Base: RSI, Disp: qs + g}, v)
		VCVTDQ2PS(v, v)
		VMULPS(d, v, v)
		VMOVUPS(v, Mem{Base: RDI, Disp: 4 * g})
	}
	dequantFooter(bytes, 4*values)
}

// emitDequantIQ4_XS: dl_j = d·float(ls_j − 32) for the eight sub-blocks,
// then IQ4_NL's levels times dl_j (through levelBytes on YMM).
func emitDequantIQ4_XS(w dqWidth) {
	var dl, buf Mem
	tab, s := w.r(7), w.r(8)
	iq4 := legacy32{table: true}
	dequantHeader("dequantIQ4_XS"+w.suffix, "is dequantizeIQ4_XS: dst[i] = dl_j·float(kvalues[u[i]]), dl_j = d·float(ls_j−32), super-block by super-block.", 8, func() {
		dl = AllocLocal(32)
		if w.lanes == 16 {
			VMOVUPS(iq4Floats(), tab)
		} else {
			buf = AllocLocal(256)
			levelBytesSetup(iq4)
		}
	})
	// ls_j: 4 bits from scales_l (offset 4), 2 from scales_h (offset 2).
	VPBROADCASTD(Mem{Base: RSI, Disp: 4}, Y1)
	VPSRLVD(dwordsConst("dq_mul4", 8, func(i int) uint32 { return uint32(4 * i) }), Y1, Y1)
	VPSLLD(U8(28), Y1, Y1)
	VPSRLD(U8(28), Y1, Y1)
	VPBROADCASTD(Mem{Base: RSI, Disp: 2}, Y2)
	VPSRLVD(dwordsConst("dq_mul2", 8, func(i int) uint32 { return uint32(2 * i) }), Y2, Y2)
	VPSLLD(U8(30), Y2, Y2)
	VPSRLD(U8(26), Y2, Y2)
	VPOR(Y2, Y1, Y1)
	VPSUBD(dwordsConst("dq_32", 8, func(int) uint32 { return 32 }), Y1, Y1)
	VCVTDQ2PS(Y1, Y1)
	loadScale(Mem{Base: RSI}, Y2)
	VMULPS(Y1, Y2, Y1)
	VMOVUPS(Y1, dl)
	for ib := range 8 {
		qs := Mem{Base: RSI, Disp: 8 + 16*ib}
		if w.lanes == 8 {
			levelBytes(iq4, qs, buf.Offset(32*ib))
		}
		VBROADCASTSS(dl.Offset(4*ib), s)
		for g := 0; g < 32; g += w.lanes {
			v := w.r(1 + g/8%4)
			if w.lanes == 8 {
				VPMOVSXBD(buf.Offset(32*ib+g), v)
				VCVTDQ2PS(v, v)
			} else {
				w.nibbles(qs, g, v, nil)
				VPERMPS(tab, v, v)
			}
			VMULPS(s, v, v)
			VMOVUPS(v, Mem{Base: RDI, Disp: 4 * (32*ib + g)})
		}
	}
	dequantFooter(136, 1024)
}

// widenChunk writes the 32 values 32c…32c+31 of a super-block from their
// level bytes at buf (signed or not): float(level) times the factor of
// its sub-block of sub values (broadcast from f into sd), minus the
// sub-block's second factor (at f+off2, into sm) when off2 > 0.
func (w dqWidth) widenChunk(buf, f Mem, c, sub, off2 int, signed bool) {
	sd, sm := w.r(8), w.r(9)
	for g := 0; g < 32; g += w.lanes {
		if j := (32*c + g) / sub; g%sub == 0 {
			VBROADCASTSS(f.Offset(4*j), sd)
			if off2 > 0 {
				VBROADCASTSS(f.Offset(off2+4*j), sm)
			}
		}
		v := w.r(11 + g/w.lanes)
		if signed {
			VPMOVSXBD(buf.Offset(g), v)
		} else {
			VPMOVZXBD(buf.Offset(g), v)
		}
		VCVTDQ2PS(v, v)
		VMULPS(sd, v, v)
		if off2 > 0 {
			VSUBPS(sm, v, v)
		}
		VMOVUPS(v, Mem{Base: RDI, Disp: 4 * (32*c + g)})
	}
}

// The K-quant kernels below unpack the levels of 32 values at a time into
// bytes (in YMM registers at both widths), store them into a local array,
// and widen them from there with widenChunk.

// emitDequantQ2_K: dst = float(d·sc_j · q) − dmin·m_j over the sixteen
// sub-blocks of 16; values 32c…32c+31 (c = 4n+s) are the 2-bit fields 2s
// of the 32 bytes at 16 + 32n.
func emitDequantQ2_K(w dqWidth) {
	var f, buf Mem
	dequantHeader("dequantQ2_K"+w.suffix, "is dequantizeQ2_K: dst[i] = float(d·sc_j · q[i]) − dmin·m_j, super-block by super-block.", 8, func() {
		f = AllocLocal(128) // d·sc_j, then dmin·m_j
		buf = AllocLocal(256)
		splat(0x03030303, Y5)
		splat(15, Y6)
	})
	loadScale(Mem{Base: RSI, Disp: 80}, Y3)
	loadScale(Mem{Base: RSI, Disp: 82}, Y4)
	for h := range 2 {
		VPMOVZXBD(Mem{Base: RSI, Disp: 8 * h}, Y1)
		VPAND(Y6, Y1, Y2)
		VPSRLD(U8(4), Y1, Y1)
		VCVTDQ2PS(Y2, Y2)
		VCVTDQ2PS(Y1, Y1)
		VMULPS(Y3, Y2, Y2)
		VMULPS(Y4, Y1, Y1)
		VMOVUPS(Y2, f.Offset(32*h))
		VMOVUPS(Y1, f.Offset(64+32*h))
	}
	for c := range 8 {
		n, s := c/4, c%4
		if s == 0 {
			VMOVDQU(Mem{Base: RSI, Disp: 16 + 32*n}, Y7)
		}
		if s > 0 {
			VPSRLW(U8(2*s), Y7, Y1)
			VPAND(Y5, Y1, Y1)
		} else {
			VPAND(Y5, Y7, Y1)
		}
		VMOVDQU(Y1, buf.Offset(32*c))
		w.widenChunk(buf.Offset(32*c), f, c, 16, 64, false)
	}
	dequantFooter(84, 1024)
}

// emitDequantQ3_K: dst = dl_j·float(q − 4·(1−h)), dl_j = d·float(s_j−32),
// over the sixteen sub-blocks of 16; values 32c…32c+31 (c = 4n+s) are the
// 2-bit fields 2s of the 32 bytes at 32 + 32n with the high bits c of the
// 32 hmask bytes.
func emitDequantQ3_K(w dqWidth) {
	var f, buf Mem
	dequantHeader("dequantQ3_K"+w.suffix, "is dequantizeQ3_K: dst[i] = dl_j·float(q[i]−4·(1−h[i])), dl_j = d·float(s_j−32), super-block by super-block.", 8, func() {
		f = AllocLocal(64) // dl_j
		buf = AllocLocal(256)
		splat(0x03030303, Y5)
		splat(0x04040404, Y6)
	})
	// s_j: 4 bits from byte j%8 of the scales (low nibble for j < 8),
	// 2 bits from byte 8 + j%4 (bits 2·(j/4)).
	shifts := dwordsConst("dq_q3_shifts", 16, func(j int) uint32 { return uint32(8*(j%4) + 2*(j/4)) })
	VPMOVZXBD(Mem{Base: RSI, Disp: 96}, Y1)
	VPBROADCASTD(Mem{Base: RSI, Disp: 104}, Y4)
	loadScale(Mem{Base: RSI, Disp: 108}, Y7)
	for h := range 2 {
		if h == 0 {
			VPSLLD(U8(28), Y1, Y2)
			VPSRLD(U8(28), Y2, Y2)
		} else {
			VPSRLD(U8(4), Y1, Y2)
		}
		VPSRLVD(shifts.Offset(32*h), Y4, Y3)
		VPSLLD(U8(30), Y3, Y3)
		VPSRLD(U8(26), Y3, Y3)
		VPOR(Y3, Y2, Y2)
		VPSUBD(dwordsConst("dq_32", 8, func(int) uint32 { return 32 }), Y2, Y2)
		VCVTDQ2PS(Y2, Y2)
		VMULPS(Y2, Y7, Y2)
		VMOVUPS(Y2, f.Offset(32*h))
	}
	VMOVDQU(Mem{Base: RSI}, Y10) // hmask
	for c := range 8 {
		n, s := c/4, c%4
		if s == 0 {
			VMOVDQU(Mem{Base: RSI, Disp: 32 + 32*n}, Y7)
		}
		if s > 0 {
			VPSRLW(U8(2*s), Y7, Y1)
			VPAND(Y5, Y1, Y1)
		} else {
			VPAND(Y5, Y7, Y1)
		}
		// Bit c of each hmask byte moved to bit 2: 4 where it is clear,
		// subtracted.
		switch {
		case c < 2:
			VPSLLD(U8(2-c), Y10, Y2)
		case c > 2:
			VPSRLD(U8(c-2), Y10, Y2)
		default:
			VMOVDQU(Y10, Y2)
		}
		VPANDN(Y6, Y2, Y2)
		VPSUBB(Y2, Y1, Y1)
		VMOVDQU(Y1, buf.Offset(32*c))
		w.widenChunk(buf.Offset(32*c), f, c, 16, 0, true)
	}
	dequantFooter(110, 1024)
}

// emitDequantK45 writes the Q4_K (q5 false) or Q5_K dequantizer: dst =
// float(d·sc_j · q) − dmin·m_j over the eight sub-blocks of 32; sub-block
// j has the low (j even) or high nibbles of the 32 bytes at qs + 32·(j/2)
// (qs 16, or 48 after Q5_K's 32 qh bytes at 16, whose bit j is the fifth
// bit of sub-block j).
func emitDequantK45(w dqWidth, q5 bool) {
	var f, buf Mem
	name, qs, bytes := "Q4_K", 16, 144
	if q5 {
		name, qs, bytes = "Q5_K", 48, 176
	}
	dequantHeader("dequant"+name+w.suffix, "is dequantize"+name+": dst[i] = float(d·sc_j · q[i]) − dmin·m_j, super-block by super-block.", 8, func() {
		f = AllocLocal(64) // d·sc_j, then dmin·m_j
		buf = AllocLocal(256)
		splat(0x0f0f0f0f, Y5)
		splat(0x10101010, Y6)
	})
	unpackK4Scales()
	VMOVQ(R8, X1)
	VPMOVZXBD(X1, Y1)
	VCVTDQ2PS(Y1, Y1)
	loadScale(Mem{Base: RSI}, Y3)
	VMULPS(Y3, Y1, Y1)
	VMOVUPS(Y1, f)
	VMOVQ(R12, X2)
	VPMOVZXBD(X2, Y2)
	VCVTDQ2PS(Y2, Y2)
	loadScale(Mem{Base: RSI, Disp: 2}, Y4)
	VMULPS(Y4, Y2, Y2)
	VMOVUPS(Y2, f.Offset(32))
	if !q5 {
		// Q4_K's nibbles straight into the lanes: fewer instructions
		// than through level bytes.
		c15 := w.r(6)
		if w.lanes == 16 {
			splatZ(15, c15)
		} else {
			splat(15, c15)
		}
		sd, sm := w.r(8), w.r(9)
		for j := range 8 {
			VBROADCASTSS(f.Offset(4*j), sd)
			VBROADCASTSS(f.Offset(32+4*j), sm)
			for g := 0; g < 32; g += w.lanes {
				v := w.r(11 + g/w.lanes)
				VPMOVZXBD(Mem{Base: RSI, Disp: qs + 32*(j/2) + g}, v)
				if j%2 == 0 {
					w.and(c15, v, v)
				} else {
					VPSRLD(U8(4), v, v)
				}
				VCVTDQ2PS(v, v)
				VMULPS(sd, v, v)
				VSUBPS(sm, v, v)
				VMOVUPS(v, Mem{Base: RDI, Disp: 4 * (32*j + g)})
			}
		}
		dequantFooter(bytes, 1024)
		return
	}
	VMOVDQU(Mem{Base: RSI, Disp: 16}, Y7) // qh
	for j := range 8 {
		if j%2 == 0 {
			VMOVDQU(Mem{Base: RSI, Disp: qs + 32*(j/2)}, Y10)
			VPAND(Y5, Y10, Y1)
		} else {
			VPSRLW(U8(4), Y10, Y1)
			VPAND(Y5, Y1, Y1)
		}
		if q5 {
			// Bit j of each qh byte moved to bit 4.
			switch {
			case j < 4:
				VPSLLD(U8(4-j), Y7, Y2)
			case j > 4:
				VPSRLD(U8(j-4), Y7, Y2)
			default:
				VMOVDQU(Y7, Y2)
			}
			VPAND(Y6, Y2, Y2)
			VPOR(Y2, Y1, Y1)
		}
		VMOVDQU(Y1, buf.Offset(32*j))
		w.widenChunk(buf.Offset(32*j), f, j, 32, 32, false)
	}
	dequantFooter(bytes, 1024)
}

// emitDequantQ6_K: dst = (d·sc_j)·float(q − 32) over the sixteen
// sub-blocks of 16; values 32c…32c+31 (c = 4h + k) have the low (k < 2)
// or high nibbles of the 32 bytes at 64h + 32·(k%2) and bits 2k, 2k+1 of
// the 32 qh bytes at 128 + 32h as bits 4 and 5.
func emitDequantQ6_K(w dqWidth) {
	var f, buf Mem
	dequantHeader("dequantQ6_K"+w.suffix, "is dequantizeQ6_K: dst[i] = (d·sc_j)·float(q[i]−32), super-block by super-block.", 8, func() {
		f = AllocLocal(64) // d·sc_j
		buf = AllocLocal(256)
		splat(0x0f0f0f0f, Y5)
		splat(0x30303030, Y6)
		splat(0x20202020, Y4)
	})
	loadScale(Mem{Base: RSI, Disp: 208}, Y3)
	for h := range 2 {
		VPMOVSXBD(Mem{Base: RSI, Disp: 192 + 8*h}, Y1)
		VCVTDQ2PS(Y1, Y1)
		VMULPS(Y1, Y3, Y1)
		VMOVUPS(Y1, f.Offset(32*h))
	}
	for c := range 8 {
		h, k := c/4, c%4
		if k == 0 {
			VMOVDQU(Mem{Base: RSI, Disp: 128 + 32*h}, Y7) // qh
		}
		if k < 2 {
			VMOVDQU(Mem{Base: RSI, Disp: 64*h + 32*k}, Y1)
			VPAND(Y5, Y1, Y1)
		} else {
			VMOVDQU(Mem{Base: RSI, Disp: 64*h + 32*(k-2)}, Y1)
			VPSRLW(U8(4), Y1, Y1)
			VPAND(Y5, Y1, Y1)
		}
		// Bits 2k, 2k+1 of each qh byte moved to bits 4, 5 (word shifts:
		// the bits that cross bytes are masked off).
		switch {
		case k < 2:
			VPSLLW(U8(4-2*k), Y7, Y2)
		case k > 2:
			VPSRLW(U8(2*k-4), Y7, Y2)
		default:
			VMOVDQU(Y7, Y2)
		}
		VPAND(Y6, Y2, Y2)
		VPOR(Y2, Y1, Y1)
		VPSUBB(Y4, Y1, Y1)
		VMOVDQU(Y1, buf.Offset(32*c))
		w.widenChunk(buf.Offset(32*c), f, c, 16, 0, true)
	}
	dequantFooter(210, 1024)
}

// emitDequant2 writes the dequantizers of Q4_1, Q5_0, Q5_1, Q8_1, Q2_K,
// Q3_K, Q5_K, Q6_K, Q8_K, IQ4_NL and IQ4_XS at both widths, and the ZMM
// ones of Q8_0, Q4_0 and Q4_K.
func emitDequant2() {
	for _, w := range dqWidths {
		for _, L := range dequantLegacies {
			emitDequantLegacy(w, L)
		}
		emitDequant8(w, "Q8_1", 36, 4, 32, false)
		emitDequant8(w, "Q8_K", 292, 4, 256, true)
		emitDequantIQ4_XS(w)
		emitDequantQ2_K(w)
		emitDequantQ3_K(w)
		emitDequantK45(w, true)
	}
	for _, w := range dqWidths {
		emitDequantQ6_K(w)
	}
	// The AVX-512 path's kernels of the types whose AVX2 kernels are in
	// dequant.go.
	z := dqWidths[1]
	emitDequant8(z, "Q8_0", 34, 2, 32, false)
	emitDequantLegacy(z, legacy32{name: "Q4_0", bytes: 18, qs: 2, offset: 8, doc: "dst[i] = float(u[i]−8)·d"})
	emitDequantK45(z, false)
}

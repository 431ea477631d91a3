package main

import (
	"fmt"

	"github.com/batuta-go/stack/asm/internal/a64"
)

// NEON dequantization, bit-exact with the references: every value is the
// float32 product of the same two factors as in the reference, then (for
// the types with a minimum) the minimum added or subtracted as a separate
// float32 operation: FMUL then FADD/FSUB, never a fused FMLA, because the
// reference rounds the product first. R0 = dst, R1 = src, R2 = blocks left.
// This file holds the 32-value block types; neon_dequant_k.go the
// super-block ones.

func neonDequantHeader(f *a64.File, name, doc string, shift int) *a64.Func {
	fn := f.Func(name, "func(dst []float32, src []byte)", name+" "+doc)
	fn.Go("MOVD %s, R0", fn.Arg("dst_base"))
	fn.Go("MOVD %s, R1", fn.Arg("src_base"))
	fn.Go("MOVD %s, R2", fn.Arg("dst_len"))
	fn.Go("LSR $%d, R2", shift)
	return fn
}

// neonDequantNext closes the block loop.
func neonDequantNext(fn *a64.Func) {
	fn.Go("SUBS $1, R2")
	fn.Go("BNE loop")
	fn.Label("done")
	fn.Ret()
}

// neonWiden16 converts the 16 signed bytes of v (unsigned when !signed)
// to float32, multiplies them by the lane mul (a "vN.s[i]" operand), then,
// when op is "fadd" or "fsub", adds or subtracts the vector register add
// (op "" for none), and stores them at R0. It clobbers V16-V19, V21 and
// V22.
func neonWiden16(fn *a64.Func, v int, signed bool, mul, op string, add int) {
	ext := "uxtl"
	if signed {
		ext = "sxtl"
	}
	fn.Op("%s v21.8h, v%d.8b", ext, v)
	fn.Op("%s2 v22.8h, v%d.16b", ext, v)
	fn.Op("%s v16.4s, v21.4h", ext)
	fn.Op("%s2 v17.4s, v21.8h", ext)
	fn.Op("%s v18.4s, v22.4h", ext)
	fn.Op("%s2 v19.4s, v22.8h", ext)
	for r := 16; r < 20; r++ {
		fn.Op("scvtf v%d.4s, v%d.4s", r, r)
		fn.Op("fmul v%d.4s, v%d.4s, %s", r, r, mul)
		if op != "" {
			fn.Op("%s v%d.4s, v%d.4s, v%d.4s", op, r, r, add)
		}
	}
	fn.Go("VST1.P [V16.S4, V17.S4, V18.S4, V19.S4], 64(R0)")
}

// neonLane names lane i of the float32 vectors V(first), V(first+1), …, four
// lanes each: neonLane(10, 5) is "v11.s[1]".
func neonLane(first, i int) string { return fmt.Sprintf("v%d.s[%d]", first+i/4, i%4) }

// neonDequantQ8 is Q8_0 (qs at 2) and Q8_1 (qs at 4, after d and s):
// dst[i] = float(q[i])·d.
func neonDequantQ8(f *a64.File, name string, qs int) {
	fn := neonDequantHeader(f, "dequant"+name+"NEON", "is dequantize"+name+": dst[i] = float(q[i])·d, block by block.", 5)
	fn.Go("CBZ R2, done")
	fn.Label("loop")
	fn.Go("MOVHU (R1), R4")
	fn.Op("ins v5.h[0], w4")
	fn.Op("fcvtl v5.4s, v5.4h")
	fn.Go("ADD $%d, R1", qs)
	fn.Go("VLD1.P 32(R1), [V0.B16, V1.B16]")
	neonWiden16(fn, 0, true, "v5.s[0]", "", 0)
	neonWiden16(fn, 1, true, "v5.s[0]", "", 0)
	neonDequantNext(fn)
}

// neonDq32 describes a 32-value block of 4-bit levels (plus a fifth bit
// from qh): value j is the low nibble of byte j, value j+16 its high
// nibble.
type neonDq32 struct {
	name   string // Q4_0 …
	bytes  int    // bytes per block
	qs, qh int    // offsets of the nibbles and of the 32 fifth bits (0: none)
	offset int    // subtracted from the level (8, 16), or 0
	min    bool   // the float16 m at 2 added after the product
	table  bool   // IQ4_NL: the level is kvaluesIQ4NL[u]
	doc    string // the value the reference computes
}

var neonDq32s = []neonDq32{
	{name: "Q4_0", bytes: 18, qs: 2, offset: 8, doc: "float(u[i]−8)·d"},
	{name: "Q4_1", bytes: 20, qs: 4, min: true, doc: "float(u[i])·d + m, the product rounded first"},
	{name: "Q5_0", bytes: 22, qs: 6, qh: 2, offset: 16, doc: "float(u[i]−16)·d, u with its fifth bit"},
	{name: "Q5_1", bytes: 24, qs: 8, qh: 4, min: true, doc: "float(u[i])·d + m, the product rounded first, u with its fifth bit"},
	{name: "IQ4_NL", bytes: 18, qs: 2, table: true, doc: "d·float(kvaluesIQ4NL[u[i]])"},
}

// neonQhConst returns the table that spreads the 32 bits of qh over 32
// bytes: the byte index (i/8) of bit i for TBL, then the mask 1<<(i%8).
func neonQhConst(f *a64.File) string {
	var c []byte
	for i := range 32 {
		c = append(c, byte(i/8))
	}
	for i := range 16 {
		c = append(c, byte(1<<(i%8)))
	}
	return neonData(f, "qhconst", c)
}

// neonIQ4Table returns the table of IQ4_NL levels as signed bytes.
func neonIQ4Table(f *a64.File) string {
	var c []byte
	for _, v := range kvaluesIQ4NL {
		c = append(c, byte(v))
	}
	return neonData(f, "iq4nlvalues", c)
}

// neonDequantLegacy: V0 the high nibbles, V1 the low ones, made levels in
// place; V5 lanes 0 and 1 d and m, V15 m in every lane.
func neonDequantLegacy(f *a64.File, L neonDq32) {
	fn := neonDequantHeader(f, "dequant"+L.name+"NEON", "is dequantize"+L.name+": dst[i] = "+L.doc+", block by block.", 5)
	fn.Op("movi v30.16b, #0x0f")
	if L.offset != 0 {
		fn.Op("movi v31.16b, #%d", L.offset)
	}
	if L.qh != 0 {
		fn.Go("MOVD $%s, R3", neonQhConst(f))
		fn.Go("VLD1 (R3), [V26.B16, V27.B16, V28.B16]")
		fn.Op("movi v29.16b, #0x10")
	}
	if L.table {
		fn.Go("MOVD $%s, R3", neonIQ4Table(f))
		fn.Go("VLD1 (R3), [V25.B16]")
	}
	fn.Go("CBZ R2, done")
	fn.Label("loop")
	if L.min {
		fn.Go("MOVWU (R1), R4")
		fn.Op("ins v5.s[0], w4")
	} else {
		fn.Go("MOVHU (R1), R4")
		fn.Op("ins v5.h[0], w4")
	}
	fn.Op("fcvtl v5.4s, v5.4h")
	if L.min {
		fn.Op("dup v15.4s, v5.s[1]")
	}
	if L.qh != 0 {
		fn.Go("MOVWU %d(R1), R6", L.qh)
	}
	fn.Go("ADD $%d, R1, R7", L.qs)
	fn.Go("VLD1 (R7), [V0.B16]")
	fn.Go("ADD $%d, R1", L.bytes)
	fn.Op("and v1.16b, v0.16b, v30.16b")
	fn.Op("ushr v0.16b, v0.16b, #4")
	if L.qh != 0 {
		// Bit j of qh becomes bit 4 of level j.
		fn.Op("dup v16.4s, w6")
		fn.Op("tbl v17.16b, {v16.16b}, v26.16b")
		fn.Op("tbl v18.16b, {v16.16b}, v27.16b")
		fn.Op("cmtst v17.16b, v17.16b, v28.16b")
		fn.Op("cmtst v18.16b, v18.16b, v28.16b")
		fn.Op("and v17.16b, v17.16b, v29.16b")
		fn.Op("and v18.16b, v18.16b, v29.16b")
		fn.Op("orr v1.16b, v1.16b, v17.16b")
		fn.Op("orr v0.16b, v0.16b, v18.16b")
	}
	if L.table {
		fn.Op("tbl v1.16b, {v25.16b}, v1.16b")
		fn.Op("tbl v0.16b, {v25.16b}, v0.16b")
	}
	if L.offset != 0 {
		fn.Op("sub v1.16b, v1.16b, v31.16b")
		fn.Op("sub v0.16b, v0.16b, v31.16b")
	}
	signed := L.offset != 0 || L.table
	op := ""
	if L.min {
		op = "fadd"
	}
	neonWiden16(fn, 1, signed, "v5.s[0]", op, 15)
	neonWiden16(fn, 0, signed, "v5.s[0]", op, 15)
	neonDequantNext(fn)
}

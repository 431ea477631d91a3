package main

import (
	. "github.com/mmcloughlin/avo/build"
	. "github.com/mmcloughlin/avo/operand"
)

// iota8 and iota16 are the dwords 0..7 and 0..15, the row numbers the
// gather indices of the packers' last columns are built from.
var iota8, iota16 Mem

func packData() {
	iota8 = GLOBL("gemmIota8", RODATA|NOPTR)
	for i := 0; i < 8; i++ {
		DATA(4*i, U32(uint32(i)))
	}
	iota16 = GLOBL("gemmIota16", RODATA|NOPTR)
	for i := 0; i < 16; i++ {
		DATA(4*i, U32(uint32(i)))
	}
}

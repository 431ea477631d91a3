package a64

import (
	"fmt"
	"math"
)

// Encoding-class bases: every register, size and Q field zero.
func same3(u, opc uint32) uint32     { return 0x0e200400 | u<<29 | opc<<11 }
func fsame3(u, a, opc uint32) uint32 { return 0x0e200400 | u<<29 | a<<23 | opc<<11 }
func misc(u, opc uint32) uint32      { return 0x0e200800 | u<<29 | opc<<12 }
func fmisc(u, a, opc uint32) uint32  { return 0x0e200800 | u<<29 | a<<23 | opc<<12 }
func across(u, opc uint32) uint32    { return 0x0e300800 | u<<29 | opc<<12 }
func shimm(u, opc uint32) uint32     { return 0x0f000400 | u<<29 | opc<<11 }
func byelem(u, opc uint32) uint32    { return 0x0f000000 | u<<29 | opc<<12 }
func diff3(u, opc uint32) uint32     { return 0x0e200000 | u<<29 | opc<<12 }

func init() {
	// Integer three-same.
	for _, x := range []struct {
		name   string
		u, opc uint32
		arrs   Arrs
	}{
		{"shadd", 0, 0b00000, ArrBHS}, {"uhadd", 1, 0b00000, ArrBHS},
		{"sqadd", 0, 0b00001, ArrAll}, {"uqadd", 1, 0b00001, ArrAll},
		{"srhadd", 0, 0b00010, ArrBHS}, {"urhadd", 1, 0b00010, ArrBHS},
		{"shsub", 0, 0b00100, ArrBHS}, {"uhsub", 1, 0b00100, ArrBHS},
		{"sqsub", 0, 0b00101, ArrAll}, {"uqsub", 1, 0b00101, ArrAll},
		{"cmgt", 0, 0b00110, ArrAll}, {"cmhi", 1, 0b00110, ArrAll},
		{"cmge", 0, 0b00111, ArrAll}, {"cmhs", 1, 0b00111, ArrAll},
		{"sshl", 0, 0b01000, ArrAll}, {"ushl", 1, 0b01000, ArrAll},
		{"srshl", 0, 0b01010, ArrAll}, {"urshl", 1, 0b01010, ArrAll},
		{"smax", 0, 0b01100, ArrBHS}, {"umax", 1, 0b01100, ArrBHS},
		{"smin", 0, 0b01101, ArrBHS}, {"umin", 1, 0b01101, ArrBHS},
		{"sabd", 0, 0b01110, ArrBHS}, {"uabd", 1, 0b01110, ArrBHS},
		{"saba", 0, 0b01111, ArrBHS}, {"uaba", 1, 0b01111, ArrBHS},
		{"add", 0, 0b10000, ArrAll}, {"sub", 1, 0b10000, ArrAll},
		{"cmtst", 0, 0b10001, ArrAll}, {"cmeq", 1, 0b10001, ArrAll},
		{"mla", 0, 0b10010, ArrBHS}, {"mls", 1, 0b10010, ArrBHS},
		{"mul", 0, 0b10011, ArrBHS}, {"pmul", 1, 0b10011, ArrB},
		{"smaxp", 0, 0b10100, ArrBHS}, {"umaxp", 1, 0b10100, ArrBHS},
		{"sminp", 0, 0b10101, ArrBHS}, {"uminp", 1, 0b10101, ArrBHS},
		{"sqdmulh", 0, 0b10110, ArrHS}, {"sqrdmulh", 1, 0b10110, ArrHS},
		{"addp", 0, 0b10111, ArrAll},
	} {
		Register(x.name, ThreeSame(same3(x.u, x.opc), x.arrs))
	}
	// Bitwise three-same: the size field selects the operation.
	for _, x := range []struct {
		name    string
		u, size uint32
	}{
		{"and", 0, 0}, {"bic", 0, 1}, {"orr", 0, 2}, {"orn", 0, 3},
		{"eor", 1, 0}, {"bsl", 1, 1}, {"bit", 1, 2}, {"bif", 1, 3},
	} {
		Register(x.name, ThreeSame(same3(x.u, 0b00011)|x.size<<22, ArrB))
	}

	// Floating-point three-same.
	for _, x := range []struct {
		name      string
		u, a, opc uint32
	}{
		{"fmaxnm", 0, 0, 0b11000}, {"fmla", 0, 0, 0b11001}, {"fadd", 0, 0, 0b11010},
		{"fmulx", 0, 0, 0b11011}, {"fcmeq", 0, 0, 0b11100}, {"fmax", 0, 0, 0b11110},
		{"frecps", 0, 0, 0b11111},
		{"fminnm", 0, 1, 0b11000}, {"fmls", 0, 1, 0b11001}, {"fsub", 0, 1, 0b11010},
		{"fmin", 0, 1, 0b11110}, {"frsqrts", 0, 1, 0b11111},
		{"fmaxnmp", 1, 0, 0b11000}, {"faddp", 1, 0, 0b11010}, {"fmul", 1, 0, 0b11011},
		{"fcmge", 1, 0, 0b11100}, {"facge", 1, 0, 0b11101}, {"fmaxp", 1, 0, 0b11110},
		{"fdiv", 1, 0, 0b11111},
		{"fminnmp", 1, 1, 0b11000}, {"fabd", 1, 1, 0b11010}, {"fcmgt", 1, 1, 0b11100},
		{"facgt", 1, 1, 0b11101}, {"fminp", 1, 1, 0b11110},
	} {
		Register(x.name, ThreeSame(fsame3(x.u, x.a, x.opc), ArrFloat))
	}

	// Integer two-register miscellaneous.
	for _, x := range []struct {
		name   string
		u, opc uint32
		arrs   Arrs
	}{
		{"rev64", 0, 0b00000, ArrBHS}, {"rev16", 0, 0b00001, ArrB}, {"rev32", 1, 0b00000, ArrBH},
		{"cnt", 0, 0b00101, ArrB}, {"not", 1, 0b00101, ArrB}, {"mvn", 1, 0b00101, ArrB},
		{"abs", 0, 0b01011, ArrAll}, {"neg", 1, 0b01011, ArrAll},
		{"cls", 0, 0b00100, ArrBHS}, {"clz", 1, 0b00100, ArrBHS},
		{"sqabs", 0, 0b00111, ArrAll}, {"sqneg", 1, 0b00111, ArrAll},
	} {
		Register(x.name, TwoMisc(misc(x.u, x.opc), x.arrs))
	}
	Register("rbit", TwoMisc(misc(1, 0b00101)|1<<22, ArrB))
	for _, x := range []struct {
		name   string
		u, opc uint32
	}{
		{"cmgt", 0, 0b01000}, {"cmeq", 0, 0b01001}, {"cmlt", 0, 0b01010},
		{"cmge", 1, 0b01000}, {"cmle", 1, 0b01001},
	} {
		Register(x.name, TwoMiscZero(misc(x.u, x.opc), ArrAll))
	}
	for _, x := range []struct {
		name   string
		u, opc uint32
	}{
		{"xtn", 0, 0b10010}, {"sqxtun", 1, 0b10010}, {"sqxtn", 0, 0b10100}, {"uqxtn", 1, 0b10100},
	} {
		Register(x.name, Narrow(misc(x.u, x.opc), false))
		Register(x.name+"2", Narrow(misc(x.u, x.opc), true))
	}
	Register("shll", encodeShll(false))
	Register("shll2", encodeShll(true))
	Register("saddlp", PairLong(misc(0, 0b00010)))
	Register("uaddlp", PairLong(misc(1, 0b00010)))
	Register("sadalp", PairLong(misc(0, 0b00110)))
	Register("uadalp", PairLong(misc(1, 0b00110)))

	// Floating-point two-register miscellaneous.
	for _, x := range []struct {
		name      string
		u, a, opc uint32
	}{
		{"frintn", 0, 0, 0b11000}, {"frintm", 0, 0, 0b11001}, {"fcvtns", 0, 0, 0b11010},
		{"fcvtms", 0, 0, 0b11011}, {"fcvtas", 0, 0, 0b11100}, {"scvtf", 0, 0, 0b11101},
		{"fabs", 0, 1, 0b01111}, {"frintp", 0, 1, 0b11000}, {"frintz", 0, 1, 0b11001},
		{"fcvtps", 0, 1, 0b11010}, {"fcvtzs", 0, 1, 0b11011}, {"frecpe", 0, 1, 0b11101},
		{"frinta", 1, 0, 0b11000}, {"frintx", 1, 0, 0b11001}, {"fcvtnu", 1, 0, 0b11010},
		{"fcvtmu", 1, 0, 0b11011}, {"fcvtau", 1, 0, 0b11100}, {"ucvtf", 1, 0, 0b11101},
		{"fneg", 1, 1, 0b01111}, {"frinti", 1, 1, 0b11001}, {"fcvtpu", 1, 1, 0b11010},
		{"fcvtzu", 1, 1, 0b11011}, {"frsqrte", 1, 1, 0b11101}, {"fsqrt", 1, 1, 0b11111},
	} {
		Register(x.name, TwoMisc(fmisc(x.u, x.a, x.opc), ArrFloat))
	}
	Register("urecpe", TwoMisc(fmisc(0, 1, 0b11100), Arrs{"2s": 0, "4s": q}))
	Register("ursqrte", TwoMisc(fmisc(1, 1, 0b11100), Arrs{"2s": 0, "4s": q}))
	for _, x := range []struct {
		name      string
		u, a, opc uint32
	}{
		{"fcmgt", 0, 1, 0b01100}, {"fcmeq", 0, 1, 0b01101}, {"fcmlt", 0, 1, 0b01110},
		{"fcmge", 1, 1, 0b01100}, {"fcmle", 1, 1, 0b01101},
	} {
		Register(x.name, TwoMiscZero(fmisc(x.u, x.a, x.opc), ArrFloat))
	}
	const sz = 1 << 22
	Register("fcvtn", Pair(fmisc(0, 0, 0b10110), map[[2]string]uint32{{"4h", "4s"}: 0, {"2s", "2d"}: sz}))
	Register("fcvtn2", Pair(fmisc(0, 0, 0b10110), map[[2]string]uint32{{"8h", "4s"}: q, {"4s", "2d"}: q | sz}))
	Register("fcvtxn", Pair(fmisc(1, 0, 0b10110), map[[2]string]uint32{{"2s", "2d"}: sz}))
	Register("fcvtxn2", Pair(fmisc(1, 0, 0b10110), map[[2]string]uint32{{"4s", "2d"}: q | sz}))
	Register("fcvtl", Pair(fmisc(0, 0, 0b10111), map[[2]string]uint32{{"4s", "4h"}: 0, {"2d", "2s"}: sz}))
	Register("fcvtl2", Pair(fmisc(0, 0, 0b10111), map[[2]string]uint32{{"4s", "8h"}: q, {"2d", "4s"}: q | sz}))

	// Across lanes.
	same := map[string]byte{"8b": 'b', "16b": 'b', "4h": 'h', "8h": 'h', "4s": 's'}
	long := map[string]byte{"8b": 'h', "16b": 'h', "4h": 's', "8h": 's', "4s": 'd'}
	Register("addv", AcrossLanes(across(0, 0b11011), ArrBHS4S, same))
	Register("smaxv", AcrossLanes(across(0, 0b01010), ArrBHS4S, same))
	Register("umaxv", AcrossLanes(across(1, 0b01010), ArrBHS4S, same))
	Register("sminv", AcrossLanes(across(0, 0b11010), ArrBHS4S, same))
	Register("uminv", AcrossLanes(across(1, 0b11010), ArrBHS4S, same))
	Register("saddlv", AcrossLanes(across(0, 0b00011), ArrBHS4S, long))
	Register("uaddlv", AcrossLanes(across(1, 0b00011), ArrBHS4S, long))
	f4s := Arrs{"4s": q}
	fs := map[string]byte{"4s": 's'}
	Register("fmaxnmv", AcrossLanes(across(1, 0b01100), f4s, fs))
	Register("fmaxv", AcrossLanes(across(1, 0b01111), f4s, fs))
	Register("fminnmv", AcrossLanes(across(1, 0b01100)|1<<23, f4s, fs))
	Register("fminv", AcrossLanes(across(1, 0b01111)|1<<23, f4s, fs))

	// Scalar pairwise: OP s0, v1.2s / OP d0, v1.2d.
	fp := map[string]scalarPair{"2s": {'s', 0}, "2d": {'d', sz}}
	Register("faddp", PairScalar(0x7e30d800, fp))
	Register("fmaxp", PairScalar(0x7e30f800, fp))
	Register("fminp", PairScalar(0x7eb0f800, fp))
	Register("fmaxnmp", PairScalar(0x7e30c800, fp))
	Register("fminnmp", PairScalar(0x7eb0c800, fp))
	Register("addp", PairScalar(0x5ef1b800, map[string]scalarPair{"2d": {'d', 0}}))

	// Shifts by immediate.
	fixed := Arrs{"2s": 0, "4s": q, "2d": q}
	for _, x := range []struct {
		name   string
		u, opc uint32
		left   bool
		arrs   Arrs
	}{
		{"sshr", 0, 0b00000, false, nil}, {"ushr", 1, 0b00000, false, nil},
		{"ssra", 0, 0b00010, false, nil}, {"usra", 1, 0b00010, false, nil},
		{"srshr", 0, 0b00100, false, nil}, {"urshr", 1, 0b00100, false, nil},
		{"srsra", 0, 0b00110, false, nil}, {"ursra", 1, 0b00110, false, nil},
		{"sri", 1, 0b01000, false, nil},
		{"shl", 0, 0b01010, true, nil}, {"sli", 1, 0b01010, true, nil},
		{"sqshlu", 1, 0b01100, true, nil},
		{"sqshl", 0, 0b01110, true, nil}, {"uqshl", 1, 0b01110, true, nil},
		{"scvtf", 0, 0b11100, false, fixed}, {"ucvtf", 1, 0b11100, false, fixed},
		{"fcvtzs", 0, 0b11111, false, fixed}, {"fcvtzu", 1, 0b11111, false, fixed},
	} {
		if x.left {
			Register(x.name, ShiftLeft(shimm(x.u, x.opc), x.arrs))
		} else {
			Register(x.name, ShiftRight(shimm(x.u, x.opc), x.arrs))
		}
	}
	for _, x := range []struct {
		name   string
		u, opc uint32
	}{
		{"shrn", 0, 0b10000}, {"rshrn", 0, 0b10001}, {"sqshrn", 0, 0b10010}, {"sqrshrn", 0, 0b10011},
		{"sqshrun", 1, 0b10000}, {"sqrshrun", 1, 0b10001}, {"uqshrn", 1, 0b10010}, {"uqrshrn", 1, 0b10011},
	} {
		Register(x.name, ShiftNarrow(shimm(x.u, x.opc), false))
		Register(x.name+"2", ShiftNarrow(shimm(x.u, x.opc), true))
	}
	Register("sshll", ShiftLong(shimm(0, 0b10100), false))
	Register("sshll2", ShiftLong(shimm(0, 0b10100), true))
	Register("ushll", ShiftLong(shimm(1, 0b10100), false))
	Register("ushll2", ShiftLong(shimm(1, 0b10100), true))
	Register("sxtl", ExtendLong(shimm(0, 0b10100), false))
	Register("sxtl2", ExtendLong(shimm(0, 0b10100), true))
	Register("uxtl", ExtendLong(shimm(1, 0b10100), false))
	Register("uxtl2", ExtendLong(shimm(1, 0b10100), true))

	// Three different: long and wide.
	for _, x := range []struct {
		name   string
		u, opc uint32
		wide   bool
	}{
		{"saddl", 0, 0b0000, false}, {"uaddl", 1, 0b0000, false},
		{"saddw", 0, 0b0001, true}, {"uaddw", 1, 0b0001, true},
		{"ssubl", 0, 0b0010, false}, {"usubl", 1, 0b0010, false},
		{"ssubw", 0, 0b0011, true}, {"usubw", 1, 0b0011, true},
		{"sabal", 0, 0b0101, false}, {"uabal", 1, 0b0101, false},
		{"sabdl", 0, 0b0111, false}, {"uabdl", 1, 0b0111, false},
		{"smlal", 0, 0b1000, false}, {"umlal", 1, 0b1000, false},
		{"smlsl", 0, 0b1010, false}, {"umlsl", 1, 0b1010, false},
		{"smull", 0, 0b1100, false}, {"umull", 1, 0b1100, false},
	} {
		if x.wide {
			Register(x.name, Wide(diff3(x.u, x.opc), false))
			Register(x.name+"2", Wide(diff3(x.u, x.opc), true))
		} else {
			Register(x.name, Long(diff3(x.u, x.opc), false))
			Register(x.name+"2", Long(diff3(x.u, x.opc), true))
		}
	}

	// By element.
	Register("fmla", ByElemFloat(byelem(0, 0b0001)|1<<23))
	Register("fmls", ByElemFloat(byelem(0, 0b0101)|1<<23))
	Register("fmul", ByElemFloat(byelem(0, 0b1001)|1<<23))
	Register("fmulx", ByElemFloat(byelem(1, 0b1001)|1<<23))
	Register("mul", ByElemInt(byelem(0, 0b1000)))
	Register("mla", ByElemInt(byelem(1, 0b0000)))
	Register("mls", ByElemInt(byelem(1, 0b0100)))
	Register("sqdmulh", ByElemInt(byelem(0, 0b1100)))
	Register("sqrdmulh", ByElemInt(byelem(0, 0b1101)))

	// Dot product (FEAT_DotProd).
	Register("sdot", Dot(0x0e809400))
	Register("udot", Dot(0x2e809400))
	Register("sdot", DotElem(0x0f80e000))
	Register("udot", DotElem(0x2f80e000))

	// Permutes, extract, table look-up.
	for _, x := range []struct {
		name string
		opc  uint32
	}{
		{"uzp1", 0b001}, {"trn1", 0b010}, {"zip1", 0b011},
		{"uzp2", 0b101}, {"trn2", 0b110}, {"zip2", 0b111},
	} {
		Register(x.name, ThreeSame(0x0e000800|x.opc<<12, ArrAll))
	}
	Register("ext", encodeExt)
	Register("tbl", tableLookup(0x0e000000))
	Register("tbx", tableLookup(0x0e001000))

	// Copies between and within registers.
	Register("dup", encodeDupElem)
	Register("dup", encodeDupGPR)
	Register("dup", encodeDupScalar)
	Register("ins", encodeInsElem)
	Register("ins", encodeInsGPR)
	Register("umov", encodeMovToGPR(0x0e003c00, false))
	Register("smov", encodeMovToGPR(0x0e002c00, true))
	Register("mov", encodeMovVec)
	Register("mov", encodeInsElem)
	Register("mov", encodeInsGPR)
	Register("mov", encodeMovAlias)
	Register("mov", encodeDupScalar)

	// Modified immediates.
	Register("movi", encodeMovi)
	Register("mvni", encodeShiftedImm(1, false))
	Register("orr", encodeShiftedImm(0, true))
	Register("bic", encodeShiftedImm(1, true))
	Register("fmov", encodeFmovVec)
}

// Pair encodes OP vd.Td, vn.Tn for the (Td, Tn) pairs of forms, each with
// its size and Q bits.
func Pair(base uint32, forms map[[2]string]uint32) Encoder {
	return func(ops []Operand) (uint32, error) {
		if !Match(ops, KindVec, KindVec) {
			return 0, ErrNoMatch
		}
		bits, ok := forms[[2]string{ops[0].Arr, ops[1].Arr}]
		if !ok {
			return 0, ErrNoMatch
		}
		return base | bits | rn(ops[1]) | rd(ops[0]), nil
	}
}

type scalarPair struct {
	dest byte
	bits uint32
}

// PairScalar: OP <V>d, vn.T (scalar pairwise reduction).
func PairScalar(base uint32, forms map[string]scalarPair) Encoder {
	return func(ops []Operand) (uint32, error) {
		if !Match(ops, KindScalar, KindVec) {
			return 0, ErrNoMatch
		}
		f, ok := forms[ops[1].Arr]
		if !ok || f.dest != ops[0].Elem {
			return 0, ErrNoMatch
		}
		return base | f.bits | rn(ops[1]) | rd(ops[0]), nil
	}
}

func encodeExt(ops []Operand) (uint32, error) {
	if !Match(ops, KindVec, KindVec, KindVec, KindImm) || !sameArr(ops[:3]) {
		return 0, ErrNoMatch
	}
	bits, ok := ArrB[ops[0].Arr]
	if !ok {
		return 0, ErrNoMatch
	}
	n := int64(8)
	if bits != 0 {
		n = 16
	}
	if i := ops[3].Imm; ops[3].IsFloat || i < 0 || i >= n {
		return 0, fmt.Errorf("index #%v out of range 0..%d", ops[3].Float, n-1)
	}
	return 0x2e000000 | bits | rm(ops[2]) | uint32(ops[3].Imm)<<11 | rn(ops[1]) | rd(ops[0]), nil
}

func tableLookup(base uint32) Encoder {
	return func(ops []Operand) (uint32, error) {
		if !Match(ops, KindVec, KindList, KindVec) || ops[0].Arr != ops[2].Arr || ops[1].Arr != "16b" {
			return 0, ErrNoMatch
		}
		bits, ok := ArrB[ops[0].Arr]
		if !ok {
			return 0, ErrNoMatch
		}
		if ops[1].Count < 1 || ops[1].Count > 4 {
			return 0, fmt.Errorf("table of %d registers (want 1..4)", ops[1].Count)
		}
		return base | bits | rm(ops[2]) | uint32(ops[1].Count-1)<<13 | rn(ops[1]) | rd(ops[0]), nil
	}
}

// imm5 encodes the element size and index of a copy instruction.
func imm5(e Operand) (uint32, error) {
	es := elemSize(e.Elem)
	if es > 64 {
		return 0, ErrNoMatch
	}
	lanes := 128 / es
	if e.Index >= lanes {
		return 0, fmt.Errorf("element index %d out of range 0..%d", e.Index, lanes-1)
	}
	shift := uint32(math.Log2(float64(es / 8)))
	return (uint32(e.Index)<<1 | 1) << shift << 16, nil
}

var dupArrs = Arrs{"8b": 0, "16b": q, "4h": 0, "8h": q, "2s": 0, "4s": q, "2d": q}

func encodeDupElem(ops []Operand) (uint32, error) {
	if !Match(ops, KindVec, KindElem) {
		return 0, ErrNoMatch
	}
	bits, ok := dupArrs[ops[0].Arr]
	if !ok || esize(ops[0].Arr) != elemSize(ops[1].Elem) || ops[1].Arr != "" {
		return 0, ErrNoMatch
	}
	i5, err := imm5(ops[1])
	if err != nil {
		return 0, err
	}
	return 0x0e000400 | bits | i5 | rn(ops[1]) | rd(ops[0]), nil
}

func encodeDupGPR(ops []Operand) (uint32, error) {
	if !Match(ops, KindVec, KindGPR) {
		return 0, ErrNoMatch
	}
	bits, ok := dupArrs[ops[0].Arr]
	if !ok || (ops[0].Arr == "2d") != (ops[1].Elem == 'x') {
		return 0, ErrNoMatch
	}
	i5, _ := imm5(Operand{Elem: ops[0].Arr[len(ops[0].Arr)-1]})
	return 0x0e000c00 | bits | i5 | rn(ops[1]) | rd(ops[0]), nil
}

// encodeDupScalar: dup <V>d, vn.T[i] (also mov <V>d, vn.T[i]).
func encodeDupScalar(ops []Operand) (uint32, error) {
	if !Match(ops, KindScalar, KindElem) || ops[0].Elem != ops[1].Elem || ops[1].Arr != "" {
		return 0, ErrNoMatch
	}
	i5, err := imm5(ops[1])
	if err != nil {
		return 0, err
	}
	return 0x5e000400 | i5 | rn(ops[1]) | rd(ops[0]), nil
}

// encodeInsElem: ins vd.T[i], vn.T[j] (also mov).
func encodeInsElem(ops []Operand) (uint32, error) {
	if !Match(ops, KindElem, KindElem) || ops[0].Elem != ops[1].Elem || ops[0].Arr != "" || ops[1].Arr != "" {
		return 0, ErrNoMatch
	}
	i5, err := imm5(ops[0])
	if err != nil {
		return 0, err
	}
	if _, err := imm5(ops[1]); err != nil {
		return 0, err
	}
	// imm4 is the source index shifted by log2 of the element's bytes.
	imm4 := uint32(ops[1].Index) << uint32(math.Log2(float64(elemSize(ops[1].Elem)/8)))
	return 0x6e000400 | i5 | imm4<<11 | rn(ops[1]) | rd(ops[0]), nil
}

// encodeInsGPR: ins vd.T[i], wn/xn (also mov).
func encodeInsGPR(ops []Operand) (uint32, error) {
	if !Match(ops, KindElem, KindGPR) || ops[0].Arr != "" || (ops[0].Elem == 'd') != (ops[1].Elem == 'x') {
		return 0, ErrNoMatch
	}
	i5, err := imm5(ops[0])
	if err != nil {
		return 0, err
	}
	return 0x4e001c00 | i5 | rn(ops[1]) | rd(ops[0]), nil
}

// encodeMovToGPR: umov/smov wd/xd, vn.T[i].
func encodeMovToGPR(base uint32, signed bool) Encoder {
	return func(ops []Operand) (uint32, error) {
		if !Match(ops, KindGPR, KindElem) || ops[1].Arr != "" {
			return 0, ErrNoMatch
		}
		x, e := ops[0].Elem == 'x', ops[1].Elem
		var ok bool
		if signed {
			ok = e == 'b' || e == 'h' || x && e == 's'
		} else {
			ok = !x && (e == 'b' || e == 'h' || e == 's') || x && e == 'd'
		}
		if !ok {
			return 0, ErrNoMatch
		}
		i5, err := imm5(ops[1])
		if err != nil {
			return 0, err
		}
		var qb uint32
		if x {
			qb = q
		}
		return base | qb | i5 | rn(ops[1]) | rd(ops[0]), nil
	}
}

// encodeMovVec: mov vd.T, vn.T (orr vd.T, vn.T, vn.T).
func encodeMovVec(ops []Operand) (uint32, error) {
	if !Match(ops, KindVec, KindVec) || !sameArr(ops) {
		return 0, ErrNoMatch
	}
	bits, ok := ArrB[ops[0].Arr]
	if !ok {
		return 0, ErrNoMatch
	}
	return same3(0, 0b00011) | 2<<22 | bits | rm(ops[1]) | rn(ops[1]) | rd(ops[0]), nil
}

// encodeMovAlias: mov wd, vn.s[i] and mov xd, vn.d[i] (umov).
func encodeMovAlias(ops []Operand) (uint32, error) {
	if !Match(ops, KindGPR, KindElem) {
		return 0, ErrNoMatch
	}
	if ops[0].Elem == 'w' && ops[1].Elem != 's' || ops[0].Elem == 'x' && ops[1].Elem != 'd' {
		return 0, ErrNoMatch
	}
	return encodeMovToGPR(0x0e003c00, false)(ops)
}

func modImm(qb, op, cmode, imm8 uint32) uint32 {
	return 0x0f000400 | qb | op<<29 | (imm8>>5)<<16 | cmode<<12 | (imm8&31)<<5
}

func imm8Of(o Operand) (uint32, error) {
	if o.IsFloat || o.Imm < 0 || o.Imm > 255 {
		return 0, fmt.Errorf("immediate %v out of range 0..255", o.Float)
	}
	return uint32(o.Imm), nil
}

// shiftedImm handles vd.T, #imm8{, lsl #n | msl #n} for T in 4h, 8h, 2s,
// 4s; orrbic selects the orr/bic (immediate) cmodes, which have no msl.
func shiftedImm(op uint32, orrbic bool, ops []Operand) (uint32, error) {
	if len(ops) < 2 || len(ops) > 3 || ops[0].Kind != KindVec || ops[1].Kind != KindImm {
		return 0, ErrNoMatch
	}
	var sh Operand
	if len(ops) == 3 {
		if ops[2].Kind != KindShift {
			return 0, ErrNoMatch
		}
		sh = ops[2]
	}
	var low uint32
	if orrbic {
		low = 1
	}
	var cmode uint32
	switch ops[0].Arr {
	case "4h", "8h":
		if sh.Shift == "msl" || sh.Imm != 0 && sh.Imm != 8 {
			return 0, fmt.Errorf("16-bit immediate shift must be lsl #0 or #8")
		}
		cmode = 0b1000 | uint32(sh.Imm/8)<<1 | low
	case "2s", "4s":
		switch {
		case sh.Shift == "msl" && !orrbic && (sh.Imm == 8 || sh.Imm == 16):
			cmode = 0b1100 | uint32(sh.Imm/8-1)
		case sh.Shift != "msl" && sh.Imm%8 == 0 && sh.Imm >= 0 && sh.Imm <= 24:
			cmode = uint32(sh.Imm/8)<<1 | low
		default:
			return 0, fmt.Errorf("bad immediate shift %s #%d", sh.Shift, sh.Imm)
		}
	default:
		return 0, ErrNoMatch
	}
	imm8, err := imm8Of(ops[1])
	if err != nil {
		return 0, err
	}
	var qb uint32
	if isUpper(ops[0].Arr) {
		qb = q
	}
	return modImm(qb, op, cmode, imm8), nil
}

func encodeShiftedImm(op uint32, orrbic bool) Encoder {
	return func(ops []Operand) (uint32, error) {
		w, err := shiftedImm(op, orrbic, ops)
		if err != nil {
			return 0, err
		}
		return w | rd(ops[0]), nil
	}
}

func encodeMovi(ops []Operand) (uint32, error) {
	if len(ops) < 2 || ops[1].Kind != KindImm {
		return 0, ErrNoMatch
	}
	switch {
	case ops[0].Kind == KindVec && (ops[0].Arr == "8b" || ops[0].Arr == "16b"):
		if len(ops) == 3 && (ops[2].Kind != KindShift || ops[2].Shift != "lsl" || ops[2].Imm != 0) || len(ops) > 3 {
			return 0, ErrNoMatch
		}
		imm8, err := imm8Of(ops[1])
		if err != nil {
			return 0, err
		}
		return modImm(ArrB[ops[0].Arr], 0, 0b1110, imm8) | rd(ops[0]), nil
	case len(ops) == 2 && (ops[0].Kind == KindVec && ops[0].Arr == "2d" || ops[0].Kind == KindScalar && ops[0].Elem == 'd'):
		// Each byte of the 64-bit immediate is 0x00 or 0xff.
		if ops[1].IsFloat {
			return 0, fmt.Errorf("64-bit immediate must be an integer")
		}
		v := uint64(ops[1].Imm)
		var imm8 uint32
		for i := 0; i < 8; i++ {
			switch b := v >> (8 * i) & 0xff; b {
			case 0xff:
				imm8 |= 1 << i
			case 0:
			default:
				return 0, fmt.Errorf("64-bit immediate %#x: every byte must be 0x00 or 0xff", v)
			}
		}
		var qb uint32
		if ops[0].Kind == KindVec {
			qb = q
		}
		return modImm(qb, 1, 0b1110, imm8) | rd(ops[0]), nil
	}
	w, err := shiftedImm(0, false, ops)
	if err != nil {
		return 0, err
	}
	return w | rd(ops[0]), nil
}

// fp8 returns the 8-bit floating-point immediate encoding of f, if any:
// ±(1 + m/16)·2^e with 0 <= m < 16 and -3 <= e <= 4.
func fp8(f float64) (uint32, bool) {
	for imm := uint32(0); imm < 256; imm++ {
		m := float64(imm & 15)
		cd := int(imm >> 4 & 3)
		e := cd + 1
		if imm&0x40 != 0 {
			e = cd - 3
		}
		v := (1 + m/16) * math.Ldexp(1, e)
		if imm&0x80 != 0 {
			v = -v
		}
		if v == f {
			return imm, true
		}
	}
	return 0, false
}

func encodeFmovVec(ops []Operand) (uint32, error) {
	if !Match(ops, KindVec, KindImm) {
		return 0, ErrNoMatch
	}
	var qb, op uint32
	switch ops[0].Arr {
	case "2s":
	case "4s":
		qb = q
	case "2d":
		qb, op = q, 1
	default:
		return 0, ErrNoMatch
	}
	imm8, ok := fp8(ops[1].Float)
	if !ok {
		return 0, fmt.Errorf("%v is not an 8-bit floating-point immediate (±(1+m/16)·2^e, 0<=m<16, -3<=e<=4)", ops[1].Float)
	}
	return modImm(qb, op, 0b1111, imm8) | rd(ops[0]), nil
}

// encodeShll: shll vd.Ta, vn.Tb, #esize (shift left long by the element
// width, which sshll/ushll cannot encode); upper selects shll2.
func encodeShll(upper bool) Encoder {
	return func(ops []Operand) (uint32, error) {
		if !Match(ops, KindVec, KindVec, KindImm) || narrowPair[ops[1].Arr] != ops[0].Arr || isUpper(ops[1].Arr) != upper {
			return 0, ErrNoMatch
		}
		if es := esize(ops[1].Arr); ops[2].IsFloat || ops[2].Imm != int64(es) {
			return 0, fmt.Errorf("shift must be #%d", es)
		}
		return misc(1, 0b10011) | ArrBHS[ops[1].Arr] | rn(ops[1]) | rd(ops[0]), nil
	}
}

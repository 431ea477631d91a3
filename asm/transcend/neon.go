package main

import (
	"encoding/binary"
	"fmt"
	"math"
	"sort"

	"github.com/batuta-go/stack/asm/internal/a64"
)

// NEON: 128-bit vectors of 4 float32 (or 2 float64). The Go arm64
// assembler lacks most vector instructions, so the arithmetic goes through
// a64 (GNU syntax, encoded as WORDs) and only loads, stores and control
// flow are native Go assembler.
//
// Unlike avo, a64 has no register allocator: neonBody allocates v0-v31
// itself. The main loop handles 4 vectors; their programs are interleaved
// (instruction i of every instance before instruction i+1) so that an
// in-order core has independent work, as far as the registers allow.
// Constants are kept in registers across the loop, the most used first;
// the others are loaded from the constant table at each use.
//
// General registers: R0 dst, R1 x, R2 remaining count, R3 the constant
// table, R4 and R5 scratch.

const neonVecs = 32

// neonConsts is the constant table of the NEON file: every constant 16
// bytes (4 float32 lanes, or 2 float64).
type neonConsts struct {
	off  map[uint64]int
	data []byte
}

func (t *neonConsts) entry(key uint64, lane []byte) int {
	if off, ok := t.off[key]; ok {
		return off
	}
	off := len(t.data)
	for len(lane) < 16 {
		lane = append(lane, lane...)
	}
	t.data = append(t.data, lane[:16]...)
	t.off[key] = off
	return off
}

// of returns the table offset of constant v of p.
func (t *neonConsts) of(p *prog, v val) int {
	in := p.insts[v]
	if in.op == opConstD {
		b := binary.LittleEndian.AppendUint64(nil, in.c)
		return t.entry(in.c^keyF64, b)
	}
	return t.entry(in.c, binary.LittleEndian.AppendUint32(nil, uint32(in.c)))
}

// neonBody emits k interleaved instances of p.
type neonBody struct {
	fn     *a64.Func // nil in a dry run
	p      *prog
	k      int
	tbl    *neonConsts
	pinned map[val]int // constant → register, for the whole function
	scal   []int       // scalar parameter → register
	busy   [neonVecs]bool
	reg    [][]int // reg[u][v]: register of value v of instance u, -1 if none
	last   [][]int // last[u][v]: schedule position of the last read
	loads  int     // constants loaded from the table
	failed bool
}

func (b *neonBody) op(format string, args ...any) {
	if b.fn != nil {
		b.fn.Op(format, args...)
	}
}

func (b *neonBody) goasm(format string, args ...any) {
	if b.fn != nil {
		b.fn.Go(format, args...)
	}
}

// alloc takes a free register.
func (b *neonBody) alloc() int {
	for r := 0; r < neonVecs; r++ {
		if !b.busy[r] {
			b.busy[r] = true
			return r
		}
	}
	b.failed = true
	return 0
}

func (b *neonBody) release(r int) { b.busy[r] = false }

// operand returns the register of value v of instance u; a constant that
// is not pinned is loaded into a fresh register, returned with tmp set.
func (b *neonBody) operand(u int, v val) (r int, tmp bool) {
	in := b.p.insts[v]
	switch in.op {
	case opConst, opConstD:
		if r, ok := b.pinned[v]; ok {
			return r, false
		}
		r := b.alloc()
		b.loads++
		b.goasm("FMOVQ %d(R3), F%d", b.tbl.of(b.p, v), r)
		return r, true
	case opScalar:
		return b.scal[in.imm], false
	}
	if b.reg[u][v] < 0 {
		panic(fmt.Sprintf("transcend: NEON: value %d used before it is defined", v))
	}
	return b.reg[u][v], false
}

// dies reports whether value v of instance u is read for the last time at
// schedule position pos, and lives in a register of its own.
func (b *neonBody) dies(u int, v val, pos int) bool {
	switch b.p.insts[v].op {
	case opConst, opConstD, opScalar:
		return false
	}
	return b.last[u][v] == pos
}

// nonzeroConst reports whether v is a constant other than ±0 and NaN, with
// which fmin/fmax agree with the select that min/max define.
func (b *neonBody) nonzeroConst(v val) bool {
	c, ok := b.p.isConst(v)
	if !ok {
		return false
	}
	if b.p.insts[v].op == opConstD {
		f := math.Float64frombits(c)
		return f != 0 && !math.IsNaN(f)
	}
	f := math.Float32frombits(uint32(c))
	return f != 0 && f == f
}

func (b *neonBody) isZero(v val) bool {
	c, ok := b.p.isConst(v)
	return ok && b.p.insts[v].op == opConst && c == 0
}

// run emits the instances on inputs in[u] (registers, owned by the
// instances) and returns the output register of each.
func (b *neonBody) run(in []int) []int {
	p := b.p
	n := len(p.insts)
	b.reg = make([][]int, b.k)
	b.last = make([][]int, b.k)
	last := p.lastUse()
	for u := 0; u < b.k; u++ {
		b.reg[u] = make([]int, n)
		b.last[u] = make([]int, n)
		for v := range b.reg[u] {
			b.reg[u][v] = -1
			b.last[u][v] = last[v]*b.k + u
		}
		b.last[u][p.out] = n * b.k // kept for the caller
	}
	for i, ins := range p.insts {
		for u := 0; u < b.k; u++ {
			pos := i*b.k + u
			switch ins.op {
			case opInput:
				b.reg[u][i] = in[u]
				continue
			case opConst, opConstD, opScalar:
				continue
			}
			b.reg[u][i] = b.emit(u, i, ins, pos)
			if b.failed {
				return nil
			}
		}
	}
	out := make([]int, b.k)
	for u := range out {
		out[u] = b.reg[u][p.out]
	}
	return out
}

var neonArith = map[opcode]string{
	opAdd: "fadd %s.4s, %s.4s, %s.4s", opSub: "fsub %s.4s, %s.4s, %s.4s",
	opMul: "fmul %s.4s, %s.4s, %s.4s", opDiv: "fdiv %s.4s, %s.4s, %s.4s",
	opAnd: "and %s.16b, %s.16b, %s.16b", opOr: "orr %s.16b, %s.16b, %s.16b",
	opXor: "eor %s.16b, %s.16b, %s.16b", opIAdd: "add %s.4s, %s.4s, %s.4s",
	opISub: "sub %s.4s, %s.4s, %s.4s",
	opAddD: "fadd %s.2d, %s.2d, %s.2d", opSubD: "fsub %s.2d, %s.2d, %s.2d",
	opMulD: "fmul %s.2d, %s.2d, %s.2d", opOrD: "orr %s.16b, %s.16b, %s.16b",
}

func vr(r int) string { return fmt.Sprintf("v%d", r) }

// emit emits instruction i of instance u and returns its register.
func (b *neonBody) emit(u, i int, ins inst, pos int) int {
	args := make([]int, len(ins.args))
	var tmps []int
	for j, a := range ins.args {
		if ins.op == opLT || ins.op == opGT || ins.op == opEQ {
			if j == 1 && b.isZero(a) {
				continue // compared with #0.0
			}
		}
		r, tmp := b.operand(u, a)
		args[j] = r
		if tmp {
			tmps = append(tmps, r)
		}
	}
	// free releases the operands read for the last time (and loaded
	// constants); the destination may then reuse one of them when the
	// instruction reads all its operands before it writes.
	free := func() {
		for j, a := range ins.args {
			if b.dies(u, a, pos) && !(j > 0 && ins.args[j-1] == a) {
				b.release(args[j])
			}
		}
		for _, r := range tmps {
			b.release(r)
		}
		tmps = nil
	}
	var d int
	switch ins.op {
	case opShl, opShrL, opShrA:
		free()
		d = b.alloc()
		mn := map[opcode]string{opShl: "shl", opShrL: "ushr", opShrA: "sshr"}[ins.op]
		b.op("%s %s.4s, %s.4s, #%d", mn, vr(d), vr(args[0]), ins.imm)
	case opCvt:
		free()
		d = b.alloc()
		b.op("scvtf %s.4s, %s.4s", vr(d), vr(args[0]))
	case opWidenLo, opWidenHi:
		free()
		d = b.alloc()
		if ins.op == opWidenLo {
			b.op("fcvtl %s.2d, %s.2s", vr(d), vr(args[0]))
		} else {
			b.op("fcvtl2 %s.2d, %s.4s", vr(d), vr(args[0]))
		}
	case opNarrow:
		// d may be lo (read first) but not hi.
		if b.dies(u, ins.args[0], pos) {
			b.release(args[0])
		}
		d = b.alloc()
		b.op("fcvtn %s.2s, %s.2d", vr(d), vr(args[0]))
		b.op("fcvtn2 %s.4s, %s.2d", vr(d), vr(args[1]))
		if b.dies(u, ins.args[1], pos) && ins.args[1] != ins.args[0] {
			b.release(args[1])
		}
		for _, r := range tmps {
			b.release(r)
		}
	case opLT, opGT, opEQ:
		x, y := args[0], args[1]
		zero := b.isZero(ins.args[1])
		free()
		d = b.alloc()
		switch {
		case zero:
			mn := map[opcode]string{opLT: "fcmlt", opGT: "fcmgt", opEQ: "fcmeq"}[ins.op]
			b.op("%s %s.4s, %s.4s, #0.0", mn, vr(d), vr(x))
		case ins.op == opLT:
			b.op("fcmgt %s.4s, %s.4s, %s.4s", vr(d), vr(y), vr(x))
		case ins.op == opGT:
			b.op("fcmgt %s.4s, %s.4s, %s.4s", vr(d), vr(x), vr(y))
		default:
			b.op("fcmeq %s.4s, %s.4s, %s.4s", vr(d), vr(x), vr(y))
		}
	case opMin, opMax, opMaxD:
		arr := "4s"
		if ins.op == opMaxD {
			arr = "2d"
		}
		x, y := args[0], args[1]
		if b.nonzeroConst(ins.args[1]) {
			// No signed-zero tie with a nonzero constant; fmin/fmax
			// return NaN for a NaN in x, as the select keeps x.
			free()
			d = b.alloc()
			mn := "fmax"
			if ins.op == opMin {
				mn = "fmin"
			}
			b.op("%s %s.%s, %s.%s, %s.%s", mn, vr(d), arr, vr(x), arr, vr(y), arr)
			break
		}
		// min: y < x ? y : x; max: y > x ? y : x.
		d = b.alloc()
		if ins.op == opMin {
			b.op("fcmgt %s.%s, %s.%s, %s.%s", vr(d), arr, vr(x), arr, vr(y), arr)
		} else {
			b.op("fcmgt %s.%s, %s.%s, %s.%s", vr(d), arr, vr(y), arr, vr(x), arr)
		}
		b.op("bsl %s.16b, %s.16b, %s.16b", vr(d), vr(y), vr(x))
		free()
	case opSel:
		m, x, y := args[0], args[1], args[2]
		switch {
		case b.dies(u, ins.args[0], pos):
			d = m
			b.op("bsl %s.16b, %s.16b, %s.16b", vr(d), vr(x), vr(y))
		case b.dies(u, ins.args[2], pos) || contains(tmps, y):
			d = y
			b.op("bit %s.16b, %s.16b, %s.16b", vr(d), vr(x), vr(m))
		case b.dies(u, ins.args[1], pos) || contains(tmps, x):
			d = x
			b.op("bif %s.16b, %s.16b, %s.16b", vr(d), vr(y), vr(m))
		default:
			d = b.alloc()
			b.op("mov %s.16b, %s.16b", vr(d), vr(m))
			b.op("bsl %s.16b, %s.16b, %s.16b", vr(d), vr(x), vr(y))
		}
		// Release the operands that die, except the one d took over.
		for j, a := range ins.args {
			r := args[j]
			if r != d && (b.dies(u, a, pos) || contains(tmps, r)) && !(j > 0 && contains(args[:j], r)) {
				b.release(r)
			}
		}
	default:
		f, ok := neonArith[ins.op]
		if !ok {
			panic(fmt.Sprintf("transcend: NEON: op %v", ins.op))
		}
		x, y := args[0], args[1]
		free()
		d = b.alloc()
		b.op(f, vr(d), vr(x), vr(y))
	}
	return d
}

func contains(s []int, r int) bool {
	for _, x := range s {
		if x == r {
			return true
		}
	}
	return false
}

// neonPlan is how a kernel uses the registers: k instances interleaved
// and the constants pinned in registers across the loop.
type neonPlan struct {
	k      int
	pinned []val // in the order their registers are assigned
}

// planNEON chooses k and the constants to pin. For each k (4 or 2
// interleaved instances; 1 only when neither fits) it pins as many
// constants as the registers allow, the most used first, and it keeps the
// k that needs the fewest loads of constants per vector (ties go to the
// larger k, which gives an in-order core more independent work).
func planNEON(p *prog, reserved int, tbl *neonConsts) neonPlan {
	if p == nil {
		return neonPlan{}
	}
	cs := constsByUse(p)
	best, bestLoads := neonPlan{}, -1
	for _, k := range []int{4, 2, 1} {
		if k == 1 && bestLoads >= 0 {
			break
		}
		for np := min(len(cs), neonVecs-reserved-k); np >= 0; np-- {
			loads := tryPlan(p, reserved, tbl, k, np)
			if loads < 0 {
				continue
			}
			if bestLoads < 0 || loads/k < bestLoads {
				best, bestLoads = neonPlan{k: k, pinned: cs[:np]}, loads/k
			}
			break
		}
	}
	if bestLoads < 0 {
		panic("transcend: NEON: no register plan")
	}
	return best
}

// tryPlan runs a dry allocation of k instances with the np most used
// constants pinned; it returns the number of constant loads, -1 when the
// registers do not suffice.
func tryPlan(p *prog, reserved int, tbl *neonConsts, k, np int) int {
	cs := constsByUse(p)
	b := &neonBody{p: p, k: k, tbl: tbl, pinned: map[val]int{}}
	top := neonVecs - reserved
	for j := 0; j < np; j++ {
		top--
		b.pinned[cs[j]] = top
	}
	for r := top; r < neonVecs; r++ {
		b.busy[r] = true
	}
	b.scal = make([]int, 8)
	in := make([]int, k)
	for u := range in {
		in[u] = b.alloc()
	}
	if b.failed {
		return -1
	}
	if b.run(in) == nil || b.failed {
		return -1
	}
	return b.loads
}

// constsByUse lists the constants of p, the most used first.
func constsByUse(p *prog) []val {
	uses := p.uses()
	var cs []val
	for v, in := range p.insts {
		if in.op == opConst || in.op == opConstD {
			cs = append(cs, val(v))
		}
	}
	sort.SliceStable(cs, func(i, j int) bool { return uses[cs[i]] > uses[cs[j]] })
	return cs
}

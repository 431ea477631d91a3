package main

import (
	. "github.com/mmcloughlin/avo/build"
	. "github.com/mmcloughlin/avo/operand"
	. "github.com/mmcloughlin/avo/reg"

	"github.com/batuta-go/stack/asm/internal/x86"
)

// reduction is a kernel that folds its inputs into a float64: term adds the
// contribution of one group of loaded inputs to acc.
type reduction struct {
	Name, Sig, Doc string
	Ins            []string
	Scalars        []string
	Term           func(s x86.Step, acc VecVirtual, in []VecVirtual, sc []Op)
}

func (r reduction) emit(w x86.Width) {
	k := x86.Kernel{Name: r.Name, Sig: r.Sig, Doc: r.Doc, Ins: r.Ins, Scalars: r.Scalars}
	ptrs, n, sc := k.Prologue(w, r.Ins[0])
	acc := make([]VecVirtual, x86.Unroll)
	for u := range acc {
		acc[u] = w.Vec()
		VXORPD(acc[u], acc[u], acc[u])
	}
	var res VecVirtual // the scalar sum once the vectors are folded
	fold := func() {
		for d := x86.Unroll / 2; d >= 1; d /= 2 {
			for u := 0; u < d; u++ {
				VADDPD(acc[u+d], acc[u], acc[u])
			}
		}
		res = hsum(w, acc[0])
	}
	x86.Loop(w, n, func(s x86.Step, i Register, disp, u int) {
		in := make([]VecVirtual, len(r.Ins))
		for j, p := range r.Ins {
			in[j] = s.Load(w.At(ptrs[p], i, disp))
		}
		scs := make([]Op, len(sc))
		for j, v := range sc {
			scs[j] = s.View(v)
		}
		a := acc[u]
		if s.Scalar {
			a = res
		}
		r.Term(s, a, in, scs)
	}, fold)
	Store(res, ReturnIndex(0))
	VZEROUPPER()
	RET()
}

// hsum adds the lanes of v and returns an XMM register holding the sum in
// its low lane.
func hsum(w x86.Width, v VecVirtual) VecVirtual {
	y := v
	if w.Lanes == 8 {
		y = YMM()
		VEXTRACTF64X4(U8(1), v, y)
		VADDPD(v.AsY(), y, y)
	}
	x := XMM()
	VEXTRACTF128(U8(1), y, x)
	VADDPD(y.AsX(), x, x)
	t := XMM()
	VPERMILPD(U8(1), x, t)
	VADDSD(t, x, x)
	return x
}

package main

import "math"

// The algorithms, written once for every instruction set. Each function
// here mirrors, operation for operation, the function of the same name in
// trueno/transcend_generic.go (independent operations may come in another
// order; each value is computed by the same operations on the same
// operands); keep the two in step.

const (
	signMask = 0x80000000
	absMask  = 0x7fffffff
	nan32    = 0x7fc00000
	posInf32 = 0x7f800000
	negInf32 = 0xff800000
)

// expCore: exp(x) ≈ (p·s1)·s2 for x in [expLo, expHi].
func expCore(b *prog, x val) (p, s1, s2 val) {
	t := b.Add(b.Mul(x, b.C("expLog2e")), b.C("expRound"))
	n := b.Sub(t, b.C("expRound"))
	r := b.Sub(x, b.Mul(n, b.C("expLn2Hi")))
	r = b.Sub(r, b.Mul(n, b.C("expLn2Lo")))
	return expPoly(b, r, t)
}

// expCoreAB: exp(a + b) with a − n·ln2hi exact.
func expCoreAB(b *prog, x, y val) (p, s1, s2 val) {
	t := b.Add(b.Mul(b.Add(x, y), b.C("expLog2e")), b.C("expRound"))
	n := b.Sub(t, b.C("expRound"))
	r := b.Sub(x, b.Mul(n, b.C("expLn2Hi")))
	r = b.Add(r, y)
	r = b.Sub(r, b.Mul(n, b.C("expLn2Lo")))
	return expPoly(b, r, t)
}

func horner(b *prog, x val, names ...string) val {
	q := b.Add(b.Mul(b.C(names[0]), x), b.C(names[1]))
	for _, c := range names[2:] {
		q = b.Add(b.Mul(q, x), b.C(c))
	}
	return q
}

func expPoly(b *prog, r, t val) (p, s1, s2 val) {
	q := horner(b, r, "expP4", "expP3", "expP2", "expP1", "expP0")
	r2 := b.Mul(r, r)
	p = b.Add(b.Mul(q, r2), r)
	p = b.Add(p, b.F(1))
	n := b.ISub(t, b.C("expRound"))
	n1 := b.ShrA(n, 1)
	n2 := b.ISub(n, n1)
	bias := b.Bits(127)
	s1 = b.Shl(b.IAdd(n1, bias), 23)
	s2 = b.Shl(b.IAdd(n2, bias), 23)
	return p, s1, s2
}

func expScaled(b *prog, p, s1, s2 val) val { return b.Mul(b.Mul(p, s1), s2) }

func exp32(b *prog, x val) val {
	x = b.Max(x, b.C("expLo"))
	x = b.Min(x, b.C("expHi"))
	p, s1, s2 := expCore(b, x)
	return expScaled(b, p, s1, s2)
}

// logParts: x = 2ᵏ·(1+f); subnormal inputs are scaled first when sub.
func logParts(b *prog, x val, sub bool) (k, f val) {
	kadj := val(-1)
	if sub {
		s := b.LT(x, b.C("logMinNormal"))
		kadj = b.Sel(s, b.C("logSubK"), b.F(0))
		x = b.Sel(s, b.Mul(x, b.C("logSubScale")), x)
	}
	ix := b.IAdd(x, b.Bits(b.I("logOne")-b.I("logSqrtHalf")))
	k = b.Cvt(b.ISub(b.ShrL(ix, 23), b.Bits(127)))
	if sub {
		k = b.Add(k, kadj)
	}
	m := b.IAdd(b.And(ix, b.Bits(b.I("logMantMask"))), b.Bits(b.I("logSqrtHalf")))
	return k, b.Sub(m, b.F(1))
}

// logTail: log(2ᵏ·(1+f)) = (f + y) + k·ln2hi.
func logTail(b *prog, k, f val) val {
	z := b.Mul(f, f)
	q := horner(b, f, "logP7", "logP6", "logP5", "logP4", "logP3", "logP2", "logP1", "logP0")
	y := b.Mul(b.Mul(q, f), z)
	y = b.Add(y, b.Mul(k, b.C("expLn2Lo")))
	return b.Sub(y, b.Mul(b.F(0.5), z))
}

func logSum(b *prog, k, f, y val) val { return b.Add(b.Add(f, y), b.Mul(k, b.C("expLn2Hi"))) }

func log32(b *prog, x val) val {
	k, f := logParts(b, x, true)
	r := logSum(b, k, f, logTail(b, k, f))
	r = b.Sel(b.EQ(x, b.Bits(posInf32)), x, r)
	special := b.Sel(b.EQ(x, b.F(0)), b.Bits(negInf32), b.Bits(nan32))
	return b.Sel(b.GT(x, b.F(0)), r, special)
}

func tanh32(b *prog, x val) val {
	// The large branch first: the registers of the NEON backend follow
	// the order of the program, and small is short-lived this way.
	a := b.And(x, b.Bits(absMask))
	a2 := b.Min(b.Add(a, a), b.C("expHi"))
	p, s1, s2 := expCore(b, a2)
	e := expScaled(b, p, s1, s2)
	large := b.Sub(b.F(1), b.Div(b.F(2), b.Add(e, b.F(1))))
	z := b.Mul(x, x)
	q := horner(b, z, "tanhP4", "tanhP3", "tanhP2", "tanhP1", "tanhP0")
	small := b.Add(b.Mul(b.Mul(x, z), q), x)
	r := b.Sel(b.LT(a, b.C("tanhSmall")), small, large)
	return b.Or(r, b.And(x, b.Bits(signMask)))
}

// sigmoidParts: e = exp(−|x|) and its parts.
func sigmoidParts(b *prog, x val) (na, e, p, s1, s2 val) {
	na = b.Max(b.Or(x, b.Bits(signMask)), b.C("expLo"))
	p, s1, s2 = expCore(b, na)
	return na, expScaled(b, p, s1, s2), p, s1, s2
}

func sigmoid32(b *prog, x val) val {
	_, e, _, _, _ := sigmoidParts(b, x)
	num := b.Sel(b.LT(x, b.F(0)), e, b.F(1))
	return b.Div(num, b.Add(b.F(1), e))
}

func silu32(b *prog, x val) val {
	na, e, p, s1, s2 := sigmoidParts(b, x)
	num := b.Sel(b.LT(x, b.F(0)), expScaled(b, b.Mul(na, p), s1, s2), x)
	return b.Div(num, b.Add(b.F(1), e))
}

func gelu32(b *prog, x val) val {
	half := func(h val) val {
		w := b.AddD(b.MulD(b.D("geluC2", 0), b.MulD(h, h)), b.D("geluC1", 0))
		u := b.MulD(h, w)
		v := b.OrD(u, b.D("", math.Copysign(0, -1)))
		return b.MaxD(v, b.D("", float64(math.Float32frombits(b.k.f32["expLo"]))))
	}
	vlo, vhi := half(b.WidenLo(x)), half(b.WidenHi(x))
	ea := b.Narrow(vlo, vhi)
	eb := b.Narrow(b.SubD(vlo, b.WidenLo(ea)), b.SubD(vhi, b.WidenHi(ea)))
	p, s1, s2 := expCoreAB(b, ea, eb)
	e := expScaled(b, p, s1, s2)
	xc := b.Max(x, b.C("geluXLo"))
	num := b.Sel(b.LT(x, b.F(0)), expScaled(b, b.Mul(xc, p), s1, s2), x)
	return b.Div(num, b.Add(b.F(1), e))
}

func geluErf32(b *prog, x val) val {
	// The tails first (see tanh32).
	ax := b.And(x, b.Bits(absMask))
	a := b.Min(ax, b.C("erfAMax"))
	t := b.Div(b.F(1), b.Add(a, b.F(1)))
	t = b.Sub(t, b.C("erfKc"))
	h := horner(b, t, "erfK12", "erfK11", "erfK10", "erfK9", "erfK8", "erfK7",
		"erfK6", "erfK5", "erfK4", "erfK3", "erfK2", "erfK1", "erfK0")
	ah := b.And(a, b.Bits(b.I("erfHiMask")))
	al := b.Sub(a, ah)
	ea := b.Mul(b.Mul(ah, ah), b.F(-0.5))
	eb := b.Mul(b.Mul(al, b.Add(a, ah)), b.F(-0.5))
	p, s1, s2 := expCoreAB(b, ea, eb)
	tail := expScaled(b, b.Mul(h, p), s1, s2)
	large := b.Sel(b.LT(x, b.F(0)), b.Xor(tail, b.Bits(signMask)), b.Sub(x, tail))
	z := b.Mul(x, x)
	q := horner(b, z, "erfA5", "erfA4", "erfA3", "erfA2", "erfA1", "erfA0")
	small := b.Mul(x, b.Add(b.Mul(x, q), b.F(0.5)))
	return b.Sel(b.LT(ax, b.C("erfT")), small, large)
}

func softplus32(b *prog, x val) val {
	_, t, _, _, _ := sigmoidParts(b, x)
	u := b.Add(b.F(1), t)
	c := b.Div(b.Sub(t, b.Sub(u, b.F(1))), u)
	k, f := logParts(b, u, false)
	y := b.Add(logTail(b, k, f), c)
	return b.Add(b.Max(x, b.F(0)), logSum(b, k, f, y))
}

package trueno

import "math"

// The scalar kernels below are the reference algorithms of the
// transcendental family. Each is a fixed sequence of float32 operations;
// every product is wrapped in float32() so that the compiler cannot fuse it
// with the following addition into an FMA (Go permits that fusion, and
// arm64 does it). The assembly performs the same operations in the same
// order, so every path gives the same bits.

func f32bits(x float32) uint32     { return math.Float32bits(x) }
func f32frombits(b uint32) float32 { return math.Float32frombits(b) }

// maxf returns (b > a) ? b : a: a NaN in a is kept.
func maxf(a, b float32) float32 {
	if b > a {
		return b
	}
	return a
}

// minf returns (b < a) ? b : a: a NaN in a is kept.
func minf(a, b float32) float32 {
	if b < a {
		return b
	}
	return a
}

// negAbs returns −|x| (the sign bit set).
func negAbs(x float32) float32 { return f32frombits(f32bits(x) | f32SignMask) }

// absf returns |x| (the sign bit cleared).
func absf(x float32) float32 { return f32frombits(f32bits(x) & f32AbsMask) }

// expCore returns p, s1, s2 with exp(x) ≈ (p·s1)·s2 for x in
// [expLo, expHi] (or NaN): p = exp(r) in [√½, √2] and s1·s2 = 2ⁿ split
// into two normal powers of two, so that the product neither overflows
// early nor rounds twice on its way into the subnormals.
func expCore(x float32) (p, s1, s2 float32) {
	t := float32(x*expLog2e) + expRound
	n := t - expRound
	r := x - float32(n*expLn2Hi)
	r = r - float32(n*expLn2Lo)
	return expPoly(r, t)
}

// expCoreAB is expCore for an argument given as a sum a + b, where a is
// such that a − n·expLn2Hi is exact (a has few significant bits) and b is
// a small correction: the reduced argument is (a − n·ln2hi) + b − n·ln2lo.
func expCoreAB(a, b float32) (p, s1, s2 float32) {
	t := float32((a+b)*expLog2e) + expRound
	n := t - expRound
	r := a - float32(n*expLn2Hi)
	r = r + b
	r = r - float32(n*expLn2Lo)
	return expPoly(r, t)
}

// expPoly evaluates exp(r) and the two scale factors of 2ⁿ, with n read
// from the low bits of t = n + expRound.
func expPoly(r, t float32) (p, s1, s2 float32) {
	q := float32(expP4*r) + expP3
	q = float32(q*r) + expP2
	q = float32(q*r) + expP1
	q = float32(q*r) + expP0
	r2 := float32(r * r)
	p = float32(q*r2) + r
	p = p + 1
	n := int32(f32bits(t) - f32bits(expRound))
	n1 := n >> 1
	n2 := n - n1
	s1 = f32frombits(uint32(n1+expBias) << 23)
	s2 = f32frombits(uint32(n2+expBias) << 23)
	return p, s1, s2
}

func exp32(x float32) float32 {
	x = maxf(x, expLo)
	x = minf(x, expHi)
	p, s1, s2 := expCore(x)
	return float32(p*s1) * s2
}

// logParts splits x > 0 (finite, subnormals included) into k and
// f = m − 1 (exact) with x = 2ᵏ·m, m in [√½, √2).
func logParts(x float32) (k, f float32) {
	kadj := float32(0)
	if x < logMinNormal {
		kadj = logSubK
		x = float32(x * logSubScale)
	}
	k, f = logPartsNormal(x)
	return k + kadj, f
}

// logPartsNormal is logParts for a normal x.
func logPartsNormal(x float32) (k, f float32) {
	ix := f32bits(x) + (logOne - logSqrtHalf)
	k = float32(int32(ix>>23) - expBias)
	m := f32frombits(ix&logMantMask + logSqrtHalf)
	return k, m - 1
}

// logTail returns y such that log(2ᵏ·(1+f)) ≈ (f + y) + k·ln2hi.
func logTail(k, f float32) float32 {
	z := float32(f * f)
	q := float32(logP7*f) + logP6
	q = float32(q*f) + logP5
	q = float32(q*f) + logP4
	q = float32(q*f) + logP3
	q = float32(q*f) + logP2
	q = float32(q*f) + logP1
	q = float32(q*f) + logP0
	y := float32(float32(q*f) * z)
	y = y + float32(k*expLn2Lo)
	return y - float32(0.5*z)
}

func log32(x float32) float32 {
	k, f := logParts(x)
	r := (f + logTail(k, f)) + float32(k*expLn2Hi)
	if x == float32(math.Inf(1)) {
		r = x
	}
	special := float32(math.NaN())
	if x == 0 {
		special = float32(math.Inf(-1))
	}
	if !(x > 0) {
		r = special
	}
	return r
}

func tanh32(x float32) float32 {
	// |x| < tanhSmall: odd polynomial.
	z := float32(x * x)
	q := float32(tanhP4*z) + tanhP3
	q = float32(q*z) + tanhP2
	q = float32(q*z) + tanhP1
	q = float32(q*z) + tanhP0
	r := float32(float32(x*z)*q) + x
	// Otherwise 1 − 2/(exp(2|x|) + 1).
	a := absf(x)
	a2 := minf(a+a, expHi)
	p, s1, s2 := expCore(a2)
	e := float32(p*s1) * s2
	if !(a < tanhSmall) {
		r = 1 - 2/(e+1)
	}
	// The sign of x, also for x = -0 (where the polynomial gives +0).
	return f32frombits(f32bits(r) | f32bits(x)&f32SignMask)
}

// sigmoidParts returns e = exp(−|x|) in (0, 1] together with the parts of
// that exp, for the kernels that build on the logistic function.
func sigmoidParts(x float32) (e, p, s1, s2 float32) {
	na := maxf(negAbs(x), expLo)
	p, s1, s2 = expCore(na)
	return float32(p*s1) * s2, p, s1, s2
}

func sigmoid32(x float32) float32 {
	e, _, _, _ := sigmoidParts(x)
	num := float32(1)
	if x < 0 {
		num = e
	}
	return num / (1 + e)
}

func silu32(x float32) float32 {
	// x·σ(x) = x/(1 + exp(−x)) for x ≥ 0 and x·exp(x)/(1 + exp(x)) for
	// x < 0, where x·exp(x) is formed as ((x·p)·s1)·s2 so that it rounds
	// once into the subnormals.
	na := maxf(negAbs(x), expLo)
	p, s1, s2 := expCore(na)
	e := float32(p*s1) * s2
	num := x
	if x < 0 {
		num = float32(float32(float32(na*p)*s1) * s2)
	}
	return num / (1 + e)
}

func gelu32(x float32) float32 {
	// x·σ(u), u = x·(c1 + c2·x²), in the form of silu32. exp(−|u|) is
	// sensitive to the absolute error of u (|u| reaches 120), so u is formed
	// in float64 and handed to the exp as the float32 pair A + B.
	xd := float64(x)
	w := float64(geluC2*float64(xd*xd)) + geluC1
	u := float64(xd * w)
	v := math.Float64frombits(math.Float64bits(u) | 1<<63) // −|u|
	if float64(expLo) > v {
		v = float64(expLo)
	}
	ea := float32(v)
	eb := float32(v - float64(ea))
	p, s1, s2 := expCoreAB(ea, eb)
	e := float32(p*s1) * s2
	num := x
	if x < 0 {
		xc := maxf(x, geluXLo)
		num = float32(float32(float32(xc*p)*s1) * s2)
	}
	return num / (1 + e)
}

func geluErf32(x float32) float32 {
	// Near zero: x·(0.5 + x·A(x²)).
	z := float32(x * x)
	q := float32(erfA5*z) + erfA4
	q = float32(q*z) + erfA3
	q = float32(q*z) + erfA2
	q = float32(q*z) + erfA1
	q = float32(q*z) + erfA0
	small := float32(x * (float32(x*q) + 0.5))
	// Tails: a·Φ(−a) = exp(−a²/2)·K(t) with t = 1/(1 + a/4), and
	// exp(−a²/2) taken as exp(A + B) with A = −ah²/2 exact.
	a := minf(absf(x), erfAMax)
	t := 1 / (a + 1)
	t = t - erfKc
	h := float32(erfK12*t) + erfK11
	h = float32(h*t) + erfK10
	h = float32(h*t) + erfK9
	h = float32(h*t) + erfK8
	h = float32(h*t) + erfK7
	h = float32(h*t) + erfK6
	h = float32(h*t) + erfK5
	h = float32(h*t) + erfK4
	h = float32(h*t) + erfK3
	h = float32(h*t) + erfK2
	h = float32(h*t) + erfK1
	h = float32(h*t) + erfK0
	ah := f32frombits(f32bits(a) & erfHiMask)
	al := a - ah
	ea := float32(float32(ah*ah) * -0.5)
	eb := float32(float32(al*(a+ah)) * -0.5)
	p, s1, s2 := expCoreAB(ea, eb)
	tail := float32(float32(h*p)*s1) * s2 // a·Φ(−a), rounded once into the subnormals
	large := x - tail
	if x < 0 {
		large = -tail
	}
	if absf(x) < erfT {
		return small
	}
	return large
}

func softplus32(x float32) float32 {
	// max(x, 0) + log1p(t), t = exp(−|x|) in (0, 1], with
	// log1p(t) = log(u) + (t − (u−1))/u for u = 1 + t: the second term
	// recovers the rounding error of u (exactly representable), which
	// keeps the result accurate down to the subnormal t of x → −∞.
	na := maxf(negAbs(x), expLo)
	p, s1, s2 := expCore(na)
	t := float32(p*s1) * s2
	u := 1 + t
	c := (t - (u - 1)) / u
	k, f := logPartsNormal(u)
	y := logTail(k, f) + c
	return maxf(x, 0) + ((f + y) + float32(k*expLn2Hi))
}

func expGeneric(dst, x []float32) {
	x = x[:len(dst)]
	for i, v := range x {
		dst[i] = exp32(v)
	}
}

func logGeneric(dst, x []float32) {
	x = x[:len(dst)]
	for i, v := range x {
		dst[i] = log32(v)
	}
}

func tanhGeneric(dst, x []float32) {
	x = x[:len(dst)]
	for i, v := range x {
		dst[i] = tanh32(v)
	}
}

func sigmoidGeneric(dst, x []float32) {
	x = x[:len(dst)]
	for i, v := range x {
		dst[i] = sigmoid32(v)
	}
}

func siluGeneric(dst, x []float32) {
	x = x[:len(dst)]
	for i, v := range x {
		dst[i] = silu32(v)
	}
}

func geluGeneric(dst, x []float32) {
	x = x[:len(dst)]
	for i, v := range x {
		dst[i] = gelu32(v)
	}
}

func geluErfGeneric(dst, x []float32) {
	x = x[:len(dst)]
	for i, v := range x {
		dst[i] = geluErf32(v)
	}
}

func softplusGeneric(dst, x []float32) {
	x = x[:len(dst)]
	for i, v := range x {
		dst[i] = softplus32(v)
	}
}

// softmaxExpGeneric sets dst[i] = exp(x[i] − m) and returns their sum,
// formed in 16 lanes (lane j adds the terms i ≡ j mod 16, in order) that
// are then added pairwise, j+8 into j, then j+4, j+2 and j+1: the order the
// assembly uses, so that every path gives the same sum.
func softmaxExpGeneric(dst, x []float32, m float32) float32 {
	x = x[:len(dst)]
	var acc [16]float32
	for i, v := range x {
		e := exp32(v - m)
		dst[i] = e
		acc[i%16] += e
	}
	return sum16(&acc)
}

// softmaxSumGeneric returns the sum of exp(x[i] − m), in the order of
// softmaxExpGeneric.
func softmaxSumGeneric(x []float32, m float32) float32 {
	var acc [16]float32
	for i, v := range x {
		acc[i%16] += exp32(v - m)
	}
	return sum16(&acc)
}

func sum16(acc *[16]float32) float32 {
	for h := 8; h >= 1; h /= 2 {
		for j := 0; j < h; j++ {
			acc[j] += acc[j+h]
		}
	}
	return acc[0]
}

// softmaxScaleGeneric sets dst[i] *= a.
func softmaxScaleGeneric(dst []float32, a float32) {
	for i := range dst {
		dst[i] *= a
	}
}

// logSoftmaxShiftGeneric sets dst[i] = (x[i] − m) − l.
func logSoftmaxShiftGeneric(dst, x []float32, m, l float32) {
	x = x[:len(dst)]
	for i, v := range x {
		dst[i] = (v - m) - l
	}
}

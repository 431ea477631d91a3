package trueno

// The constants of the transcendental kernels. This file is the single
// source of them: the generic references use them directly, and the
// generator (asm/transcend) parses this file and writes the same values into
// the assembly's constant table, so every path computes with identical bits.
//
// Every constant is exactly representable in its type (hexadecimal
// literals unless it is a small integer); the generator checks. The
// polynomial coefficients are minimax fits (discrete Remez exchange in
// float64, weighted for the relative error of the final result) rounded to
// float32; the interval and the weight of each fit are given beside it.

// exp: x = n·ln2 + r, n = round(x·log2(e)), |r| ≤ ln2/2 (plus the rounding
// of x·log2(e)); exp(r) = 1 + r + r²·P(r).
const (
	expLog2e float32 = 0x1.715476p+00 // log2(e)
	// expRound is 1.5·2²³: adding it rounds a float32 of magnitude below
	// 2²² to an integer (round to nearest even, the default mode on every
	// path), and the integer sits in the low bits of the sum.
	expRound float32 = 0x1.8p+23
	// ln2 = expLn2Hi + expLn2Lo; expLn2Hi has 15 significant bits so that
	// n·expLn2Hi is exact for |n| < 2⁸ and x − n·expLn2Hi is exact.
	expLn2Hi float32 = 0x1.62e4p-01
	expLn2Lo float32 = 0x1.7f7d1cp-20
	// The clamp of the argument: exp(89) overflows float32 and exp(-120)
	// is far below half the smallest subnormal, while n stays within
	// [-173, 128] so that 2ⁿ can be applied as two normal factors.
	expHi float32 = 89
	expLo float32 = -120
	// P(r) ≈ (exp(r) − 1 − r)/r² on |r| ≤ 0.35, weight r²/exp(r):
	// relative error of exp(r) at most 3.3e-9 (0.06 ULP).
	expP0 float32 = 0x1.fffffcp-02
	expP1 float32 = 0x1.55548ap-03
	expP2 float32 = 0x1.555916p-05
	expP3 float32 = 0x1.123fd2p-07
	expP4 float32 = 0x1.6a1a5ep-10
)

// Bit patterns used by the exp scaling: 2ᵏ is the float32 with bits
// (k+127)<<23 for k in [-126, 127].
const (
	expBias     = 127
	f32SignMask = 0x80000000
	f32AbsMask  = 0x7fffffff
)

// log: x = 2ᵏ·m with m in [√½, √2), f = m − 1 (exact),
// log(1+f) = f − f²/2 + f³·P(f).
const (
	// logMinNormal is the smallest normal float32; smaller inputs are
	// scaled by logSubScale = 2²³ first (and k lowered by 23).
	logMinNormal float32 = 0x1p-126
	logSubScale  float32 = 0x1p+23
	logSubK      float32 = -23
	// logSqrtHalf is the bit pattern of float32(√½): adding
	// 0x3f800000 − logSqrtHalf to the bits of x moves the exponent
	// boundary from 1 to √½.
	logSqrtHalf = 0x3f3504f3
	logOne      = 0x3f800000
	logMantMask = 0x007fffff
	// P(f) ≈ (log(1+f) − f + f²/2)/f³ on [√½−1, √2−1], weight
	// |f³/log(1+f)|: relative error of log(1+f) at most 5.9e-9 (0.1 ULP).
	logP0 float32 = 0x1.555554p-02
	logP1 float32 = -0x1.000228p-02
	logP2 float32 = 0x1.99a00ap-03
	logP3 float32 = -0x1.547228p-03
	logP4 float32 = 0x1.22d9e8p-03
	logP5 float32 = -0x1.0d8636p-03
	logP6 float32 = 0x1.055d7p-03
	logP7 float32 = -0x1.38b56ap-04
)

// tanh: for |x| < tanhSmall, tanh(x) = x + x³·P(x²); above,
// tanh(|x|) = 1 − 2/(exp(2|x|) + 1) with the sign of x.
const (
	tanhSmall float32 = 0x1.4p-01 // 0.625
	// P(z) ≈ (tanh(√z) − √z)/z^(3/2) on [0, 0.625²], weight
	// z^(3/2)/tanh(√z): relative error of tanh at most 4.4e-9.
	tanhP0 float32 = -0x1.555532p-02
	tanhP1 float32 = 0x1.110726p-03
	tanhP2 float32 = -0x1.b83c5ap-05
	tanhP3 float32 = 0x1.52269cp-06
	tanhP4 float32 = -0x1.75e1cep-08
)

// GELU, tanh form: 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))) = x·σ(u)
// with u = x·(geluC1 + geluC2·x²), σ the logistic function. u is formed in
// float64: exp(−|u|) turns an absolute error of u into a relative error of
// the result, and |u| reaches 120.
const (
	geluC1 float64 = 0x1.9884533d43651p+00 // 2·√(2/π)
	geluC2 float64 = 0x1.2444f2a4d8b4bp-04 // 2·√(2/π)·0.044715
	// geluXLo bounds x in the numerator x·exp(u) for u < 0, so that
	// x = -Inf gives -0 rather than -Inf·0: below it the product is far
	// under the smallest subnormal anyway.
	geluXLo float32 = -0x1.388p+13 // -10000
)

// GELU, erf form: x·Φ(x), Φ the standard normal distribution function.
// For |x| < erfT, Φ(x) = 0.5 + x·A(x²). Above, with a = |x| and
// t = 1/(1 + a): a·Φ(−a) = exp(−a²/2)·K(t), so that x·Φ(x) is
// −exp(−a²/2)·K(t) for x < 0 and x − exp(−a²/2)·K(t) for x > 0.
const (
	erfT float32 = 0x1.8p-01 // 0.75
	// erfAMax clamps a: 16·Φ(−16) is far below the smallest subnormal.
	erfAMax float32 = 16
	// erfHiMask keeps the sign, exponent and 11 leading mantissa bits:
	// a = ah + al with ah·ah exact.
	erfHiMask = 0xfffff000
	// A(z) ≈ (Φ(√z) − 0.5)/√z on [0, 0.75²], weight (√z+0.02)/Φ(−√z):
	// relative error of the GELU at most 1.2e-11.
	erfA0 float32 = 0x1.988454p-02
	erfA1 float32 = -0x1.105836p-04
	erfA2 float32 = 0x1.46cfdcp-07
	erfA3 float32 = -0x1.372d6ap-10
	erfA4 float32 = 0x1.e0bf1ep-14
	erfA5 float32 = -0x1.1607aap-17
	// K(t) ≈ a·Φ(−a)·exp(a²/2), a = (1−t)/t, on t in [1/17, 1/1.75]
	// (a in [0.75, 16]), as a polynomial in s = t − erfKc, erfKc the
	// middle of the interval: relative error at most 7.6e-10.
	erfKc  float32 = 0x1.42b068p-02
	erfK0  float32 = 0x1.5f4274p-02
	erfK1  float32 = -0x1.766ffep-02
	erfK2  float32 = -0x1.044f5cp-01
	erfK3  float32 = 0x1.160116p-01
	erfK4  float32 = 0x1.3103ep-02
	erfK5  float32 = -0x1.76481ap+00
	erfK6  float32 = 0x1.b6e2ecp+00
	erfK7  float32 = 0x1.c52b06p-02
	erfK8  float32 = -0x1.7221d4p+02
	erfK9  float32 = 0x1.8df87p+03
	erfK10 float32 = -0x1.d11dacp+02
	erfK11 float32 = -0x1.0416e8p+05
	erfK12 float32 = 0x1.e0fc3ep+05
)

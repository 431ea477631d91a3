package trueno

import "fmt"

// The element-wise kernels: dst[i] = f(x[i], ...) for every i, one IEEE
// operation (or a fixed sequence of them) per element, so that every path
// gives the same bits as the pure-Go reference. NaN payloads are not
// specified; NaN-ness, infinities and the sign of zero are.
//
// The destination may be the same slice as an input (dst == x, dst == y);
// it must not overlap an input in any other way. Lengths must agree: a
// mismatch panics with a message that starts with "trueno:".

// AddTo computes dst[i] = x[i] + y[i] for every i.
func AddTo(dst, x, y []float32) {
	checkLen3("AddTo", len(dst), len(x), len(y))
	addTo(dst, x, y)
}

// SubTo computes dst[i] = x[i] - y[i] for every i.
func SubTo(dst, x, y []float32) {
	checkLen3("SubTo", len(dst), len(x), len(y))
	subTo(dst, x, y)
}

// MulTo computes dst[i] = x[i] * y[i] for every i.
func MulTo(dst, x, y []float32) {
	checkLen3("MulTo", len(dst), len(x), len(y))
	mulTo(dst, x, y)
}

// DivTo computes dst[i] = x[i] / y[i] for every i (IEEE division: x/±0 is
// ±Inf or NaN, never a panic).
func DivTo(dst, x, y []float32) {
	checkLen3("DivTo", len(dst), len(x), len(y))
	divTo(dst, x, y)
}

// Scale computes x[i] *= a for every i, in place.
func Scale(a float32, x []float32) {
	scaleTo(x, a, x)
}

// ScaleTo computes dst[i] = a * x[i] for every i.
func ScaleTo(dst []float32, a float32, x []float32) {
	checkLen2("ScaleTo", len(dst), len(x))
	scaleTo(dst, a, x)
}

// AddConstTo computes dst[i] = x[i] + c for every i.
func AddConstTo(dst []float32, c float32, x []float32) {
	checkLen2("AddConstTo", len(dst), len(x))
	addConstTo(dst, c, x)
}

// Axpy computes y[i] += a * x[i] for every i. The product is rounded to
// float32 before the addition (y[i] = float32(a*x[i]) + y[i]): no fused
// multiply-add, so every path and every platform gives the same bits.
func Axpy(a float32, x, y []float32) {
	checkLen2("Axpy", len(x), len(y))
	axpyTo(y, a, x, y)
}

// AxpyTo computes dst[i] = a*x[i] + y[i] for every i, the product rounded
// to float32 before the addition as in Axpy.
func AxpyTo(dst []float32, a float32, x, y []float32) {
	checkLen3("AxpyTo", len(dst), len(x), len(y))
	axpyTo(dst, a, x, y)
}

// AbsTo computes dst[i] = |x[i]| for every i by clearing the sign bit: -0
// becomes +0 and a NaN stays NaN.
func AbsTo(dst, x []float32) {
	checkLen2("AbsTo", len(dst), len(x))
	absTo(dst, x)
}

// NegTo computes dst[i] = -x[i] for every i by flipping the sign bit: +0
// becomes -0 and a NaN stays NaN.
func NegTo(dst, x []float32) {
	checkLen2("NegTo", len(dst), len(x))
	negTo(dst, x)
}

// ClampTo computes, for every i,
//
//	v := x[i]
//	if v < lo { v = lo }
//	if v > hi { v = hi }
//	dst[i] = v
//
// so a NaN in x stays NaN, and a zero of either sign that lies in [lo, hi]
// is kept as it is (-0 and +0 compare equal). ClampTo panics when lo > hi
// or when lo or hi is NaN.
func ClampTo(dst, x []float32, lo, hi float32) {
	checkLen2("ClampTo", len(dst), len(x))
	if !(lo <= hi) {
		panic(fmt.Sprintf("trueno: ClampTo: invalid bounds [%v, %v]", lo, hi))
	}
	clampTo(dst, x, lo, hi)
}

// SqrtTo computes dst[i] = √x[i] for every i, correctly rounded (IEEE
// square root): √-0 = -0, √+Inf = +Inf, and the root of a negative number
// or NaN is NaN.
func SqrtTo(dst, x []float32) {
	checkLen2("SqrtTo", len(dst), len(x))
	sqrtTo(dst, x)
}

// RecipTo computes dst[i] = 1 / x[i] for every i by IEEE division
// (correctly rounded, not an approximate reciprocal): 1/±0 = ±Inf,
// 1/±Inf = ±0.
func RecipTo(dst, x []float32) {
	checkLen2("RecipTo", len(dst), len(x))
	recipTo(dst, x)
}

// ReLUTo computes, for every i,
//
//	if x[i] < 0 { dst[i] = 0 } else { dst[i] = x[i] }
//
// so a NaN stays NaN and -0 stays -0 (it is not less than 0): the result
// is exactly that of ClampTo(dst, x, 0, +Inf).
func ReLUTo(dst, x []float32) {
	checkLen2("ReLUTo", len(dst), len(x))
	reluTo(dst, x)
}

// LeakyReLUTo computes, for every i,
//
//	if x[i] > 0 { dst[i] = x[i] } else { dst[i] = alpha * x[i] }
//
// so a NaN gives NaN, and a zero gives alpha times that zero (-0 for a
// positive alpha and x[i] = -0).
func LeakyReLUTo(dst, x []float32, alpha float32) {
	checkLen2("LeakyReLUTo", len(dst), len(x))
	leakyReLUTo(dst, x, alpha)
}

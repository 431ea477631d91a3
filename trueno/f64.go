package trueno

import "math"

// Dot64 returns the dot product Σ x[i]·y[i] of two float64 vectors.
//
// The terms are summed in an unspecified order, by several accumulators,
// with fused multiply-adds on the SIMD paths; the result is within
// γn·Σ|x[i]·y[i]| of the exact value (γn = n·u/(1−n·u), u = 2⁻⁵³). A NaN in
// either input, or an infinity times zero, gives NaN. The dot product of
// empty vectors is 0. Dot64 panics if the lengths differ.
func Dot64(x, y []float64) float64 {
	checkLen2("Dot64", len(x), len(y))
	return dot64(x, y)
}

// Sum64 returns Σ x[i], summed in an unspecified order by several
// accumulators; the result is within γn·Σ|x[i]| of the exact sum. A NaN, or
// infinities of both signs, give NaN. The sum of an empty vector is 0.
func Sum64(x []float64) float64 {
	return sum64(x)
}

// Axpy64 computes y[i] += a·x[i] for every i: the product a·x[i] is rounded
// to float64, then added to y[i] (no fused multiply-add), so every path
// gives the same bits. Axpy64 panics if the lengths differ.
func Axpy64(a float64, x, y []float64) {
	checkLen2("Axpy64", len(x), len(y))
	axpy64(a, x, y)
}

// ScaleTo64 computes dst[i] = a·x[i] for every i; dst may be x itself.
// ScaleTo64 panics if the lengths differ.
func ScaleTo64(dst []float64, a float64, x []float64) {
	checkLen2("ScaleTo64", len(dst), len(x))
	scaleTo64(dst, a, x)
}

// L2Norm64 returns the Euclidean norm √(Σ x[i]²) without overflow or
// underflow in the intermediate sum of squares.
//
// The fast path sums the squares directly (in an unspecified order, fused
// multiply-adds on the SIMD paths). When that sum is not a finite number at
// least 2⁻⁹⁶⁰ (it overflowed, lost precision to underflow, or the input
// holds an infinity or only zeros), L2Norm64 scans for the largest
// |x[i]| = m·2ᵉ (½ ≤ m < 1) and sums the squares of x[i]·2⁻ᵉ instead (for
// subnormal maxima x[i]·2¹⁰²³), an exact scaling of every element whose
// square matters, before scaling the root back. Either way the result is
// within about (γn/2 + 2u)·‖x‖ of the exact norm (u = 2⁻⁵³). As for
// L2Norm, a NaN anywhere gives NaN, else an infinity gives +Inf. The norm
// of an empty vector is 0.
func L2Norm64(x []float64) float64 {
	ss := sumSq64(x)
	switch {
	case ss >= l2FastMin64 && ss <= math.MaxFloat64:
		return math.Sqrt(ss)
	case ss != ss: // only a NaN element makes a sum of squares NaN
		return ss
	}
	return l2NormScaled64(x)
}

// l2FastMin64 is the smallest sum of squares the fast path of L2Norm64
// trusts: squares that underflowed lose at most 2⁻¹⁰⁷⁵ each, which next to
// 2⁻⁹⁶⁰ is far below an ulp for any length a machine can hold.
const l2FastMin64 = 0x1p-960

// l2NormScaled64 is the careful path of L2Norm64 for inputs without NaN:
// find the largest magnitude, then sum the squares of the elements scaled
// by a power of two that brings it into [½, 1).
func l2NormScaled64(x []float64) float64 {
	var m float64
	for _, v := range x {
		m = max(m, math.Abs(v))
	}
	if m == 0 || math.IsInf(m, 1) {
		return m
	}
	// Scale by 2ᵏ with m·2ᵏ in [½, 1); for subnormal m, 2ᵏ would overflow,
	// and 2¹⁰²³ brings m above 2⁻⁵², far enough from underflow.
	_, e := math.Frexp(m)
	k := min(-e, 1023)
	ss := sumSqScaled64(x, math.Ldexp(1, k))
	return math.Ldexp(math.Sqrt(ss), -k)
}

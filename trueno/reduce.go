package trueno

import "math"

// Reductions of float32 slices to one value.
//
// The summing kernels (Sum, Dot, L1Norm, L2Norm, Mean, Variance) keep
// several independent vector accumulators and fuse multiply-adds, so their
// summation order differs between paths: the result is exact whenever every
// partial sum is representable (integer-valued data below 2²⁴, for example)
// and otherwise within γn·Σ|terms| of the exact value (γn = n·u/(1−n·u),
// u = 2⁻²⁴). A NaN anywhere gives NaN. Infinite terms give the IEEE result
// of adding them (+Inf, −Inf, or NaN for both signs); only when a partial
// sum of finite terms overflows can two paths disagree.
//
// The selecting kernels (Min, Max, Argmin, Argmax, LInfNorm) are exact: the
// same bits and the same index on every path.

// Sum returns x[0] + x[1] + ... + x[n-1], 0 for an empty slice.
func Sum(x []float32) float32 { return sum(x) }

// Dot returns x[0]*y[0] + x[1]*y[1] + ... + x[n-1]*y[n-1], 0 for empty
// slices. The products may be fused into the additions (FMA). It panics when
// the lengths differ.
func Dot(x, y []float32) float32 {
	checkLen2("Dot", len(x), len(y))
	return dot(x, y)
}

// Min returns the smallest element of x in the order of Go's built-in min:
// NaN if any element is NaN, and −0 is smaller than +0 (the minimum of
// {+0, −0} is −0). It panics on an empty slice.
func Min(x []float32) float32 {
	reduceCheckNonEmpty("Min", len(x))
	return minimum(x)
}

// Max returns the largest element of x in the order of Go's built-in max:
// NaN if any element is NaN, and +0 is larger than −0 (the maximum of
// {−0, +0} is +0). It panics on an empty slice.
func Max(x []float32) float32 {
	reduceCheckNonEmpty("Max", len(x))
	return maximum(x)
}

// Argmin returns the index of the smallest element of x, like numpy's
// argmin: the index of the first NaN if x holds a NaN, else the first index
// i at which x[i] == Min(x) compares equal, so +0 and −0 tie and the earlier
// one wins. It panics on an empty slice.
func Argmin(x []float32) int {
	reduceCheckNonEmpty("Argmin", len(x))
	return argmin(x)
}

// Argmax returns the index of the largest element of x, like numpy's
// argmax: the index of the first NaN if x holds a NaN, else the first index
// i at which x[i] == Max(x) compares equal, so +0 and −0 tie and the earlier
// one wins. It panics on an empty slice.
func Argmax(x []float32) int {
	reduceCheckNonEmpty("Argmax", len(x))
	return argmax(x)
}

// L1Norm returns |x[0]| + |x[1]| + ... + |x[n-1]|, 0 for an empty slice.
func L1Norm(x []float32) float32 { return asum(x) }

// L2Norm returns the Euclidean norm √(x[0]² + ... + x[n-1]²), 0 for an
// empty slice; NaN if any element is NaN, else +Inf if any is infinite.
//
// The sum of squares is first computed in one fast pass (several
// accumulators, FMA). Squares of elements beyond about 1.8e19 overflow float32
// and squares of elements below about 1e-19 fall into or below the subnormal
// range, so when that fast sum is +Inf or below 2⁻¹⁰⁰ a second pass scales
// every element by the power of two that brings max|x| (LInfNorm) near 1,
// sums the squares of the scaled elements and scales the root back. The norm
// is therefore within about γn/2 (relative) of the exact value over the
// whole float32 range, never overflowing or underflowing unless the norm
// itself does. An all-zero slice takes both passes.
func L2Norm(x []float32) float32 {
	s := sumSq(x)
	if s == s && (s > math.MaxFloat32 || s < 0x1p-100) {
		return l2NormScaled(x)
	}
	return float32(math.Sqrt(float64(s)))
}

// LInfNorm returns max |x[i]|, 0 for an empty slice, NaN if any element is
// NaN. It is exact.
func LInfNorm(x []float32) float32 { return absMax(x) }

// Mean returns the arithmetic mean Sum(x)/n, with the division rounded once,
// and NaN for an empty slice. When the float32 sum is not finite, the sum is
// redone in float64, so a mean of finite elements never overflows (only an
// infinite or NaN element makes it infinite or NaN).
func Mean(x []float32) float32 {
	n := len(x)
	if n == 0 {
		return float32(math.NaN())
	}
	s := sum(x)
	if s-s != 0 { // ±Inf or NaN
		return meanFloat64(x)
	}
	return float32(float64(s) / float64(n))
}

// Variance returns the population variance Σ(x[i]−m)²/n with m = Mean(x),
// and NaN for an empty slice or for any NaN or infinite element.
//
// It takes two passes, the mean and then the sum of squared deviations
// from it (a vector kernel with several accumulators, FMA), instead of the
// one-pass Σx²/n − m², which cancels catastrophically when the mean is large
// against the spread. The result is within about γ(n+3) of the exact
// variance plus the square of the mean's own error. When the squared
// deviations overflow float32 (a variance beyond about MaxFloat32/n is
// possible while the variance itself is finite), the second pass is redone
// in float64.
func Variance(x []float32) float32 {
	n := len(x)
	if n == 0 {
		return float32(math.NaN())
	}
	m := Mean(x)
	s := sumSqDev(x, m)
	if s > math.MaxFloat32 && m-m == 0 {
		return varianceFloat64(x)
	}
	return float32(float64(s) / float64(n))
}

// reduceCheckNonEmpty panics when a reduction without an identity element meets
// an empty slice.
func reduceCheckNonEmpty(op string, n int) {
	if n == 0 {
		panic("trueno: " + op + ": empty slice")
	}
}

// l2NormScaled is the second pass of L2Norm: √Σ(x·s)² / s with s a power
// of two chosen from max|x| so that the largest scaled element lies in
// [0.5, 1) (clamped to 2¹²⁶ for subnormal maxima, where it lies lower but
// its square is still normal). Multiplying by a power of two is exact, so
// the only rounding is in the sum of squares.
func l2NormScaled(x []float32) float32 {
	m := absMax(x)
	if m == 0 || m != m || m > math.MaxFloat32 {
		return m // all zero, a NaN, or an infinite element
	}
	_, e := math.Frexp(float64(m)) // m = f·2^e, f in [0.5, 1)
	e = max(e, -126)
	s := sumSqScaled(x, float32(math.Ldexp(1, -e)))
	return float32(math.Ldexp(math.Sqrt(float64(s)), e))
}

// meanFloat64 is Mean's fallback when the float32 sum is not finite: a
// float64 sum of float32 elements cannot overflow, and it reproduces the
// IEEE special cases (+Inf, −Inf, NaN for both) of the elements.
func meanFloat64(x []float32) float32 {
	var s float64
	for _, v := range x {
		s += float64(v)
	}
	return float32(s / float64(len(x)))
}

// varianceFloat64 is Variance's fallback when the float32 sum of squared
// deviations overflows: both passes in float64, the mean included — the
// float32 mean of large equal values can be an ulp off them, and that ulp
// squared (≈ 1e55 for values near 4e34) alone overflows float32 although
// the variance is 0.
func varianceFloat64(x []float32) float32 {
	var sum float64
	for _, v := range x {
		sum += float64(v)
	}
	m := sum / float64(len(x))
	var s float64
	for _, v := range x {
		d := float64(v) - m
		s += d * d
	}
	return float32(s / float64(len(x)))
}

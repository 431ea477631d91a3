package trueno

import "math"

// The pure-Go references of the reduction kernels. The summing ones keep
// four accumulators, like the vector kernels keep several, so that the
// generic path is not needlessly slow; the selecting ones define the exact
// results every other path reproduces.

// sumGeneric returns Σ x[i].
func sumGeneric(x []float32) float32 { return sum4(x) }

// sum4 is the summation order of the generic sums, float32 and float64:
// four accumulators over consecutive elements, the remainder into the
// first, then (s0+s1)+(s2+s3).
func sum4[T float32 | float64](x []T) T {
	var s0, s1, s2, s3 T
	i := 0
	for ; i+4 <= len(x); i += 4 {
		s0 += x[i]
		s1 += x[i+1]
		s2 += x[i+2]
		s3 += x[i+3]
	}
	for ; i < len(x); i++ {
		s0 += x[i]
	}
	return (s0 + s1) + (s2 + s3)
}

// dotGeneric returns Σ x[i]·y[i].
func dotGeneric(x, y []float32) float32 { return dot4(x, y) }

// dot4 is dot products' counterpart of sum4.
func dot4[T float32 | float64](x, y []T) T {
	y = y[:len(x)]
	var s0, s1, s2, s3 T
	i := 0
	for ; i+4 <= len(x); i += 4 {
		s0 += x[i] * y[i]
		s1 += x[i+1] * y[i+1]
		s2 += x[i+2] * y[i+2]
		s3 += x[i+3] * y[i+3]
	}
	for ; i < len(x); i++ {
		s0 += x[i] * y[i]
	}
	return (s0 + s1) + (s2 + s3)
}

// asumGeneric returns Σ |x[i]|.
func asumGeneric(x []float32) float32 {
	var s0, s1, s2, s3 float32
	i := 0
	for ; i+4 <= len(x); i += 4 {
		s0 += reduceAbs(x[i])
		s1 += reduceAbs(x[i+1])
		s2 += reduceAbs(x[i+2])
		s3 += reduceAbs(x[i+3])
	}
	for ; i < len(x); i++ {
		s0 += reduceAbs(x[i])
	}
	return (s0 + s1) + (s2 + s3)
}

// sumSqGeneric returns Σ x[i]².
func sumSqGeneric(x []float32) float32 { return dotGeneric(x, x) }

// sumSqScaledGeneric returns Σ (x[i]·s)².
func sumSqScaledGeneric(x []float32, s float32) float32 {
	var s0, s1, s2, s3 float32
	i := 0
	for ; i+4 <= len(x); i += 4 {
		d0, d1, d2, d3 := x[i]*s, x[i+1]*s, x[i+2]*s, x[i+3]*s
		s0 += d0 * d0
		s1 += d1 * d1
		s2 += d2 * d2
		s3 += d3 * d3
	}
	for ; i < len(x); i++ {
		d := x[i] * s
		s0 += d * d
	}
	return (s0 + s1) + (s2 + s3)
}

// sumSqDevGeneric returns Σ (x[i]−m)².
func sumSqDevGeneric(x []float32, m float32) float32 {
	var s0, s1, s2, s3 float32
	i := 0
	for ; i+4 <= len(x); i += 4 {
		d0, d1, d2, d3 := x[i]-m, x[i+1]-m, x[i+2]-m, x[i+3]-m
		s0 += d0 * d0
		s1 += d1 * d1
		s2 += d2 * d2
		s3 += d3 * d3
	}
	for ; i < len(x); i++ {
		d := x[i] - m
		s0 += d * d
	}
	return (s0 + s1) + (s2 + s3)
}

// minimumGeneric returns min(x[0], ..., x[n-1]) in the order of Go's
// built-in min (NaN wins, −0 < +0); +Inf for an empty slice. It compares
// with < (faster than the built-in, which handles NaN and zeros on every
// call) and fixes the sign of a zero result afterwards.
func minimumGeneric(x []float32) float32 {
	m := float32(math.Inf(1))
	for _, v := range x {
		if v < m {
			m = v
		} else if v != v {
			return v
		}
	}
	if m == 0 {
		// m is the first zero; the minimum is −0 if any zero is.
		for _, v := range x {
			if v == 0 && math.Signbit(float64(v)) {
				return v
			}
		}
	}
	return m
}

// maximumGeneric returns max(x[0], ..., x[n-1]) in the order of Go's
// built-in max (NaN wins, +0 > −0); −Inf for an empty slice.
func maximumGeneric(x []float32) float32 {
	m := float32(math.Inf(-1))
	for _, v := range x {
		if v > m {
			m = v
		} else if v != v {
			return v
		}
	}
	if m == 0 {
		// m is the first zero; the maximum is +0 if any zero is.
		for _, v := range x {
			if v == 0 && !math.Signbit(float64(v)) {
				return v
			}
		}
	}
	return m
}

// absMaxGeneric returns max |x[i]| (NaN wins); 0 for an empty slice.
func absMaxGeneric(x []float32) float32 {
	var m float32
	for _, v := range x {
		a := reduceAbs(v)
		if a > m {
			m = a
		} else if a != a {
			return a
		}
	}
	return m
}

// argminGeneric returns the index of the first NaN, else the first index of
// the smallest value under <, so +0 and −0 tie; 0 for an empty slice.
func argminGeneric(x []float32) int {
	if len(x) == 0 {
		return 0
	}
	best, at := x[0], 0
	if best != best {
		return 0
	}
	for i := 1; i < len(x); i++ {
		v := x[i]
		if v != v {
			return i
		}
		if v < best {
			best, at = v, i
		}
	}
	return at
}

// argmaxGeneric is argminGeneric with >.
func argmaxGeneric(x []float32) int {
	if len(x) == 0 {
		return 0
	}
	best, at := x[0], 0
	if best != best {
		return 0
	}
	for i := 1; i < len(x); i++ {
		v := x[i]
		if v != v {
			return i
		}
		if v > best {
			best, at = v, i
		}
	}
	return at
}

// reduceFirstNaN returns the index of the first NaN in x, or -1.
func reduceFirstNaN(x []float32) int {
	for i, v := range x {
		if v != v {
			return i
		}
	}
	return -1
}

// reduceAbs clears the sign bit.
func reduceAbs(v float32) float32 {
	return math.Float32frombits(math.Float32bits(v) &^ (1 << 31))
}

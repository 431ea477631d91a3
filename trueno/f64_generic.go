package trueno

// dot64Generic is the reference for Dot64: four accumulators over
// consecutive elements, then the remaining elements into the first.
func dot64Generic(x, y []float64) float64 { return dot4(x, y) }

// sum64Generic is the reference for Sum64, with the accumulators of
// dot64Generic.
func sum64Generic(x []float64) float64 { return sum4(x) }

// sumSq64Generic returns Σ x[i]², the fast path of L2Norm64.
func sumSq64Generic(x []float64) float64 {
	return dot64Generic(x, x)
}

// sumSqScaled64Generic returns Σ (s·x[i])², the careful path of L2Norm64.
func sumSqScaled64Generic(x []float64, s float64) float64 {
	var s0, s1, s2, s3 float64
	i := 0
	for ; i+4 <= len(x); i += 4 {
		t0, t1, t2, t3 := s*x[i], s*x[i+1], s*x[i+2], s*x[i+3]
		s0 += t0 * t0
		s1 += t1 * t1
		s2 += t2 * t2
		s3 += t3 * t3
	}
	for ; i < len(x); i++ {
		t := s * x[i]
		s0 += t * t
	}
	return (s0 + s1) + (s2 + s3)
}

// axpy64Generic is the reference for Axpy64: y[i] = y[i] + (a·x[i]), two
// roundings (the conversion keeps the compiler from fusing them).
func axpy64Generic(a float64, x, y []float64) {
	y = y[:len(x)]
	for i, v := range x {
		y[i] += float64(a * v)
	}
}

// scaleTo64Generic is the reference for ScaleTo64: dst[i] = a·x[i].
func scaleTo64Generic(dst []float64, a float64, x []float64) {
	dst = dst[:len(x)]
	for i, v := range x {
		dst[i] = a * v
	}
}

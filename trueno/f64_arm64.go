//go:build gc && !purego

package trueno

func dot64(x, y []float64) float64 {
	if len(x) >= simdMin && isa == NEON {
		return dot64NEON(x, y)
	}
	return dot64Generic(x, y)
}

func sum64(x []float64) float64 {
	if len(x) >= simdMin && isa == NEON {
		return sum64NEON(x)
	}
	return sum64Generic(x)
}

func sumSq64(x []float64) float64 {
	if len(x) >= simdMin && isa == NEON {
		return sumSq64NEON(x)
	}
	return sumSq64Generic(x)
}

func sumSqScaled64(x []float64, s float64) float64 {
	if len(x) >= simdMin && isa == NEON {
		return sumSqScaled64NEON(x, s)
	}
	return sumSqScaled64Generic(x, s)
}

func axpy64(a float64, x, y []float64) {
	if len(x) >= simdMin && isa == NEON {
		axpy64NEON(a, x, y)
		return
	}
	axpy64Generic(a, x, y)
}

func scaleTo64(dst []float64, a float64, x []float64) {
	if len(x) >= simdMin && isa == NEON {
		scaleTo64NEON(dst, a, x)
		return
	}
	scaleTo64Generic(dst, a, x)
}

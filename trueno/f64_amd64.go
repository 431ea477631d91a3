//go:build gc && !purego

package trueno

func dot64(x, y []float64) float64 {
	if len(x) >= simdMin {
		switch isa {
		case AVX512:
			return dot64AVX512(x, y)
		case AVX2:
			return dot64AVX2(x, y)
		}
	}
	return dot64Generic(x, y)
}

func sum64(x []float64) float64 {
	if len(x) >= simdMin {
		switch isa {
		case AVX512:
			return sum64AVX512(x)
		case AVX2:
			return sum64AVX2(x)
		}
	}
	return sum64Generic(x)
}

func sumSq64(x []float64) float64 {
	if len(x) >= simdMin {
		switch isa {
		case AVX512:
			return sumSq64AVX512(x)
		case AVX2:
			return sumSq64AVX2(x)
		}
	}
	return sumSq64Generic(x)
}

func sumSqScaled64(x []float64, s float64) float64 {
	if len(x) >= simdMin {
		switch isa {
		case AVX512:
			return sumSqScaled64AVX512(x, s)
		case AVX2:
			return sumSqScaled64AVX2(x, s)
		}
	}
	return sumSqScaled64Generic(x, s)
}

func axpy64(a float64, x, y []float64) {
	if len(x) >= simdMin {
		switch isa {
		case AVX512:
			axpy64AVX512(a, x, y)
			return
		case AVX2:
			axpy64AVX2(a, x, y)
			return
		}
	}
	axpy64Generic(a, x, y)
}

func scaleTo64(dst []float64, a float64, x []float64) {
	if len(x) >= simdMin {
		switch isa {
		case AVX512:
			scaleTo64AVX512(dst, a, x)
			return
		case AVX2:
			scaleTo64AVX2(dst, a, x)
			return
		}
	}
	scaleTo64Generic(dst, a, x)
}

//go:build gc && !purego

package trueno

// Dispatchers of the reduction kernels on amd64.

func sum(x []float32) float32 {
	if len(x) >= simdMin {
		switch isa {
		case AVX512:
			return sumAVX512(x)
		case AVX2:
			return sumAVX2(x)
		}
	}
	return sumGeneric(x)
}

func dot(x, y []float32) float32 {
	if len(x) >= simdMin {
		switch isa {
		case AVX512:
			return dotAVX512(x, y)
		case AVX2:
			return dotAVX2(x, y)
		}
	}
	return dotGeneric(x, y)
}

func asum(x []float32) float32 {
	if len(x) >= simdMin {
		switch isa {
		case AVX512:
			return asumAVX512(x)
		case AVX2:
			return asumAVX2(x)
		}
	}
	return asumGeneric(x)
}

func sumSq(x []float32) float32 {
	if len(x) >= simdMin {
		switch isa {
		case AVX512:
			return sumSqAVX512(x)
		case AVX2:
			return sumSqAVX2(x)
		}
	}
	return sumSqGeneric(x)
}

func sumSqScaled(x []float32, s float32) float32 {
	if len(x) >= simdMin {
		switch isa {
		case AVX512:
			return sumSqScaledAVX512(x, s)
		case AVX2:
			return sumSqScaledAVX2(x, s)
		}
	}
	return sumSqScaledGeneric(x, s)
}

func sumSqDev(x []float32, m float32) float32 {
	if len(x) >= simdMin {
		switch isa {
		case AVX512:
			return sumSqDevAVX512(x, m)
		case AVX2:
			return sumSqDevAVX2(x, m)
		}
	}
	return sumSqDevGeneric(x, m)
}

func minimum(x []float32) float32 {
	if len(x) >= simdMin {
		switch isa {
		case AVX512:
			return minimumAVX512(x)
		case AVX2:
			return minimumAVX2(x)
		}
	}
	return minimumGeneric(x)
}

func maximum(x []float32) float32 {
	if len(x) >= simdMin {
		switch isa {
		case AVX512:
			return maximumAVX512(x)
		case AVX2:
			return maximumAVX2(x)
		}
	}
	return maximumGeneric(x)
}

func absMax(x []float32) float32 {
	if len(x) >= simdMin {
		switch isa {
		case AVX512:
			return absMaxAVX512(x)
		case AVX2:
			return absMaxAVX2(x)
		}
	}
	return absMaxGeneric(x)
}

func argmin(x []float32) int {
	if len(x) >= simdMin {
		switch isa {
		case AVX512:
			return argChunked(x, true, argminAVX512)
		case AVX2:
			return argChunked(x, true, argminAVX2)
		}
	}
	return argminGeneric(x)
}

func argmax(x []float32) int {
	if len(x) >= simdMin {
		switch isa {
		case AVX512:
			return argChunked(x, false, argmaxAVX512)
		case AVX2:
			return argChunked(x, false, argmaxAVX2)
		}
	}
	return argmaxGeneric(x)
}

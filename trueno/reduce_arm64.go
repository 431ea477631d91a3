//go:build gc && !purego

package trueno

// Dispatchers of the reduction kernels on arm64.

func sum(x []float32) float32 {
	if len(x) >= simdMin {
		switch isa {
		case NEON:
			return sumNEON(x)
		}
	}
	return sumGeneric(x)
}

func dot(x, y []float32) float32 {
	if len(x) >= simdMin {
		switch isa {
		case NEON:
			return dotNEON(x, y)
		}
	}
	return dotGeneric(x, y)
}

func asum(x []float32) float32 {
	if len(x) >= simdMin {
		switch isa {
		case NEON:
			return asumNEON(x)
		}
	}
	return asumGeneric(x)
}

func sumSq(x []float32) float32 {
	if len(x) >= simdMin {
		switch isa {
		case NEON:
			return sumSqNEON(x)
		}
	}
	return sumSqGeneric(x)
}

func sumSqScaled(x []float32, s float32) float32 {
	if len(x) >= simdMin {
		switch isa {
		case NEON:
			return sumSqScaledNEON(x, s)
		}
	}
	return sumSqScaledGeneric(x, s)
}

func sumSqDev(x []float32, m float32) float32 {
	if len(x) >= simdMin {
		switch isa {
		case NEON:
			return sumSqDevNEON(x, m)
		}
	}
	return sumSqDevGeneric(x, m)
}

func minimum(x []float32) float32 {
	if len(x) >= simdMin {
		switch isa {
		case NEON:
			return minimumNEON(x)
		}
	}
	return minimumGeneric(x)
}

func maximum(x []float32) float32 {
	if len(x) >= simdMin {
		switch isa {
		case NEON:
			return maximumNEON(x)
		}
	}
	return maximumGeneric(x)
}

func absMax(x []float32) float32 {
	if len(x) >= simdMin {
		switch isa {
		case NEON:
			return absMaxNEON(x)
		}
	}
	return absMaxGeneric(x)
}

func argmin(x []float32) int {
	if len(x) >= simdMin {
		switch isa {
		case NEON:
			return argChunked(x, true, argminNEON)
		}
	}
	return argminGeneric(x)
}

func argmax(x []float32) int {
	if len(x) >= simdMin {
		switch isa {
		case NEON:
			return argChunked(x, false, argmaxNEON)
		}
	}
	return argmaxGeneric(x)
}

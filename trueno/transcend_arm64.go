//go:build gc && !purego

package trueno

func expTo(dst, x []float32) {
	if len(dst) >= simdMin {
		switch isa {
		case NEON:
			expNEON(dst, x)
			return
		}
	}
	expGeneric(dst, x)
}

func logTo(dst, x []float32) {
	if len(dst) >= simdMin {
		switch isa {
		case NEON:
			logNEON(dst, x)
			return
		}
	}
	logGeneric(dst, x)
}

func tanhTo(dst, x []float32) {
	if len(dst) >= simdMin {
		switch isa {
		case NEON:
			tanhNEON(dst, x)
			return
		}
	}
	tanhGeneric(dst, x)
}

func sigmoidTo(dst, x []float32) {
	if len(dst) >= simdMin {
		switch isa {
		case NEON:
			sigmoidNEON(dst, x)
			return
		}
	}
	sigmoidGeneric(dst, x)
}

func siluTo(dst, x []float32) {
	if len(dst) >= simdMin {
		switch isa {
		case NEON:
			siluNEON(dst, x)
			return
		}
	}
	siluGeneric(dst, x)
}

func geluTo(dst, x []float32) {
	if len(dst) >= simdMin {
		switch isa {
		case NEON:
			geluNEON(dst, x)
			return
		}
	}
	geluGeneric(dst, x)
}

func geluErfTo(dst, x []float32) {
	if len(dst) >= simdMin {
		switch isa {
		case NEON:
			geluErfNEON(dst, x)
			return
		}
	}
	geluErfGeneric(dst, x)
}

func softplusTo(dst, x []float32) {
	if len(dst) >= simdMin {
		switch isa {
		case NEON:
			softplusNEON(dst, x)
			return
		}
	}
	softplusGeneric(dst, x)
}

func softmaxExp(dst, x []float32, m float32) float32 {
	if len(dst) >= simdMin {
		switch isa {
		case NEON:
			return softmaxExpNEON(dst, x, m)
		}
	}
	return softmaxExpGeneric(dst, x, m)
}

func softmaxSum(x []float32, m float32) float32 {
	if len(x) >= simdMin {
		switch isa {
		case NEON:
			return softmaxSumNEON(x, m)
		}
	}
	return softmaxSumGeneric(x, m)
}

func softmaxScale(dst []float32, a float32) {
	if len(dst) >= simdMin {
		switch isa {
		case NEON:
			softmaxScaleNEON(dst, a)
			return
		}
	}
	softmaxScaleGeneric(dst, a)
}

func logSoftmaxShift(dst, x []float32, m, l float32) {
	if len(dst) >= simdMin {
		switch isa {
		case NEON:
			logSoftmaxShiftNEON(dst, x, m, l)
			return
		}
	}
	logSoftmaxShiftGeneric(dst, x, m, l)
}

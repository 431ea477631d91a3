//go:build gc && !purego

package trueno

func expTo(dst, x []float32) {
	if len(dst) >= simdMin {
		switch isa {
		case AVX512:
			expAVX512(dst, x)
			return
		case AVX2:
			expAVX2(dst, x)
			return
		}
	}
	expGeneric(dst, x)
}

func logTo(dst, x []float32) {
	if len(dst) >= simdMin {
		switch isa {
		case AVX512:
			logAVX512(dst, x)
			return
		case AVX2:
			logAVX2(dst, x)
			return
		}
	}
	logGeneric(dst, x)
}

func tanhTo(dst, x []float32) {
	if len(dst) >= simdMin {
		switch isa {
		case AVX512:
			tanhAVX512(dst, x)
			return
		case AVX2:
			tanhAVX2(dst, x)
			return
		}
	}
	tanhGeneric(dst, x)
}

func sigmoidTo(dst, x []float32) {
	if len(dst) >= simdMin {
		switch isa {
		case AVX512:
			sigmoidAVX512(dst, x)
			return
		case AVX2:
			sigmoidAVX2(dst, x)
			return
		}
	}
	sigmoidGeneric(dst, x)
}

func siluTo(dst, x []float32) {
	if len(dst) >= simdMin {
		switch isa {
		case AVX512:
			siluAVX512(dst, x)
			return
		case AVX2:
			siluAVX2(dst, x)
			return
		}
	}
	siluGeneric(dst, x)
}

func geluTo(dst, x []float32) {
	if len(dst) >= simdMin {
		switch isa {
		case AVX512:
			geluAVX512(dst, x)
			return
		case AVX2:
			geluAVX2(dst, x)
			return
		}
	}
	geluGeneric(dst, x)
}

func geluErfTo(dst, x []float32) {
	if len(dst) >= simdMin {
		switch isa {
		case AVX512:
			geluErfAVX512(dst, x)
			return
		case AVX2:
			geluErfAVX2(dst, x)
			return
		}
	}
	geluErfGeneric(dst, x)
}

func softplusTo(dst, x []float32) {
	if len(dst) >= simdMin {
		switch isa {
		case AVX512:
			softplusAVX512(dst, x)
			return
		case AVX2:
			softplusAVX2(dst, x)
			return
		}
	}
	softplusGeneric(dst, x)
}

func softmaxExp(dst, x []float32, m float32) float32 {
	if len(dst) >= simdMin {
		switch isa {
		case AVX512:
			return softmaxExpAVX512(dst, x, m)
		case AVX2:
			return softmaxExpAVX2(dst, x, m)
		}
	}
	return softmaxExpGeneric(dst, x, m)
}

func softmaxSum(x []float32, m float32) float32 {
	if len(x) >= simdMin {
		switch isa {
		case AVX512:
			return softmaxSumAVX512(x, m)
		case AVX2:
			return softmaxSumAVX2(x, m)
		}
	}
	return softmaxSumGeneric(x, m)
}

func softmaxScale(dst []float32, a float32) {
	if len(dst) >= simdMin {
		switch isa {
		case AVX512:
			softmaxScaleAVX512(dst, a)
			return
		case AVX2:
			softmaxScaleAVX2(dst, a)
			return
		}
	}
	softmaxScaleGeneric(dst, a)
}

func logSoftmaxShift(dst, x []float32, m, l float32) {
	if len(dst) >= simdMin {
		switch isa {
		case AVX512:
			logSoftmaxShiftAVX512(dst, x, m, l)
			return
		case AVX2:
			logSoftmaxShiftAVX2(dst, x, m, l)
			return
		}
	}
	logSoftmaxShiftGeneric(dst, x, m, l)
}

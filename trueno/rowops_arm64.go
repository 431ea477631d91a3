//go:build gc && !purego

package trueno

func rmsNormApply(dst, x, w []float32, s float32) {
	if len(dst) >= simdMin {
		switch isa {
		case NEON:
			rmsNormApplyNEON(dst, x, w, s)
			return
		}
	}
	rmsNormApplyGeneric(dst, x, w, s)
}

func rmsNormScale(dst, x []float32, s float32) {
	if len(dst) >= simdMin {
		switch isa {
		case NEON:
			rmsNormScaleNEON(dst, x, s)
			return
		}
	}
	rmsNormScaleGeneric(dst, x, s)
}

func layerNormApplyWB(dst, x, w, b []float32, m, r float32) {
	if len(dst) >= simdMin {
		switch isa {
		case NEON:
			layerNormApplyWBNEON(dst, x, w, b, m, r)
			return
		}
	}
	layerNormApplyWBGeneric(dst, x, w, b, m, r)
}

func layerNormApplyW(dst, x, w []float32, m, r float32) {
	if len(dst) >= simdMin {
		switch isa {
		case NEON:
			layerNormApplyWNEON(dst, x, w, m, r)
			return
		}
	}
	layerNormApplyWGeneric(dst, x, w, m, r)
}

func layerNormApplyB(dst, x, b []float32, m, r float32) {
	if len(dst) >= simdMin {
		switch isa {
		case NEON:
			layerNormApplyBNEON(dst, x, b, m, r)
			return
		}
	}
	layerNormApplyBGeneric(dst, x, b, m, r)
}

func layerNormApply(dst, x []float32, m, r float32) {
	if len(dst) >= simdMin {
		switch isa {
		case NEON:
			layerNormApplyNEON(dst, x, m, r)
			return
		}
	}
	layerNormApplyGeneric(dst, x, m, r)
}

func rope(x []float32, headDim int, cos, sin []float32) {
	if len(x) >= simdMin {
		switch isa {
		case NEON:
			ropeNEON(x, headDim, cos, sin)
			return
		}
	}
	ropeGeneric(x, headDim, cos, sin)
}

func ropeNeoX(x []float32, headDim int, cos, sin []float32) {
	if len(x) >= simdMin {
		switch isa {
		case NEON:
			ropeNeoXNEON(x, headDim, cos, sin)
			return
		}
	}
	ropeNeoXGeneric(x, headDim, cos, sin)
}

//go:build gc && !purego

package trueno

func rmsNormApply(dst, x, w []float32, s float32) {
	if len(dst) >= simdMin {
		switch isa {
		case AVX512:
			rmsNormApplyAVX512(dst, x, w, s)
			return
		case AVX2:
			rmsNormApplyAVX2(dst, x, w, s)
			return
		}
	}
	rmsNormApplyGeneric(dst, x, w, s)
}

func rmsNormScale(dst, x []float32, s float32) {
	if len(dst) >= simdMin {
		switch isa {
		case AVX512:
			rmsNormScaleAVX512(dst, x, s)
			return
		case AVX2:
			rmsNormScaleAVX2(dst, x, s)
			return
		}
	}
	rmsNormScaleGeneric(dst, x, s)
}

func layerNormApplyWB(dst, x, w, b []float32, m, r float32) {
	if len(dst) >= simdMin {
		switch isa {
		case AVX512:
			layerNormApplyWBAVX512(dst, x, w, b, m, r)
			return
		case AVX2:
			layerNormApplyWBAVX2(dst, x, w, b, m, r)
			return
		}
	}
	layerNormApplyWBGeneric(dst, x, w, b, m, r)
}

func layerNormApplyW(dst, x, w []float32, m, r float32) {
	if len(dst) >= simdMin {
		switch isa {
		case AVX512:
			layerNormApplyWAVX512(dst, x, w, m, r)
			return
		case AVX2:
			layerNormApplyWAVX2(dst, x, w, m, r)
			return
		}
	}
	layerNormApplyWGeneric(dst, x, w, m, r)
}

func layerNormApplyB(dst, x, b []float32, m, r float32) {
	if len(dst) >= simdMin {
		switch isa {
		case AVX512:
			layerNormApplyBAVX512(dst, x, b, m, r)
			return
		case AVX2:
			layerNormApplyBAVX2(dst, x, b, m, r)
			return
		}
	}
	layerNormApplyBGeneric(dst, x, b, m, r)
}

func layerNormApply(dst, x []float32, m, r float32) {
	if len(dst) >= simdMin {
		switch isa {
		case AVX512:
			layerNormApplyAVX512(dst, x, m, r)
			return
		case AVX2:
			layerNormApplyAVX2(dst, x, m, r)
			return
		}
	}
	layerNormApplyGeneric(dst, x, m, r)
}

func rope(x []float32, headDim int, cos, sin []float32) {
	if len(x) >= simdMin {
		switch isa {
		case AVX512:
			ropeAVX512(x, headDim, cos, sin)
			return
		case AVX2:
			ropeAVX2(x, headDim, cos, sin)
			return
		}
	}
	ropeGeneric(x, headDim, cos, sin)
}

func ropeNeoX(x []float32, headDim int, cos, sin []float32) {
	if len(x) >= simdMin {
		switch isa {
		case AVX512:
			ropeNeoXAVX512(x, headDim, cos, sin)
			return
		case AVX2:
			ropeNeoXAVX2(x, headDim, cos, sin)
			return
		}
	}
	ropeNeoXGeneric(x, headDim, cos, sin)
}

//go:build !gc || purego || !(amd64 || arm64)

package trueno

func rmsNormApply(dst, x, w []float32, s float32) { rmsNormApplyGeneric(dst, x, w, s) }

func rmsNormScale(dst, x []float32, s float32) { rmsNormScaleGeneric(dst, x, s) }

func layerNormApplyWB(dst, x, w, b []float32, m, r float32) {
	layerNormApplyWBGeneric(dst, x, w, b, m, r)
}

func layerNormApplyW(dst, x, w []float32, m, r float32) { layerNormApplyWGeneric(dst, x, w, m, r) }

func layerNormApplyB(dst, x, b []float32, m, r float32) { layerNormApplyBGeneric(dst, x, b, m, r) }

func layerNormApply(dst, x []float32, m, r float32) { layerNormApplyGeneric(dst, x, m, r) }

func rope(x []float32, headDim int, cos, sin []float32) { ropeGeneric(x, headDim, cos, sin) }

func ropeNeoX(x []float32, headDim int, cos, sin []float32) { ropeNeoXGeneric(x, headDim, cos, sin) }

//go:build !gc || purego || !(amd64 || arm64)

package trueno

func expTo(dst, x []float32)      { expGeneric(dst, x) }
func logTo(dst, x []float32)      { logGeneric(dst, x) }
func tanhTo(dst, x []float32)     { tanhGeneric(dst, x) }
func sigmoidTo(dst, x []float32)  { sigmoidGeneric(dst, x) }
func siluTo(dst, x []float32)     { siluGeneric(dst, x) }
func geluTo(dst, x []float32)     { geluGeneric(dst, x) }
func geluErfTo(dst, x []float32)  { geluErfGeneric(dst, x) }
func softplusTo(dst, x []float32) { softplusGeneric(dst, x) }

func softmaxExp(dst, x []float32, m float32) float32 { return softmaxExpGeneric(dst, x, m) }
func softmaxSum(x []float32, m float32) float32      { return softmaxSumGeneric(x, m) }
func softmaxScale(dst []float32, a float32)          { softmaxScaleGeneric(dst, a) }
func logSoftmaxShift(dst, x []float32, m, l float32) { logSoftmaxShiftGeneric(dst, x, m, l) }

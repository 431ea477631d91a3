//go:build !gc || purego || !(amd64 || arm64)

package trueno

// Dispatchers of the reduction kernels: the generic references only.

func sum(x []float32) float32                    { return sumGeneric(x) }
func dot(x, y []float32) float32                 { return dotGeneric(x, y) }
func asum(x []float32) float32                   { return asumGeneric(x) }
func sumSq(x []float32) float32                  { return sumSqGeneric(x) }
func sumSqScaled(x []float32, s float32) float32 { return sumSqScaledGeneric(x, s) }
func sumSqDev(x []float32, m float32) float32    { return sumSqDevGeneric(x, m) }
func minimum(x []float32) float32                { return minimumGeneric(x) }
func maximum(x []float32) float32                { return maximumGeneric(x) }
func absMax(x []float32) float32                 { return absMaxGeneric(x) }
func argmin(x []float32) int                     { return argminGeneric(x) }
func argmax(x []float32) int                     { return argmaxGeneric(x) }

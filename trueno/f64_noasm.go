//go:build !gc || purego || !(amd64 || arm64)

package trueno

func dot64(x, y []float64) float64 { return dot64Generic(x, y) }

func sum64(x []float64) float64 { return sum64Generic(x) }

func sumSq64(x []float64) float64 { return sumSq64Generic(x) }

func sumSqScaled64(x []float64, s float64) float64 { return sumSqScaled64Generic(x, s) }

func axpy64(a float64, x, y []float64) { axpy64Generic(a, x, y) }

func scaleTo64(dst []float64, a float64, x []float64) { scaleTo64Generic(dst, a, x) }

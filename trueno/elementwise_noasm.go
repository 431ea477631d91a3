//go:build !gc || purego || !(amd64 || arm64)

package trueno

// Without assembly every element-wise kernel is its pure-Go reference.

func addTo(dst, x, y []float32) {
	addToGeneric(dst, x, y)
}

func subTo(dst, x, y []float32) {
	subToGeneric(dst, x, y)
}

func mulTo(dst, x, y []float32) {
	mulToGeneric(dst, x, y)
}

func divTo(dst, x, y []float32) {
	divToGeneric(dst, x, y)
}

func scaleTo(dst []float32, a float32, x []float32) {
	scaleToGeneric(dst, a, x)
}

func addConstTo(dst []float32, c float32, x []float32) {
	addConstToGeneric(dst, c, x)
}

func axpyTo(dst []float32, a float32, x, y []float32) {
	axpyToGeneric(dst, a, x, y)
}

func absTo(dst, x []float32) {
	absToGeneric(dst, x)
}

func negTo(dst, x []float32) {
	negToGeneric(dst, x)
}

func clampTo(dst, x []float32, lo, hi float32) {
	clampToGeneric(dst, x, lo, hi)
}

func sqrtTo(dst, x []float32) {
	sqrtToGeneric(dst, x)
}

func recipTo(dst, x []float32) {
	recipToGeneric(dst, x)
}

func reluTo(dst, x []float32) {
	reluToGeneric(dst, x)
}

func leakyReLUTo(dst, x []float32, alpha float32) {
	leakyReLUToGeneric(dst, x, alpha)
}

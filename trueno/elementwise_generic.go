package trueno

import "math"

// The pure-Go references of the element-wise kernels. Every assembly path
// must give the same bits (NaN payloads aside). The callers have checked the
// lengths; the reslicing only lets the compiler drop the bounds checks.

const signBit32 = 0x80000000

func addToGeneric(dst, x, y []float32) {
	x, y = x[:len(dst)], y[:len(dst)]
	for i := range dst {
		dst[i] = x[i] + y[i]
	}
}

func subToGeneric(dst, x, y []float32) {
	x, y = x[:len(dst)], y[:len(dst)]
	for i := range dst {
		dst[i] = x[i] - y[i]
	}
}

func mulToGeneric(dst, x, y []float32) {
	x, y = x[:len(dst)], y[:len(dst)]
	for i := range dst {
		dst[i] = x[i] * y[i]
	}
}

func divToGeneric(dst, x, y []float32) {
	x, y = x[:len(dst)], y[:len(dst)]
	for i := range dst {
		dst[i] = x[i] / y[i]
	}
}

func scaleToGeneric(dst []float32, a float32, x []float32) {
	x = x[:len(dst)]
	for i := range dst {
		dst[i] = a * x[i]
	}
}

func addConstToGeneric(dst []float32, c float32, x []float32) {
	x = x[:len(dst)]
	for i := range dst {
		dst[i] = x[i] + c
	}
}

func axpyToGeneric(dst []float32, a float32, x, y []float32) {
	x, y = x[:len(dst)], y[:len(dst)]
	for i := range dst {
		// The conversion forbids fusing into an FMA (the Go spec lets
		// arm64 fuse a*x+y otherwise): two roundings on every platform.
		dst[i] = float32(a*x[i]) + y[i]
	}
}

func absToGeneric(dst, x []float32) {
	x = x[:len(dst)]
	for i := range dst {
		dst[i] = math.Float32frombits(math.Float32bits(x[i]) &^ signBit32)
	}
}

func negToGeneric(dst, x []float32) {
	x = x[:len(dst)]
	for i := range dst {
		dst[i] = math.Float32frombits(math.Float32bits(x[i]) ^ signBit32)
	}
}

func clampToGeneric(dst, x []float32, lo, hi float32) {
	x = x[:len(dst)]
	for i := range dst {
		v := x[i]
		if v < lo {
			v = lo
		}
		if v > hi {
			v = hi
		}
		dst[i] = v
	}
}

func sqrtToGeneric(dst, x []float32) {
	x = x[:len(dst)]
	for i := range dst {
		// Rounding the float64 root to float32 is exact rounding of the
		// float32 root (53 ≥ 2·24+2); the compiler emits SQRTSS for it.
		dst[i] = float32(math.Sqrt(float64(x[i])))
	}
}

func recipToGeneric(dst, x []float32) {
	x = x[:len(dst)]
	for i := range dst {
		dst[i] = 1 / x[i]
	}
}

func reluToGeneric(dst, x []float32) {
	x = x[:len(dst)]
	for i := range dst {
		v := x[i]
		if v < 0 {
			v = 0
		}
		dst[i] = v
	}
}

func leakyReLUToGeneric(dst, x []float32, alpha float32) {
	x = x[:len(dst)]
	for i := range dst {
		v := x[i]
		if !(v > 0) {
			v *= alpha
		}
		dst[i] = v
	}
}

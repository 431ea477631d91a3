//go:build gc && !purego

package trueno

// Dispatchers of the element-wise kernels on amd64: AVX-512, then AVX2,
// then the pure-Go reference (also below simdMin, where a call into
// assembly costs more than it saves).

func addTo(dst, x, y []float32) {
	if len(dst) >= simdMin {
		switch isa {
		case AVX512:
			addToAVX512(dst, x, y)
			return
		case AVX2:
			addToAVX2(dst, x, y)
			return
		}
	}
	addToGeneric(dst, x, y)
}

func subTo(dst, x, y []float32) {
	if len(dst) >= simdMin {
		switch isa {
		case AVX512:
			subToAVX512(dst, x, y)
			return
		case AVX2:
			subToAVX2(dst, x, y)
			return
		}
	}
	subToGeneric(dst, x, y)
}

func mulTo(dst, x, y []float32) {
	if len(dst) >= simdMin {
		switch isa {
		case AVX512:
			mulToAVX512(dst, x, y)
			return
		case AVX2:
			mulToAVX2(dst, x, y)
			return
		}
	}
	mulToGeneric(dst, x, y)
}

func divTo(dst, x, y []float32) {
	if len(dst) >= simdMin {
		switch isa {
		case AVX512:
			divToAVX512(dst, x, y)
			return
		case AVX2:
			divToAVX2(dst, x, y)
			return
		}
	}
	divToGeneric(dst, x, y)
}

func scaleTo(dst []float32, a float32, x []float32) {
	if len(dst) >= simdMin {
		switch isa {
		case AVX512:
			scaleToAVX512(dst, a, x)
			return
		case AVX2:
			scaleToAVX2(dst, a, x)
			return
		}
	}
	scaleToGeneric(dst, a, x)
}

func addConstTo(dst []float32, c float32, x []float32) {
	if len(dst) >= simdMin {
		switch isa {
		case AVX512:
			addConstToAVX512(dst, c, x)
			return
		case AVX2:
			addConstToAVX2(dst, c, x)
			return
		}
	}
	addConstToGeneric(dst, c, x)
}

func axpyTo(dst []float32, a float32, x, y []float32) {
	if len(dst) >= simdMin {
		switch isa {
		case AVX512:
			axpyToAVX512(dst, a, x, y)
			return
		case AVX2:
			axpyToAVX2(dst, a, x, y)
			return
		}
	}
	axpyToGeneric(dst, a, x, y)
}

func absTo(dst, x []float32) {
	if len(dst) >= simdMin {
		switch isa {
		case AVX512:
			absToAVX512(dst, x)
			return
		case AVX2:
			absToAVX2(dst, x)
			return
		}
	}
	absToGeneric(dst, x)
}

func negTo(dst, x []float32) {
	if len(dst) >= simdMin {
		switch isa {
		case AVX512:
			negToAVX512(dst, x)
			return
		case AVX2:
			negToAVX2(dst, x)
			return
		}
	}
	negToGeneric(dst, x)
}

func clampTo(dst, x []float32, lo, hi float32) {
	if len(dst) >= simdMin {
		switch isa {
		case AVX512:
			clampToAVX512(dst, x, lo, hi)
			return
		case AVX2:
			clampToAVX2(dst, x, lo, hi)
			return
		}
	}
	clampToGeneric(dst, x, lo, hi)
}

func sqrtTo(dst, x []float32) {
	if len(dst) >= simdMin {
		switch isa {
		case AVX512:
			sqrtToAVX512(dst, x)
			return
		case AVX2:
			sqrtToAVX2(dst, x)
			return
		}
	}
	sqrtToGeneric(dst, x)
}

func recipTo(dst, x []float32) {
	if len(dst) >= simdMin {
		switch isa {
		case AVX512:
			recipToAVX512(dst, x)
			return
		case AVX2:
			recipToAVX2(dst, x)
			return
		}
	}
	recipToGeneric(dst, x)
}

func reluTo(dst, x []float32) {
	if len(dst) >= simdMin {
		switch isa {
		case AVX512:
			reluToAVX512(dst, x)
			return
		case AVX2:
			reluToAVX2(dst, x)
			return
		}
	}
	reluToGeneric(dst, x)
}

func leakyReLUTo(dst, x []float32, alpha float32) {
	if len(dst) >= simdMin {
		switch isa {
		case AVX512:
			leakyReLUToAVX512(dst, x, alpha)
			return
		case AVX2:
			leakyReLUToAVX2(dst, x, alpha)
			return
		}
	}
	leakyReLUToGeneric(dst, x, alpha)
}

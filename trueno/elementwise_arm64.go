//go:build gc && !purego

package trueno

// Dispatchers of the element-wise kernels on arm64: NEON, then the pure-Go
// reference (also below simdMin, where a call into assembly costs more than
// it saves).

func addTo(dst, x, y []float32) {
	if len(dst) >= simdMin {
		switch isa {
		case NEON:
			addToNEON(dst, x, y)
			return
		}
	}
	addToGeneric(dst, x, y)
}

func subTo(dst, x, y []float32) {
	if len(dst) >= simdMin {
		switch isa {
		case NEON:
			subToNEON(dst, x, y)
			return
		}
	}
	subToGeneric(dst, x, y)
}

func mulTo(dst, x, y []float32) {
	if len(dst) >= simdMin {
		switch isa {
		case NEON:
			mulToNEON(dst, x, y)
			return
		}
	}
	mulToGeneric(dst, x, y)
}

func divTo(dst, x, y []float32) {
	if len(dst) >= simdMin {
		switch isa {
		case NEON:
			divToNEON(dst, x, y)
			return
		}
	}
	divToGeneric(dst, x, y)
}

func scaleTo(dst []float32, a float32, x []float32) {
	if len(dst) >= simdMin {
		switch isa {
		case NEON:
			scaleToNEON(dst, a, x)
			return
		}
	}
	scaleToGeneric(dst, a, x)
}

func addConstTo(dst []float32, c float32, x []float32) {
	if len(dst) >= simdMin {
		switch isa {
		case NEON:
			addConstToNEON(dst, c, x)
			return
		}
	}
	addConstToGeneric(dst, c, x)
}

func axpyTo(dst []float32, a float32, x, y []float32) {
	if len(dst) >= simdMin {
		switch isa {
		case NEON:
			axpyToNEON(dst, a, x, y)
			return
		}
	}
	axpyToGeneric(dst, a, x, y)
}

func absTo(dst, x []float32) {
	if len(dst) >= simdMin {
		switch isa {
		case NEON:
			absToNEON(dst, x)
			return
		}
	}
	absToGeneric(dst, x)
}

func negTo(dst, x []float32) {
	if len(dst) >= simdMin {
		switch isa {
		case NEON:
			negToNEON(dst, x)
			return
		}
	}
	negToGeneric(dst, x)
}

func clampTo(dst, x []float32, lo, hi float32) {
	if len(dst) >= simdMin {
		switch isa {
		case NEON:
			clampToNEON(dst, x, lo, hi)
			return
		}
	}
	clampToGeneric(dst, x, lo, hi)
}

func sqrtTo(dst, x []float32) {
	if len(dst) >= simdMin {
		switch isa {
		case NEON:
			sqrtToNEON(dst, x)
			return
		}
	}
	sqrtToGeneric(dst, x)
}

func recipTo(dst, x []float32) {
	if len(dst) >= simdMin {
		switch isa {
		case NEON:
			recipToNEON(dst, x)
			return
		}
	}
	recipToGeneric(dst, x)
}

func reluTo(dst, x []float32) {
	if len(dst) >= simdMin {
		switch isa {
		case NEON:
			reluToNEON(dst, x)
			return
		}
	}
	reluToGeneric(dst, x)
}

func leakyReLUTo(dst, x []float32, alpha float32) {
	if len(dst) >= simdMin {
		switch isa {
		case NEON:
			leakyReLUToNEON(dst, x, alpha)
			return
		}
	}
	leakyReLUToGeneric(dst, x, alpha)
}

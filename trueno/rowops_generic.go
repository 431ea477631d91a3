package trueno

// The references of the row operations' element-wise steps. Every product
// is converted to float32 before it meets an addition so that the compiler
// cannot fuse the two (it does on arm64, and on amd64 with GOAMD64=v3).

// rmsNormApplyGeneric sets dst[i] = (x[i]·s)·w[i].
func rmsNormApplyGeneric(dst, x, w []float32, s float32) {
	x, w = x[:len(dst)], w[:len(dst)]
	for i := range dst {
		dst[i] = float32(x[i]*s) * w[i]
	}
}

// rmsNormScaleGeneric sets dst[i] = x[i]·s.
func rmsNormScaleGeneric(dst, x []float32, s float32) {
	x = x[:len(dst)]
	for i := range dst {
		dst[i] = x[i] * s
	}
}

// layerNormApplyWBGeneric sets dst[i] = ((x[i]−m)·r)·w[i] + b[i].
func layerNormApplyWBGeneric(dst, x, w, b []float32, m, r float32) {
	x, w, b = x[:len(dst)], w[:len(dst)], b[:len(dst)]
	for i := range dst {
		dst[i] = float32(float32((x[i]-m)*r)*w[i]) + b[i]
	}
}

// layerNormApplyWGeneric sets dst[i] = ((x[i]−m)·r)·w[i].
func layerNormApplyWGeneric(dst, x, w []float32, m, r float32) {
	x, w = x[:len(dst)], w[:len(dst)]
	for i := range dst {
		dst[i] = float32((x[i]-m)*r) * w[i]
	}
}

// layerNormApplyBGeneric sets dst[i] = (x[i]−m)·r + b[i].
func layerNormApplyBGeneric(dst, x, b []float32, m, r float32) {
	x, b = x[:len(dst)], b[:len(dst)]
	for i := range dst {
		dst[i] = float32((x[i]-m)*r) + b[i]
	}
}

// layerNormApplyGeneric sets dst[i] = (x[i]−m)·r.
func layerNormApplyGeneric(dst, x []float32, m, r float32) {
	x = x[:len(dst)]
	for i := range dst {
		dst[i] = (x[i] - m) * r
	}
}

// ropeGeneric is the reference for RoPE: adjacent pairs.
func ropeGeneric(x []float32, headDim int, cos, sin []float32) {
	sin = sin[:len(cos)]
	for h := 0; h+headDim <= len(x); h += headDim {
		v := x[h : h+2*len(cos)]
		for i, c := range cos {
			s := sin[i]
			x0, x1 := v[2*i], v[2*i+1]
			v[2*i] = float32(x0*c) - float32(x1*s)
			v[2*i+1] = float32(x0*s) + float32(x1*c)
		}
	}
}

// ropeNeoXGeneric is the reference for RoPENeoX: the pair i is (i, p+i).
func ropeNeoXGeneric(x []float32, headDim int, cos, sin []float32) {
	p := len(cos)
	sin = sin[:p]
	for h := 0; h+headDim <= len(x); h += headDim {
		lo, hi := x[h:h+p], x[h+p:h+2*p]
		for i, c := range cos {
			s := sin[i]
			x0, x1 := lo[i], hi[i]
			lo[i] = float32(x0*c) - float32(x1*s)
			hi[i] = float32(x0*s) + float32(x1*c)
		}
	}
}

package quant

import "fmt"

// Activation is an activation vector quantized once for the
// matrix-vector products of weights of one type: to the type's companion
// format t.DotType(), with whatever the kernels of the current path
// precompute from it. Goroutines that share out the rows of one product
// (each calling MatVecActivation on its part of w and dst), or the
// projections of one input, then quantize it once instead of each time.
//
// The zero value is empty; Quantize fills it, reusing its buffers. Several
// goroutines may use one Activation in products at once, but not while
// another quantizes into it.
type Activation struct {
	t      Type
	n      int
	q, pre []byte
	usePre bool
	path   int // dispatchPath when pre was made
}

// Quantize sets a to x quantized for products with weights of type t.
// len(x) must be a multiple of t.BlockSize().
func (a *Activation) Quantize(t Type, x []float32) {
	dt := t.DotType()
	a.t, a.n = t, len(x)
	a.q = grow(a.q, dt.RowBytes(len(x)))
	quantizeAct(dt, a.q, x)
	a.pre = grow(a.pre, preBytes(len(x)))
	a.usePre = prepare(t, len(x), a.q, a.pre)
	a.path = dispatchPath()
}

// Type is the weight type a was quantized for.
func (a *Activation) Type() Type { return a.t }

// Len is the number of values of a.
func (a *Activation) Len() int { return a.n }

// MatVecActivation is MatVec with the activation already quantized:
//
//	dst[r] ≈ Dot(t, n, w[r·rb : (r+1)·rb], a's quantized row)   for r < len(dst)
//
// with t = a.Type(), n = a.Len() and rb = t.RowBytes(n); the result is
// MatVec's for the vector a was quantized from, bit for bit. w holds
// len(dst) rows of type t, for instance rows lo…hi−1 of a weight matrix
// with dst its part of the output.
func MatVecActivation(dst []float32, w []byte, a *Activation, p *Pool) {
	rb := a.t.RowBytes(a.n)
	if len(w) != len(dst)*rb {
		panic(fmt.Sprintf("quant: MatVecActivation: %d×%d %s matrix needs %d bytes, got %d", len(dst), a.n, a.t, len(dst)*rb, len(w)))
	}
	if a.path != dispatchPath() {
		// The path changed (trueno.SetISA) since a was made: its
		// precomputed form may not be this path's. Make this call's own.
		matVecQ(a.t, dst, w, a.n, a.q, p)
		return
	}
	matVecPre(a.t, dst, w, a.n, a.q, a.pre, a.usePre, p)
}

func grow(b []byte, n int) []byte {
	if cap(b) < n {
		return make([]byte, n)
	}
	return b[:n]
}

package quant

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/batuta-go/stack/trueno"
)

// TestMatVecActivation checks that MatVecActivation, on the whole matrix
// and on parts of its rows, gives MatVec's results bit for bit, for every
// matrix type on every path, and again after the path changed between
// quantizing and multiplying.
func TestMatVecActivation(t *testing.T) {
	rng := rand.New(rand.NewPCG(15, 16))
	pool := NewPool(2)
	defer pool.Close()
	same := func(a, b float32) bool {
		return a == b || math.IsNaN(float64(a)) && math.IsNaN(float64(b))
	}
	forEachISA(t, func(t *testing.T) {
		for _, typ := range allTypes() {
			for _, nb := range []int{1, 4, 5} {
				rows, cols := 37, nb*max(typ.BlockSize(), 32)
				rb := typ.RowBytes(cols)
				wf := make([]float32, rows*cols)
				for i := range wf {
					wf[i] = float32(rng.NormFloat64())
				}
				w := make([]byte, rows*rb)
				Quantize(typ, w, wf)
				x := make([]float32, cols)
				for i := range x {
					x[i] = float32(rng.NormFloat64())
				}
				want := make([]float32, rows)
				MatVec(typ, want, w, x, pool)
				var a Activation
				a.Quantize(typ, x)
				if a.Type() != typ || a.Len() != cols {
					t.Fatalf("%s: Activation has type %s, %d values; want %s, %d", typ, a.Type(), a.Len(), typ, cols)
				}
				got := make([]float32, rows)
				MatVecActivation(got, w, &a, pool)
				MatVecActivation(got[:20], w[:20*rb], &a, nil)
				MatVecActivation(got[20:], w[20*rb:], &a, NewPool(1))
				for r := range rows {
					if !same(got[r], want[r]) {
						t.Fatalf("%s cols %d: row %d: MatVecActivation %g, MatVec %g", typ, cols, r, got[r], want[r])
					}
				}
			}
		}
	})
	// Quantized on one path, used on another.
	avail := trueno.Available()
	if len(avail) < 2 {
		return
	}
	x := make([]float32, 512)
	for i := range x {
		x[i] = float32(rng.NormFloat64())
	}
	for _, typ := range []Type{Q4_0, Q8_0, Q4_K, Q6_K} {
		rb := typ.RowBytes(len(x))
		w := make([]byte, 9*rb)
		wf := make([]float32, 9*len(x))
		for i := range wf {
			wf[i] = float32(rng.NormFloat64())
		}
		Quantize(typ, w, wf)
		var a Activation
		withISA(t, avail[len(avail)-1])
		a.Quantize(typ, x)
		for _, isa := range avail {
			withISA(t, isa)
			got, want := make([]float32, 9), make([]float32, 9)
			MatVecActivation(got, w, &a, nil)
			MatVec(typ, want, w, x, nil)
			for r := range got {
				if !same(got[r], want[r]) {
					t.Fatalf("%s quantized on %s, used on %s: row %d: %g, MatVec %g", typ, avail[len(avail)-1], isa, r, got[r], want[r])
				}
			}
		}
	}
}

//go:build gc && !purego && (amd64 || arm64)

package trueno

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/batuta-go/stack/internal/kerneltest"
)

// TestReduceArgChunks checks the combination of per-chunk results that
// lets Argmin and Argmax pass more than 2³⁰ elements to kernels counting
// in int32, with small chunks: ties across chunks go to the earlier one, a
// NaN in any chunk wins.
func TestReduceArgChunks(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	// kernel turns a dispatcher into the kernel contract: -1 for a NaN.
	kernel := func(arg func([]float32) int) func([]float32) int {
		return func(c []float32) int {
			i := arg(c)
			if c[i] != c[i] {
				return -1
			}
			return i
		}
	}
	forEachISA(t, func(t *testing.T) {
		for trial := 0; trial < 300; trial++ {
			n := 1 + rng.IntN(300)
			chunk := 1 + rng.IntN(70)
			x := kerneltest.Ints32(rng, n, 4)
			if rng.IntN(4) == 0 {
				x[rng.IntN(n)] = float32(math.NaN())
			}
			what := fmt.Sprintf("n=%d chunk=%d", n, chunk)
			if got, want := argChunkedBy(x, chunk, true, kernel(argmin)), argminGeneric(x); got != want {
				t.Fatalf("argmin %s = %d, want %d", what, got, want)
			}
			if got, want := argChunkedBy(x, chunk, false, kernel(argmax)), argmaxGeneric(x); got != want {
				t.Fatalf("argmax %s = %d, want %d", what, got, want)
			}
		}
	})
}

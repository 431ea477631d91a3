//go:build gc && !purego

package quant

import (
	"math/rand/v2"
	"testing"

	"github.com/batuta-go/stack/internal/kerneltest"
)

// TestDotRows checks MatVec's row loop, which picks a kernel once for a
// chunk of rows, against Dot row by row, for every type on every path:
// the same kernel, bit for bit, where the activation is not precomputed,
// else within the tolerance of the reference.
func TestDotRows(t *testing.T) {
	forEachISA(t, func(t *testing.T) {
		rng := rand.New(rand.NewPCG(13, 14))
		for _, typ := range allTypes() {
			for _, nb := range []int{1, 3, 8} {
				if typ.BlockSize() == 1 {
					nb *= 32
				}
				const rows = 5
				n := nb * typ.BlockSize()
				rb := typ.RowBytes(n)
				w := randomRow(rng, typ, rows*nb, 0)
				y := companionRow(rng, typ, nb, 0)
				pre := make([]byte, preBytes(n))
				usePre := prepare(typ, n, y, pre)
				got := make([]float32, rows)
				dotRows(typ, n, got, w, y, pre, usePre)
				for r := range rows {
					wr := w[r*rb : (r+1)*rb]
					if !usePre {
						if want := Dot(typ, n, wr, y); !kerneltest.Same32(got[r], want) {
							t.Errorf("%s n=%d row %d: %g, Dot %g", typ, n, r, got[r], want)
						}
						continue
					}
					checkDot(t, typ, n, wr, y, got[r], dotGeneric(typ, n, wr, y))
				}
			}
		}
	})
}

package quant

import (
	"math/rand/v2"
	"testing"

	"github.com/batuta-go/stack/internal/kerneltest"
)

// TestDequantizeRandomBytes is a deterministic stand-in for the
// FuzzDequantize targets on arm64, whose tests usually run under qemu-user
// where `go test -fuzz` cannot (its coordinator executes the test binary
// directly): rows of uniformly random bytes, so every scale bit pattern
// (NaN, infinities, subnormals) and every level, from one block to a
// hundred and more, starting at an odd address now and then.
func TestDequantizeRandomBytes(t *testing.T) {
	forEachISA(t, func(t *testing.T) {
		rng := rand.New(rand.NewPCG(42, 43))
		for _, typ := range allTypes() {
			bb := typ.BlockBytes()
			for trial := range 500 {
				nb := 1 + rng.IntN(9)
				if trial%50 == 0 {
					nb = 100 + rng.IntN(60)
				}
				off := rng.IntN(2)
				buf := make([]byte, off+nb*bb)
				for i := range buf {
					buf[i] = byte(rng.Uint32())
				}
				x := buf[off:]
				n := nb * typ.BlockSize()
				got, want := make([]float32, n), make([]float32, n)
				Dequantize(typ, got, x)
				dequantizeGeneric(typ, want, x)
				for i := range got {
					if !kerneltest.Same32(got[i], want[i]) {
						t.Fatalf("%s, %d blocks at offset %d: Dequantize[%d] = %g, reference %g", typ, nb, off, i, got[i], want[i])
					}
				}
			}
		}
	})
}

//go:build gc && !purego

package quant

import (
	"math/rand/v2"
	"testing"

	"github.com/batuta-go/stack/internal/kerneltest"
	"github.com/batuta-go/stack/trueno"
)

// TestDequantizeKernels checks that every quantized type has a SIMD
// dequantizer on the x86 paths, so that the variant, vector and fuzz tests
// (which compare Dequantize with the reference on every path) test a
// kernel rather than the reference against itself.
func TestDequantizeKernels(t *testing.T) {
	forEachISA(t, func(t *testing.T) {
		x86 := trueno.Active() == trueno.AVX2 || trueno.Active() == trueno.AVX512
		for _, typ := range allTypes() {
			k := dequantKernel(typ)
			switch {
			case typ == F16 || typ == BF16 || !x86 || !hasF16C:
				if k != nil {
					t.Errorf("%s: a dequantization kernel where trueno's conversions or the reference should run", typ)
				}
			case k == nil:
				t.Errorf("%s: no dequantization kernel", typ)
			}
		}
	})
}

// TestDequantizeUnalignedSrc runs the kernels on rows that start at every
// byte offset within a word (GGUF aligns tensors, a caller's slice need
// not be), against the reference.
func TestDequantizeUnalignedSrc(t *testing.T) {
	forEachISA(t, func(t *testing.T) {
		rng := rand.New(rand.NewPCG(5, 6))
		for _, typ := range allTypes() {
			for _, nb := range []int{1, 3, 17} {
				x := randomRow(rng, typ, nb, 1)
				n := nb * typ.BlockSize()
				want := make([]float32, n)
				dequantizeGeneric(typ, want, x)
				for off := 1; off < 8; off++ {
					buf := make([]byte, off+len(x))
					src := buf[off:]
					copy(src, x)
					got := make([]float32, n)
					Dequantize(typ, got, src)
					for i := range got {
						if !kerneltest.Same32(got[i], want[i]) {
							t.Fatalf("%s nb=%d src offset %d: Dequantize[%d] = %g, reference %g", typ, nb, off, i, got[i], want[i])
						}
					}
				}
			}
		}
	})
}

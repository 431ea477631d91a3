//go:build linux

package quant

import (
	"math/rand/v2"
	"os"
	"syscall"
	"testing"
)

// guarded returns n bytes that end where an inaccessible page begins, so
// that a kernel reading one byte past them faults.
func guarded(t *testing.T, n int) []byte {
	t.Helper()
	page := os.Getpagesize()
	size := (n+page-1)/page*page + page
	mem, err := syscall.Mmap(-1, 0, size, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_ANON|syscall.MAP_PRIVATE)
	if err != nil {
		t.Skipf("mmap: %v", err)
	}
	if err := syscall.Mprotect(mem[size-page:], syscall.PROT_NONE); err != nil {
		t.Skipf("mprotect: %v", err)
	}
	t.Cleanup(func() { _ = syscall.Munmap(mem) })
	return mem[size-page-n : size-page]
}

// TestNoReadPastRows runs every kernel on rows that end at a guard page.
func TestNoReadPastRows(t *testing.T) {
	forEachISA(t, func(t *testing.T) {
		rng := rand.New(rand.NewPCG(7, 8))
		for _, typ := range allTypes() {
			for _, nb := range []int{1, 2, 3, 4, 5, 8} {
				n := nb * typ.BlockSize()
				if typ.BlockSize() == 1 {
					n = nb * 37
				}
				x := guarded(t, typ.RowBytes(n))
				copy(x, randomRow(rng, typ, n/typ.BlockSize(), 0))
				y := guarded(t, typ.DotType().RowBytes(n))
				copy(y, companionRow(rng, typ, n/typ.BlockSize(), 0))
				if typ.DotType() == Q8_K {
					copy(y, fixBsums(y))
				}
				Dot(typ, n, x, y)
				Dequantize(typ, make([]float32, n), x)
				if pre := guarded(t, preBytes(n)); len(pre) > 0 && prepare(typ, n, y, pre) {
					dotPre(typ, n, x, y, pre)
				}
			}
		}
	})
}

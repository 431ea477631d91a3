//go:build linux

package quant

import (
	"math/rand/v2"
	"os"
	"syscall"
	"testing"
	"unsafe"
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

// TestTileNoReadPastRows runs the tile path (packers, kernels) and the
// activation quantizers on matrices and rows that end at a guard page.
func TestTileNoReadPastRows(t *testing.T) {
	forEachISA(t, func(t *testing.T) {
		rng := rand.New(rand.NewPCG(9, 10))
		for _, typ := range []Type{Q4_0, Q8_0, Q4_K, Q6_K} {
			lay, _ := tileLayoutOf(typ)
			dt := typ.DotType()
			for _, nb := range []int{1, 3} {
				cols := nb * typ.BlockSize()
				rb, qb := typ.RowBytes(cols), dt.RowBytes(cols)
				const rows, batch = 2 * tileRows, 5
				w := guarded(t, rows*rb)
				for r := range rows {
					copy(w[r*rb:], randomRow(rng, typ, nb, 0))
				}
				xb := guarded(t, 4*batch*cols)
				xs := unsafe.Slice((*float32)(unsafe.Pointer(unsafe.SliceData(xb))), batch*cols)
				for i := range xs {
					xs[i] = float32(rng.NormFloat64())
				}
				xq := guarded(t, batch*qb)
				for b := range batch {
					quantizeAct(dt, xq[b*qb:(b+1)*qb], xs[b*cols:(b+1)*cols])
				}
				matMatTiled(typ, lay, make([]float32, rows*batch), w, xq, batch, cols, nil)
			}
		}
	})
}

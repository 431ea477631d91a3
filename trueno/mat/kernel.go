package mat

import (
	"unsafe"

	"github.com/batuta-go/stack/internal/cpu"
	"github.com/batuta-go/stack/trueno"
)

// microKernel computes one mr×nr tile of C from a packed panel of A and
// a panel of B whose rows are ldb apart (nr when packed):
//
//	acc[i][j] = Σ_{p<k} a[p·mr+i]·b[p·ldb+j]
//	c[i·ldc+j] = alpha·acc[i][j]                   when beta is ±0 (c not read)
//	c[i·ldc+j] = alpha·acc[i][j] + beta·c[i·ldc+j]  otherwise
type microKernel[T Float] func(k int, a, b *T, ldb int, c *T, ldc int, alpha, beta T)

// kernel is a micro-kernel with its tile shape and the cache blocking
// sized for it.
type kernel[T Float] struct {
	isa    trueno.ISA
	mr, nr int
	fn     microKernel[T]
	// packN, when set, packs a full mr-row panel of a row-major A:
	// dst[p·mr+i] = a[i·lda+p] for p < k, i < mr (lda·mr below 2³¹).
	packN func(k int, a *T, lda int, dst *T)
	// packT, when set, packs a full nr-column panel of op(B) = Bᵀ from a
	// row-major B: dst[p·nr+j] = b[j·ldb+p] for p < k, j < nr (ldb·nr
	// below 2³¹).
	packT func(k int, b *T, ldb int, dst *T)
	// direct, when set, is fn reading a full mr-row panel of a row-major
	// A in place: row i at a + i·lda.
	direct func(k int, a *T, lda int, b *T, ldb int, c *T, ldc int, alpha, beta T)
	// directRows[r], when set, is direct for a tile of only r < mr rows
	// (the last rows of C), which it alone reads and writes.
	directRows []func(k int, a *T, lda int, b *T, ldb int, c *T, ldc int, alpha, beta T)
	blocking
}

// blocking is the GotoBLAS loop nest's block sizes: a kc×nr panel of B
// stays in L1 while a micro-kernel streams a mr×kc panel of A past it, the
// mc×kc block of packed A stays in L2, the kc×nc block of packed B in L3.
type blocking struct {
	kc, mc, nc int
}

func newKernel[T Float](isa trueno.ISA, mr, nr int, fn microKernel[T]) kernel[T] {
	var z T
	size := int(unsafe.Sizeof(z))
	// B's micro-panel a third larger than L1 (measured best on Zen 5: the
	// longer k loop halves the write-backs of C, and L2 keeps up with the
	// rest), A's block three quarters of L2, B's block a quarter of the
	// shared L3.
	kc := cpu.Cache.L1D * 4 / 3 / (nr * size)
	kc = min(max(kc, 128), 512) &^ 7
	mc := cpu.Cache.L2 * 3 / 4 / (kc * size)
	mc = max(mc/mr, 1) * mr
	nc := cpu.Cache.L3 / 4 / (kc * size)
	nc = min(max(nc/nr, 1)*nr, 4096/nr*nr)
	return kernel[T]{isa: isa, mr: mr, nr: nr, fn: fn, blocking: blocking{kc, mc, nc}}
}

// kernelFor returns the micro-kernel of the path trueno dispatches to.
func kernelFor[T Float]() kernel[T] {
	var z T
	switch any(z).(type) {
	case float32:
		return any(kernels32[trueno.Active()]).(kernel[T])
	default:
		return any(kernels64[trueno.Active()]).(kernel[T])
	}
}

var (
	kernels32 = map[trueno.ISA]kernel[float32]{}
	kernels64 = map[trueno.ISA]kernel[float64]{}
)

func init() {
	for _, i := range trueno.Available() {
		kernels32[i] = kernel32(i)
		kernels64[i] = kernel64(i)
		gemvKernels32[i] = gemvKernel32(i)
		gemvKernels64[i] = gemvKernel64(i)
	}
}

// Generic micro-kernel tile: 4×4 accumulators in named locals, which the
// compiler keeps in registers (an array would live in memory).
const (
	genericMR = 4
	genericNR = 4
)

// gemmKernelGeneric is the pure-Go micro-kernel, the reference the
// assembly ones are tested against.
func gemmKernelGeneric[T Float](k int, a, b *T, ldb int, c *T, ldc int, alpha, beta T) {
	var c00, c01, c02, c03, c10, c11, c12, c13, c20, c21, c22, c23, c30, c31, c32, c33 T
	if k > 0 {
		as := unsafe.Slice(a, k*4)
		bs := unsafe.Slice(b, (k-1)*ldb+4)
		for p := 0; p < k; p++ {
			ap := (*[4]T)(as[p*4:])
			bp := (*[4]T)(bs[p*ldb:])
			b0, b1, b2, b3 := bp[0], bp[1], bp[2], bp[3]
			a0 := ap[0]
			c00 += a0 * b0
			c01 += a0 * b1
			c02 += a0 * b2
			c03 += a0 * b3
			a1 := ap[1]
			c10 += a1 * b0
			c11 += a1 * b1
			c12 += a1 * b2
			c13 += a1 * b3
			a2 := ap[2]
			c20 += a2 * b0
			c21 += a2 * b1
			c22 += a2 * b2
			c23 += a2 * b3
			a3 := ap[3]
			c30 += a3 * b0
			c31 += a3 * b1
			c32 += a3 * b2
			c33 += a3 * b3
		}
	}
	cs := unsafe.Slice(c, 3*ldc+4)
	acc := [4][4]T{{c00, c01, c02, c03}, {c10, c11, c12, c13}, {c20, c21, c22, c23}, {c30, c31, c32, c33}}
	for i := range 4 {
		row := (*[4]T)(cs[i*ldc:])
		if beta == 0 {
			for j := range 4 {
				row[j] = alpha * acc[i][j]
			}
		} else {
			for j := range 4 {
				row[j] = alpha*acc[i][j] + beta*row[j]
			}
		}
	}
}

func genericKernel32() kernel[float32] {
	return newKernel(trueno.Generic, genericMR, genericNR, gemmKernelGeneric[float32])
}

func genericKernel64() kernel[float64] {
	return newKernel(trueno.Generic, genericMR, genericNR, gemmKernelGeneric[float64])
}

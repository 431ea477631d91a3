package mat

import (
	"unsafe"

	"github.com/batuta-go/stack/internal/cpu"
	"github.com/batuta-go/stack/trueno"
)

// microKernel computes one mr×nr tile of C from packed panels:
//
//	acc[i][j] = Σ_{p<k} a[p·mr+i]·b[p·nr+j]
//	c[i·ldc+j] = alpha·acc[i][j]                   when beta is ±0 (c not read)
//	c[i·ldc+j] = alpha·acc[i][j] + beta·c[i·ldc+j]  otherwise
type microKernel[T Float] func(k int, a, b, c *T, ldc int, alpha, beta T)

// kernel is a micro-kernel with its tile shape and the cache blocking
// sized for it.
type kernel[T Float] struct {
	isa    trueno.ISA
	mr, nr int
	fn     microKernel[T]
	// packN, when set, packs a full mr-row panel of a row-major A:
	// dst[p·mr+i] = a[i·lda+p] for p < k, i < mr (lda·mr below 2³¹).
	packN func(k int, a *T, lda int, dst *T)
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
	// B's micro-panel may take two thirds of L1 (A's streams through the
	// rest from L2); A's block three quarters of L2; B's block a quarter of
	// the shared L3.
	kc := cpu.Cache.L1D * 2 / 3 / (nr * size)
	kc = min(max(kc, 128), 384) &^ 7
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

// Generic micro-kernel tile. Four by eight keeps the 32 accumulators in an
// array the compiler can hold in registers on arm64 and partly on amd64.
const (
	genericMR = 4
	genericNR = 8
)

// gemmKernelGeneric is the pure-Go micro-kernel, the reference the
// assembly ones are tested against.
func gemmKernelGeneric[T Float](k int, a, b, c *T, ldc int, alpha, beta T) {
	const mr, nr = genericMR, genericNR
	var acc [mr][nr]T
	if k > 0 {
		as := unsafe.Slice(a, k*mr)
		bs := unsafe.Slice(b, k*nr)
		for p := 0; p < k; p++ {
			ap := (*[mr]T)(as[p*mr:])
			bp := (*[nr]T)(bs[p*nr:])
			for i := range mr {
				ai := ap[i]
				for j := range nr {
					acc[i][j] += ai * bp[j]
				}
			}
		}
	}
	cs := unsafe.Slice(c, (mr-1)*ldc+nr)
	for i := range mr {
		row := (*[nr]T)(cs[i*ldc:])
		if beta == 0 {
			for j := range nr {
				row[j] = alpha * acc[i][j]
			}
		} else {
			for j := range nr {
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

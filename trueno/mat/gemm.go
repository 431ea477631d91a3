package mat

import (
	"fmt"
	"unsafe"
)

// Gemm computes c = alpha·op(a)·op(b) + beta·c, where op(x) is x or its
// transpose as tA and tB say: op(a) is m×k, op(b) k×n and c m×n, any of
// them possibly 0. Each element is
//
//	c[i][j] = alpha·Σ_p op(a)[i][p]·op(b)[p][j] + beta·c[i][j]
//
// with the sum accumulated in T, in an order that depends on the path (the
// products may be fused multiply-adds). When beta is 0, c is not read:
// whatever it held, NaN and Inf included, is overwritten. When alpha is 0
// or k is 0, a and b are not read and c = beta·c. c must not share memory
// with a or b. A shape mismatch panics.
func Gemm[T Float](c *Dense[T], tA, tB Transpose, alpha T, a, b *Dense[T], beta T) {
	m, k := opDims(a.rows, a.cols, tA)
	kb, n := opDims(b.rows, b.cols, tB)
	if k != kb || c.rows != m || c.cols != n {
		panic(fmt.Sprintf("mat: Gemm: op(a) %d×%d (%s) times op(b) %d×%d (%s) into %d×%d", m, k, tA, kb, n, tB, c.rows, c.cols))
	}
	if overlaps(c.data, a.data) || overlaps(c.data, b.data) {
		panic("mat: Gemm: c shares memory with a or b")
	}
	gemm(c, tA, tB, alpha, a, b, beta, Threads())
}

// Mul computes c = a·b.
func Mul[T Float](c, a, b *Dense[T]) {
	Gemm(c, NoTrans, NoTrans, 1, a, b, 0)
}

// gemm is Gemm after the checks, on at most threads goroutines.
func gemm[T Float](c *Dense[T], tA, tB Transpose, alpha T, a, b *Dense[T], beta T, threads int) {
	m, k := opDims(a.rows, a.cols, tA)
	n := c.cols
	if m == 0 || n == 0 {
		return
	}
	if k == 0 || alpha == 0 {
		scale(c.data, c.stride, m, n, beta)
		return
	}
	g := gemmJob[T]{
		kern: kernelFor[T](), m: m, n: n, k: k, alpha: alpha, beta: beta, c: c.data, ldc: c.stride,
		packA: func(dst []T, mr, i0, mb, p0, kb int) {
			packA(dst, mr, a.data, a.stride, bool(tA), i0, mb, p0, kb)
		},
		packB: func(dst []T, nr, p0, kb, j0, nb int) {
			packB(dst, nr, b.data, b.stride, bool(tB), p0, kb, j0, nb)
		},
	}
	g.run(threads)
}

// overlaps reports whether x and y share any element.
func overlaps[T Float](x, y []T) bool {
	if len(x) == 0 || len(y) == 0 {
		return false
	}
	x0, y0 := uintptr(unsafe.Pointer(&x[0])), uintptr(unsafe.Pointer(&y[0]))
	size := unsafe.Sizeof(x[0])
	return x0 < y0+uintptr(len(y))*size && y0 < x0+uintptr(len(x))*size
}

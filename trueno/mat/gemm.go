package mat

import (
	"fmt"
	"unsafe"

	"github.com/batuta-go/stack/internal/cpu"
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
	if m == 1 {
		// One row of c: c = alpha·op(b)ᵀ·op(a)[0] + beta·c, a GEMV on b.
		x := opVector(a, tA, 0)
		gemv(c.data[:n], !tB, alpha, b.data, b.rows, b.cols, b.stride, x, beta, threads)
		return
	}
	if n == 1 {
		// One column of c: c = alpha·op(a)·op(b)[:, 0] + beta·c, a GEMV on a.
		x := opVector(b, !tB, 0)
		y := c.data[:extent(m, 1, c.stride)]
		if c.stride != 1 {
			y = make([]T, m)
			for i := range y {
				y[i] = c.data[i*c.stride]
			}
		}
		gemv(y, tA, alpha, a.data, a.rows, a.cols, a.stride, x, beta, threads)
		if c.stride != 1 {
			for i, v := range y {
				c.data[i*c.stride] = v
			}
		}
		return
	}
	var g gemmJob[T]
	g = gemmJob[T]{
		kern: kernelFor[T](), m: m, n: n, k: k, alpha: alpha, beta: beta, c: c.data, ldc: c.stride,
		packA: func(dst []T, mr, i0, mb, p0, kb int) {
			packA(dst, mr, g.kern.packN, a.data, a.stride, bool(tA), i0, mb, p0, kb)
		},
		packB: func(dst []T, nr, p0, kb, j0, nb int) {
			packB(dst, nr, g.kern.packT, b.data, b.stride, bool(tB), p0, kb, j0, nb)
		},
	}
	size := int(unsafe.Sizeof(alpha))
	if tA == NoTrans && g.kern.direct != nil && useDirect(m, k, a.stride, size) {
		g.a, g.lda = a.data, a.stride
	}
	if tB == NoTrans && useDirect(k, n, b.stride, size) {
		g.b, g.ldb = b.data, b.stride
	}
	g.run(threads)
}

// directA, when set by tests or tuning, overrides useDirect.
var directA *bool

// useDirect says whether the micro-kernels should read an operand (A or
// B, rows×cols, row-major with stride ld) in place rather than from packed
// panels: when it is small enough to stay in a quarter of L2 however its
// rows fall, and its rows are not a multiple of 4 KiB apart (then the rows
// a kernel streams all map to one L1 set, more than the cache has ways)
// or there are no more than eight of them.
// Packing costs about as much as the product for small shapes and is
// noise for large ones.
func useDirect(rows, cols, ld, size int) bool {
	if directA != nil {
		return *directA
	}
	return rows*cols*size <= cpu.Cache.L2/4 && (ld*size%4096 != 0 || rows <= 8)
}

// opVector returns row i of op(m) (column i of m when t), as a contiguous
// slice: the matrix's own storage when it is, a copy otherwise.
func opVector[T Float](m *Dense[T], t Transpose, i int) []T {
	if !t {
		return m.Row(i)
	}
	if m.stride == 1 || m.rows == 1 {
		return m.data[i:][:m.rows]
	}
	v := make([]T, m.rows)
	for p := range v {
		v[p] = m.data[p*m.stride+i]
	}
	return v
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

package mat

import "fmt"

// GemmBatch computes c[q] = alpha·op(a[q])·op(b[q]) + beta·c[q] for every q,
// as Gemm does, over products of one shape (the heads of an attention
// layer, say). A batch of at least as many products as threads runs one
// product per worker at a time; a shorter one splits each product. The
// slices must have equal lengths and every c[q] must be distinct and not
// share memory with any a or b.
func GemmBatch[T Float](c []*Dense[T], tA, tB Transpose, alpha T, a, b []*Dense[T], beta T) {
	if len(a) != len(c) || len(b) != len(c) {
		panic(fmt.Sprintf("mat: GemmBatch: %d outputs for %d and %d operands", len(c), len(a), len(b)))
	}
	for q := range c {
		if q > 0 && (a[q].rows != a[0].rows || a[q].cols != a[0].cols || b[q].rows != b[0].rows || b[q].cols != b[0].cols || c[q].rows != c[0].rows || c[q].cols != c[0].cols) {
			panic(fmt.Sprintf("mat: GemmBatch: product %d has another shape than product 0", q))
		}
		m, k := opDims(a[q].rows, a[q].cols, tA)
		kb, n := opDims(b[q].rows, b[q].cols, tB)
		if k != kb || c[q].rows != m || c[q].cols != n {
			panic(fmt.Sprintf("mat: GemmBatch: op(a) %d×%d (%s) times op(b) %d×%d (%s) into %d×%d", m, k, tA, kb, n, tB, c[q].rows, c[q].cols))
		}
		if overlaps(c[q].data, a[q].data) || overlaps(c[q].data, b[q].data) {
			panic(fmt.Sprintf("mat: GemmBatch: c[%d] shares memory with a[%d] or b[%d]", q, q, q))
		}
	}
	th := Threads()
	if th <= 1 || len(c) < th {
		for q := range c {
			gemm(c[q], tA, tB, alpha, a[q], b[q], beta, th)
		}
		return
	}
	parts := min(th, len(c))
	parallel(parts, func(t int) {
		for q := t; q < len(c); q += parts {
			gemm(c[q], tA, tB, alpha, a[q], b[q], beta, 1)
		}
	})
}

package mat

import (
	"fmt"
	"unsafe"

	"github.com/batuta-go/stack/trueno"
)

// gemvKernel is the pair of vector kernels GEMV runs on; n is always a
// multiple of lanes (the caller does the tail):
//
//	dot4:  out[r] = Σ_j a[r·lda + j]·x[j]  for r < 4
//	axpy4: y[j] += s[0]·a[j] + s[1]·a[lda+j] + s[2]·a[2·lda+j] + s[3]·a[3·lda+j]
type gemvKernel[T Float] struct {
	lanes int
	dot4  func(n int, a *T, lda int, x, out *T)
	axpy4 func(n int, a *T, lda int, s, y *T)
}

func gemvDot4Generic[T Float](n int, a *T, lda int, x, out *T) {
	var s0, s1, s2, s3 T
	if n > 0 {
		as := unsafe.Slice(a, 3*lda+n)
		xs := unsafe.Slice(x, n)
		r0, r1, r2, r3 := as[:n], as[lda:][:n], as[2*lda:][:n], as[3*lda:][:n]
		for j, v := range xs {
			s0 += r0[j] * v
			s1 += r1[j] * v
			s2 += r2[j] * v
			s3 += r3[j] * v
		}
	}
	o := unsafe.Slice(out, 4)
	o[0], o[1], o[2], o[3] = s0, s1, s2, s3
}

func gemvAxpy4Generic[T Float](n int, a *T, lda int, s, y *T) {
	if n == 0 {
		return
	}
	as := unsafe.Slice(a, 3*lda+n)
	ss := unsafe.Slice(s, 4)
	ys := unsafe.Slice(y, n)
	r0, r1, r2, r3 := as[:n], as[lda:][:n], as[2*lda:][:n], as[3*lda:][:n]
	for j := range ys {
		ys[j] += ss[0]*r0[j] + ss[1]*r1[j] + ss[2]*r2[j] + ss[3]*r3[j]
	}
}

func genericGemv[T Float]() gemvKernel[T] {
	return gemvKernel[T]{lanes: 1, dot4: gemvDot4Generic[T], axpy4: gemvAxpy4Generic[T]}
}

var (
	gemvKernels32 = map[trueno.ISA]gemvKernel[float32]{}
	gemvKernels64 = map[trueno.ISA]gemvKernel[float64]{}
)

func gemvKernelFor[T Float]() gemvKernel[T] {
	var z T
	switch any(z).(type) {
	case float32:
		return any(gemvKernels32[trueno.Active()]).(gemvKernel[T])
	default:
		return any(gemvKernels64[trueno.Active()]).(gemvKernel[T])
	}
}

// gemvScratch holds a kernel's four-row output (gemvN) or its four
// scales (gemvT). It lives in a recycled gemvJob: the kernels are called
// through func values, so a local array passed to them would escape and be
// allocated on every call.
type gemvScratch[T Float] [4]T

// gemvParallelMin is the matrix size (elements) from which GEMV splits its
// rows or columns over the workers.
const gemvParallelMin = 1 << 18

// Gemv computes y = alpha·op(a)·x + beta·y, where op(a) is a (m×n: x has n
// elements, y m) or its transpose (x has m elements, y n):
//
//	y[i] = alpha·Σ_j op(a)[i][j]·x[j] + beta·y[i]
//
// When beta is 0, y is not read (NaN in y does not survive); when alpha is
// 0, a and x are not read. y must not share memory with a or x. A length
// mismatch panics.
func Gemv[T Float](y []T, tA Transpose, alpha T, a *Dense[T], x []T, beta T) {
	m, n := opDims(a.rows, a.cols, tA)
	if len(x) != n || len(y) != m {
		panic(fmt.Sprintf("mat: Gemv: op(a) %d×%d (%s) times x of %d into y of %d", m, n, tA, len(x), len(y)))
	}
	if overlaps(y, a.data) || overlaps(y, x) {
		panic("mat: Gemv: y shares memory with a or x")
	}
	gemv(y, tA, alpha, a.data, a.rows, a.cols, a.stride, x, beta, Threads())
}

// gemv is Gemv on raw storage: a is rows×cols with stride lda.
func gemv[T Float](y []T, tA Transpose, alpha T, a []T, rows, cols, lda int, x []T, beta T, threads int) {
	if len(y) == 0 {
		return
	}
	if rows == 0 || cols == 0 || alpha == 0 {
		scale(y, len(y), 1, len(y), beta)
		return
	}
	parts := 1
	if rows*cols >= gemvParallelMin {
		parts = max(threads, 1)
	}
	j := getGemvJob[T](parts)
	j.kern, j.y, j.tA, j.alpha, j.a, j.rows, j.cols, j.lda, j.x, j.beta = gemvKernelFor[T](), y, tA, alpha, a, rows, cols, lda, x, beta
	if !tA {
		j.per = (rows + parts - 1) / parts
	} else {
		j.per = roundUp((cols+parts-1)/parts, 16)
	}
	j.run(parts)
	putGemvJob(j)
}

// gemvN computes y[i] for rows [i0, i1), four rows per kernel call.
func gemvN[T Float](kern *gemvKernel[T], scratch *gemvScratch[T], y []T, alpha T, a []T, i0, i1, cols, lda int, x []T, beta T) {
	if i0 >= i1 {
		return
	}
	nv := cols &^ (kern.lanes - 1)
	out := scratch[:4]
	for i := i0; i < i1; {
		step, nrow := lda, 4
		if i1-i < 4 {
			// The last rows one at a time: with stride 0 the kernel
			// reads row i four times and nothing past it.
			step, nrow = 0, 1
		}
		kern.dot4(nv, &a[i*lda], step, &x[0], &out[0])
		for r := range nrow {
			s := out[r]
			row := a[(i+r)*lda:][:cols]
			for j := nv; j < cols; j++ {
				s += row[j] * x[j]
			}
			if beta == 0 {
				y[i+r] = alpha * s
			} else {
				y[i+r] = alpha*s + beta*y[i+r]
			}
		}
		i += nrow
	}
}

// gemvT computes y[j] for columns [j0, j1) of a: y = beta·y, then the rows
// of a added four at a time, scaled by alpha·x[i].
func gemvT[T Float](kern *gemvKernel[T], scratch *gemvScratch[T], y []T, alpha T, a []T, rows, j0, j1, lda int, x []T, beta T) {
	if j0 >= j1 {
		return
	}
	w := j1 - j0
	ys := y[j0:j1]
	scale(ys, w, 1, w, beta)
	nv := w &^ (kern.lanes - 1)
	s := scratch[:4]
	i := 0
	for ; i+4 <= rows; i += 4 {
		s[0], s[1], s[2], s[3] = alpha*x[i], alpha*x[i+1], alpha*x[i+2], alpha*x[i+3]
		if nv > 0 {
			kern.axpy4(nv, &a[i*lda+j0], lda, &s[0], &ys[0])
		}
		for j := nv; j < w; j++ {
			ys[j] += s[0]*a[i*lda+j0+j] + s[1]*a[(i+1)*lda+j0+j] + s[2]*a[(i+2)*lda+j0+j] + s[3]*a[(i+3)*lda+j0+j]
		}
	}
	for ; i < rows; i++ {
		si := alpha * x[i]
		row := a[i*lda+j0:][:w]
		for j, v := range row {
			ys[j] += si * v
		}
	}
}

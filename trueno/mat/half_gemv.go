package mat

import (
	"unsafe"

	"github.com/batuta-go/stack/trueno"
)

// halfDot4 is like gemvKernel.dot4, for a matrix of 16-bit floats and
// float32 x, but returns per-lane partial sums:
//
//	out[r·lanes+l] = Σ_v float32(a[r·lda + v·lanes+l])·x[v·lanes+l]  for r < 4
type halfDot4 struct {
	lanes int
	fn    func(n int, a *uint16, lda int, x, out *float32)
}

func halfDot4Generic(conv func(uint16) float32) halfDot4 {
	return halfDot4{lanes: 1, fn: func(n int, a *uint16, lda int, x, out *float32) {
		var s [4]float32
		if n > 0 {
			as := unsafe.Slice(a, 3*lda+n)
			xs := unsafe.Slice(x, n)
			for r := range 4 {
				row := as[r*lda:][:n]
				for j, v := range xs {
					s[r] += conv(row[j]) * v
				}
			}
		}
		copy(unsafe.Slice(out, 4), s[:])
	}}
}

// halfDot4s holds the float16 and the bfloat16 kernel of every path.
var halfDot4s = map[trueno.ISA][2]halfDot4{}

func init() {
	for _, i := range trueno.Available() {
		halfDot4s[i] = [2]halfDot4{halfDot4For(i, false), halfDot4For(i, true)}
	}
}

func f16Bits(h uint16) float32  { return trueno.Float16(h).Float32() }
func bf16Bits(h uint16) float32 { return trueno.BFloat16(h).Float32() }

// gemvHalf computes y = alpha·op(w)·x + beta·y for a 16-bit matrix w
// (rows×cols, stride ldw): y[i] = alpha·Σ_j op(w)[i][j]·x[j] + beta·y[i],
// y not read when beta is 0. It is GemmHalf for a single row of
// activations (one token), which would otherwise pack all of w.
func gemvHalf[H Half](y []float32, tW Transpose, alpha float32, w *HalfDense[H], x []float32, beta float32, threads int) {
	bf16 := isBF16[H]()
	data := bits16(w.data)
	conv := f16Bits
	if bf16 {
		conv = bf16Bits
	}
	rows, cols, ldw := w.rows, w.cols, w.stride
	parts := 1
	if rows*cols >= gemvParallelMin {
		parts = threads
	}
	if !tW {
		kern := halfDot4s[trueno.Active()][0]
		if bf16 {
			kern = halfDot4s[trueno.Active()][1]
		}
		per := (rows + parts - 1) / parts
		parallel(parts, func(t int) {
			i0 := min(t*per, rows)
			i1 := min(i0+per, rows)
			L := kern.lanes
			nv := cols &^ (L - 1)
			out := make([]float32, 4*L)
			for i := i0; i < i1; {
				step, nrow := ldw, 4
				if i1-i < 4 {
					step, nrow = 0, 1 // one row, read four times
				}
				kern.fn(nv, &data[i*ldw], step, &x[0], &out[0])
				for r := range nrow {
					var s float32
					for _, v := range out[r*L:][:L] {
						s += v
					}
					row := data[(i+r)*ldw:][:cols]
					for j := nv; j < cols; j++ {
						s += conv(row[j]) * x[j]
					}
					if beta == 0 {
						y[i+r] = alpha * s
					} else {
						y[i+r] = alpha*s + beta*y[i+r]
					}
				}
				i += nrow
			}
		})
		return
	}
	// y[j] = alpha·Σ_i w[i][j]·x[i]: rows of w widened a chunk at a time
	// into a float32 buffer, four at once, and added by the axpy kernel.
	const chunk = 512
	axpy := gemvKernelFor[float32]()
	per := roundUp((cols+parts-1)/parts, 16)
	parallel(parts, func(t int) {
		j0 := min(t*per, cols)
		j1 := min(j0+per, cols)
		if j0 >= j1 {
			return
		}
		scale(y[j0:j1], j1-j0, 1, j1-j0, beta)
		buf := make([]float32, 4*chunk)
		var s [4]float32
		for c0 := j0; c0 < j1; c0 += chunk {
			wd := min(chunk, j1-c0)
			ys := y[c0 : c0+wd]
			for i := 0; i < rows; i += 4 {
				nrow := min(4, rows-i)
				for r := range 4 {
					s[r] = 0
					if r < nrow {
						s[r] = alpha * x[i+r]
					}
					seg := buf[r*chunk:][:wd]
					if r >= nrow {
						clear(seg)
						continue
					}
					widen(seg, w.data[(i+r)*ldw+c0:][:wd])
				}
				nv := wd &^ (axpy.lanes - 1)
				if nv > 0 {
					axpy.axpy4(nv, &buf[0], chunk, &s[0], &ys[0])
				}
				for j := nv; j < wd; j++ {
					ys[j] += s[0]*buf[j] + s[1]*buf[chunk+j] + s[2]*buf[2*chunk+j] + s[3]*buf[3*chunk+j]
				}
			}
		}
	})
}

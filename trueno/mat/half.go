package mat

import (
	"fmt"
	"unsafe"

	"github.com/batuta-go/stack/trueno"
)

// Half is the 16-bit float types of a HalfDense matrix: trueno's float16
// and bfloat16.
type Half interface {
	trueno.Float16 | trueno.BFloat16
}

// HalfDense is a row-major matrix of float16 or bfloat16 values kept in
// their 16-bit encoding: the weights of an F16 or BF16 model, multiplied by
// float32 activations with GemmHalf.
type HalfDense[H Half] struct {
	rows, cols, stride int
	data               []H
}

// NewHalfDense returns an r×c matrix on data (stride c), which must hold
// r·c elements; a nil data allocates zeroed storage.
func NewHalfDense[H Half](r, c int, data []H) *HalfDense[H] {
	if r < 0 || c < 0 {
		panic(fmt.Sprintf("mat: NewHalfDense: negative dimension %d×%d", r, c))
	}
	if data == nil {
		data = make([]H, r*c)
	}
	if len(data) != r*c {
		panic(fmt.Sprintf("mat: NewHalfDense: %d×%d matrix needs %d elements, have %d", r, c, r*c, len(data)))
	}
	return &HalfDense[H]{rows: r, cols: c, stride: max(c, 1), data: data}
}

// Dims returns the number of rows and columns.
func (m *HalfDense[H]) Dims() (r, c int) { return m.rows, m.cols }

// Stride returns the distance in elements between the starts of two rows.
func (m *HalfDense[H]) Stride() int { return m.stride }

// RawData returns the backing slice: element (i, j) is at i·Stride()+j.
func (m *HalfDense[H]) RawData() []H { return m.data }

// At returns element (i, j) as a float32 (exactly: every float16 and
// bfloat16 value is a float32 value).
func (m *HalfDense[H]) At(i, j int) float32 {
	if uint(i) >= uint(m.rows) || uint(j) >= uint(m.cols) {
		panic(fmt.Sprintf("mat: At: index (%d, %d) out of range for %d×%d matrix", i, j, m.rows, m.cols))
	}
	return widen1(m.data[i*m.stride+j])
}

// Slice returns the view of rows [i, k) and columns [j, l).
func (m *HalfDense[H]) Slice(i, k, j, l int) *HalfDense[H] {
	if i < 0 || k < i || k > m.rows || j < 0 || l < j || l > m.cols {
		panic(fmt.Sprintf("mat: Slice: [%d:%d, %d:%d] out of range for %d×%d matrix", i, k, j, l, m.rows, m.cols))
	}
	v := &HalfDense[H]{rows: k - i, cols: l - j, stride: m.stride}
	if n := extent(k-i, l-j, m.stride); n > 0 {
		off := i*m.stride + j
		v.data = m.data[off : off+n : off+n]
	}
	return v
}

func widen1[H Half](h H) float32 {
	if isBF16[H]() {
		return trueno.BFloat16(h).Float32()
	}
	return trueno.Float16(h).Float32()
}

// widen sets dst[i] = float32(src[i]) with trueno's conversion kernels.
func widen[H Half](dst []float32, src []H) {
	switch s := any(src).(type) {
	case []trueno.Float16:
		trueno.Float16ToFloat32(dst, s)
	case []trueno.BFloat16:
		trueno.BFloat16ToFloat32(dst, s)
	}
}

func isBF16[H Half]() bool {
	var z H
	_, ok := any(z).(trueno.BFloat16)
	return ok
}

// bits16 is the element encodings of s, what the assembly kernels take.
func bits16[H Half](s []H) []uint16 {
	return unsafe.Slice((*uint16)(unsafe.Pointer(unsafe.SliceData(s))), len(s))
}

// GemmHalf computes c = alpha·op(a)·op(b) + beta·c, as Gemm does, with b
// in float16 or bfloat16: its elements are widened to float32 (exactly) as
// its panels are packed, never as a whole matrix, and everything is
// accumulated in float32. For a linear layer whose weights W are stored
// out×in, y = x·Wᵀ is GemmHalf(y, NoTrans, Trans, 1, x, w, 0). A single row
// of activations (one token) is a GEMV straight on the 16-bit weights.
func GemmHalf[H Half](c *Dense[float32], tA, tB Transpose, alpha float32, a *Dense[float32], b *HalfDense[H], beta float32) {
	m, k := opDims(a.rows, a.cols, tA)
	kb, n := opDims(b.rows, b.cols, tB)
	if k != kb || c.rows != m || c.cols != n {
		panic(fmt.Sprintf("mat: GemmHalf: op(a) %d×%d (%s) times op(b) %d×%d (%s) into %d×%d", m, k, tA, kb, n, tB, c.rows, c.cols))
	}
	if overlaps(c.data, a.data) {
		panic("mat: GemmHalf: c shares memory with a")
	}
	if m == 0 || n == 0 {
		return
	}
	if k == 0 || alpha == 0 {
		scale(c.data, c.stride, m, n, beta)
		return
	}
	if m == 1 {
		gemvHalf(c.data[:n], !tB, alpha, b, opVector(a, tA, 0), beta, Threads())
		return
	}
	var g gemmJob[float32]
	g = gemmJob[float32]{
		kern: kernelFor[float32](), m: m, n: n, k: k, alpha: alpha, beta: beta, c: c.data, ldc: c.stride,
		packA: func(dst []float32, mr, i0, mb, p0, kb int) {
			packA(dst, mr, g.kern.packN, a.data, a.stride, bool(tA), i0, mb, p0, kb)
		},
		packB: func(dst []float32, nr, p0, kb, j0, nb int) {
			packBHalf(dst, nr, g.kern.packT, b.data, b.stride, bool(tB), p0, kb, j0, nb)
		},
	}
	if tA == NoTrans && g.kern.direct != nil && useDirect(m, k, a.stride, 4) {
		g.a, g.lda = a.data, a.stride
	}
	g.run(Threads())
}

// packBHalf is packB for 16-bit elements, widened to float32 a row at a
// time by trueno's conversion kernels. A transposed B is widened a panel
// of nr rows at a time into a scratch block that packT (when set) then
// transposes into place.
func packBHalf[H Half](dst []float32, nr int, packT func(k int, b *float32, ldb int, dst *float32), b []H, ldb int, trans bool, p0, kb, j0, nb int) {
	var block []float32
	if trans {
		block = make([]float32, nr*kb)
	}
	for q := 0; q*nr < nb; q++ {
		d := dst[q*nr*kb : (q+1)*nr*kb]
		cols := min(nr, nb-q*nr)
		jb := j0 + q*nr
		if !trans {
			for p := 0; p < kb; p++ {
				dd := d[p*nr : p*nr+nr]
				widen(dd[:cols], b[(p0+p)*ldb+jb:][:cols])
				clear(dd[cols:])
			}
			continue
		}
		for jj := 0; jj < cols; jj++ {
			widen(block[jj*kb:][:kb], b[(jb+jj)*ldb+p0:][:kb])
		}
		if cols == nr && packT != nil {
			packT(kb, &block[0], kb, &d[0])
			continue
		}
		for jj := 0; jj < cols; jj++ {
			for p, v := range block[jj*kb:][:kb] {
				d[p*nr+jj] = v
			}
		}
		if cols < nr {
			for p := 0; p < kb; p++ {
				clear(d[p*nr+cols : p*nr+nr])
			}
		}
	}
}

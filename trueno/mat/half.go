package mat

import (
	"fmt"
	"math"
	"sync"
)

// HalfFormat is the encoding of a HalfDense matrix's 16-bit elements.
type HalfFormat uint8

const (
	Float16  HalfFormat = 1 // IEEE 754 binary16
	BFloat16 HalfFormat = 2 // bfloat16: the top half of a float32
)

func (f HalfFormat) String() string {
	switch f {
	case Float16:
		return "float16"
	case BFloat16:
		return "bfloat16"
	}
	return fmt.Sprintf("HalfFormat(%d)", uint8(f))
}

// HalfDense is a row-major matrix of float16 or bfloat16 values, kept in
// their 16-bit encoding: the weights of an F16 or BF16 model, multiplied by
// float32 activations with GemmHalf.
type HalfDense struct {
	format             HalfFormat
	rows, cols, stride int
	data               []uint16
}

// NewHalfDense returns an r×c matrix of format f on data (stride c), which
// must hold r·c encoded elements.
func NewHalfDense(f HalfFormat, r, c int, data []uint16) *HalfDense {
	if f != Float16 && f != BFloat16 {
		panic(fmt.Sprintf("mat: NewHalfDense: unknown format %d", f))
	}
	if r < 0 || c < 0 {
		panic(fmt.Sprintf("mat: NewHalfDense: negative dimension %d×%d", r, c))
	}
	if data == nil {
		data = make([]uint16, r*c)
	}
	if len(data) != r*c {
		panic(fmt.Sprintf("mat: NewHalfDense: %d×%d matrix needs %d elements, have %d", r, c, r*c, len(data)))
	}
	return &HalfDense{format: f, rows: r, cols: c, stride: max(c, 1), data: data}
}

// Dims returns the number of rows and columns.
func (m *HalfDense) Dims() (r, c int) { return m.rows, m.cols }

// Format returns the element encoding.
func (m *HalfDense) Format() HalfFormat { return m.format }

// RawData returns the backing slice of encoded elements (stride Stride()).
func (m *HalfDense) RawData() []uint16 { return m.data }

// Stride returns the distance in elements between the starts of two rows.
func (m *HalfDense) Stride() int { return m.stride }

// At returns element (i, j) converted to float32 (exactly: every float16
// and bfloat16 value is a float32 value).
func (m *HalfDense) At(i, j int) float32 {
	if uint(i) >= uint(m.rows) || uint(j) >= uint(m.cols) {
		panic(fmt.Sprintf("mat: At: index (%d, %d) out of range for %d×%d matrix", i, j, m.rows, m.cols))
	}
	return m.conv()(m.data[i*m.stride+j])
}

// Slice returns the view of rows [i, k) and columns [j, l).
func (m *HalfDense) Slice(i, k, j, l int) *HalfDense {
	if i < 0 || k < i || k > m.rows || j < 0 || l < j || l > m.cols {
		panic(fmt.Sprintf("mat: Slice: [%d:%d, %d:%d] out of range for %d×%d matrix", i, k, j, l, m.rows, m.cols))
	}
	v := &HalfDense{format: m.format, rows: k - i, cols: l - j, stride: m.stride}
	if n := extent(k-i, l-j, m.stride); n > 0 {
		off := i*m.stride + j
		v.data = m.data[off : off+n : off+n]
	}
	return v
}

func (m *HalfDense) conv() func(uint16) float32 { return halfConv(m.format) }

func halfConv(f HalfFormat) func(uint16) float32 {
	if f == BFloat16 {
		return bf16ToF32
	}
	return f16ToF32
}

// GemmHalf computes c = alpha·op(a)·op(b) + beta·c, as Gemm does, with b
// in float16 or bfloat16: its elements are widened to float32 (exactly) as
// its panels are packed, never as a whole matrix, and everything is
// accumulated in float32. For a linear layer whose weights W are stored
// out×in, y = x·Wᵀ is GemmHalf(y, NoTrans, Trans, 1, x, w, 0).
func GemmHalf(c *Dense[float32], tA, tB Transpose, alpha float32, a *Dense[float32], b *HalfDense, beta float32) {
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
			packBHalf(dst, nr, b.data, b.stride, bool(tB), b.format, p0, kb, j0, nb)
		},
	}
	g.run(Threads())
}

// packBHalf is packB for 16-bit encoded elements, widened to float32:
// bfloat16 by a shift, float16 through a table of all 65536 values (the
// per-element branches of the conversion would cost more than the
// product's share of each element).
func packBHalf(dst []float32, nr int, b []uint16, ldb int, trans bool, f HalfFormat, p0, kb, j0, nb int) {
	widen := func(d []float32, src []uint16) {
		if f == BFloat16 {
			for j, h := range src {
				d[j] = math.Float32frombits(uint32(h) << 16)
			}
			return
		}
		t := f16Table()
		for j, h := range src {
			d[j] = t[h]
		}
	}
	var row []float32
	if trans {
		row = make([]float32, kb)
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
			widen(row, b[(jb+jj)*ldb+p0:][:kb])
			for p, v := range row {
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

// f16Table returns every float16 value widened to float32, indexed by
// its encoding; built on first use (256 KiB).
var f16Table = sync.OnceValue(func() *[1 << 16]float32 {
	t := new([1 << 16]float32)
	for h := range t {
		t[h] = f16ToF32(uint16(h))
	}
	return t
})

// f16ToF32 widens an IEEE binary16 value to float32 exactly.
func f16ToF32(h uint16) float32 {
	sign := uint32(h&0x8000) << 16
	exp := uint32(h>>10) & 0x1f
	man := uint32(h & 0x3ff)
	switch exp {
	case 0:
		// Zero or subnormal: man·2⁻²⁴, exact in float32.
		v := float32(man) * 0x1p-24
		return math.Float32frombits(math.Float32bits(v) | sign)
	case 0x1f:
		return math.Float32frombits(sign | 0x7f800000 | man<<13)
	}
	return math.Float32frombits(sign | (exp+127-15)<<23 | man<<13)
}

// bf16ToF32 widens a bfloat16 value to float32 exactly.
func bf16ToF32(h uint16) float32 { return math.Float32frombits(uint32(h) << 16) }

package mat

import "fmt"

// Float is the element types of a Dense matrix.
type Float interface {
	float32 | float64
}

// Dense is a row-major matrix: element (i, j) is data[i*stride+j]. A view
// from Slice shares its parent's data.
type Dense[T Float] struct {
	rows, cols, stride int
	data               []T
}

// NewDense returns an r×c matrix on data (stride c), which must hold r·c
// elements; a nil data allocates zeroed storage.
func NewDense[T Float](r, c int, data []T) *Dense[T] {
	if r < 0 || c < 0 {
		panic(fmt.Sprintf("mat: NewDense: negative dimension %d×%d", r, c))
	}
	if data == nil {
		data = make([]T, r*c)
	}
	if len(data) != r*c {
		panic(fmt.Sprintf("mat: NewDense: %d×%d matrix needs %d elements, have %d", r, c, r*c, len(data)))
	}
	return &Dense[T]{rows: r, cols: c, stride: max(c, 1), data: data}
}

// NewDenseStride returns an r×c matrix on existing storage with the given
// row stride: element (i, j) is data[i*stride+j]. data must reach the last
// element, (r-1)·stride + c.
func NewDenseStride[T Float](r, c, stride int, data []T) *Dense[T] {
	if r < 0 || c < 0 {
		panic(fmt.Sprintf("mat: NewDenseStride: negative dimension %d×%d", r, c))
	}
	if stride < max(c, 1) {
		panic(fmt.Sprintf("mat: NewDenseStride: stride %d below column count %d", stride, c))
	}
	if need := extent(r, c, stride); len(data) < need {
		panic(fmt.Sprintf("mat: NewDenseStride: %d×%d matrix with stride %d needs %d elements, have %d", r, c, stride, need, len(data)))
	}
	return &Dense[T]{rows: r, cols: c, stride: stride, data: data[:extent(r, c, stride)]}
}

// extent is the number of elements an r×c matrix with stride spans.
func extent(r, c, stride int) int {
	if r == 0 || c == 0 {
		return 0
	}
	return (r-1)*stride + c
}

// Dims returns the number of rows and columns.
func (m *Dense[T]) Dims() (r, c int) { return m.rows, m.cols }

// Stride returns the distance in elements between the starts of two rows.
func (m *Dense[T]) Stride() int { return m.stride }

// RawData returns the backing slice: element (i, j) is at i·Stride()+j.
// Writes through it change the matrix.
func (m *Dense[T]) RawData() []T { return m.data }

// At returns element (i, j).
func (m *Dense[T]) At(i, j int) T {
	m.checkIndex("At", i, j)
	return m.data[i*m.stride+j]
}

// Set sets element (i, j) to v.
func (m *Dense[T]) Set(i, j int, v T) {
	m.checkIndex("Set", i, j)
	m.data[i*m.stride+j] = v
}

func (m *Dense[T]) checkIndex(op string, i, j int) {
	if uint(i) >= uint(m.rows) || uint(j) >= uint(m.cols) {
		panic(fmt.Sprintf("mat: %s: index (%d, %d) out of range for %d×%d matrix", op, i, j, m.rows, m.cols))
	}
}

// Row returns row i as a slice that shares the matrix's storage.
func (m *Dense[T]) Row(i int) []T {
	if uint(i) >= uint(m.rows) {
		panic(fmt.Sprintf("mat: Row: row %d out of range for %d×%d matrix", i, m.rows, m.cols))
	}
	if m.cols == 0 {
		return nil
	}
	return m.data[i*m.stride : i*m.stride+m.cols : i*m.stride+m.cols]
}

// Slice returns the view of rows [i, k) and columns [j, l). It shares the
// storage of m: writes through either are seen by both.
func (m *Dense[T]) Slice(i, k, j, l int) *Dense[T] {
	if i < 0 || k < i || k > m.rows || j < 0 || l < j || l > m.cols {
		panic(fmt.Sprintf("mat: Slice: [%d:%d, %d:%d] out of range for %d×%d matrix", i, k, j, l, m.rows, m.cols))
	}
	v := &Dense[T]{rows: k - i, cols: l - j, stride: m.stride}
	if n := extent(k-i, l-j, m.stride); n > 0 {
		off := i*m.stride + j
		v.data = m.data[off : off+n : off+n]
	}
	return v
}

// Zero sets every element to 0.
func (m *Dense[T]) Zero() {
	for i := 0; i < m.rows; i++ {
		clear(m.Row(i))
	}
}

// Copy copies src into m; the shapes must match.
func (m *Dense[T]) Copy(src *Dense[T]) {
	if m.rows != src.rows || m.cols != src.cols {
		panic(fmt.Sprintf("mat: Copy: %d×%d into %d×%d", src.rows, src.cols, m.rows, m.cols))
	}
	for i := 0; i < m.rows; i++ {
		copy(m.Row(i), src.Row(i))
	}
}

// Transpose says whether a product uses a matrix as stored or transposed.
type Transpose bool

const (
	NoTrans Transpose = false // use the matrix as stored
	Trans   Transpose = true  // use its transpose
)

func (t Transpose) String() string {
	if t {
		return "T"
	}
	return "N"
}

// opDims are the dimensions of op(m): m itself or its transpose.
func opDims(r, c int, t Transpose) (int, int) {
	if t {
		return c, r
	}
	return r, c
}

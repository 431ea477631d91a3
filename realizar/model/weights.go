package model

import (
	"encoding/binary"
	"fmt"
	"math"
	"strings"
	"unsafe"

	"github.com/batuta-go/stack/realizar/gguf"
	"github.com/batuta-go/stack/trueno"
	"github.com/batuta-go/stack/trueno/mat"
	"github.com/batuta-go/stack/trueno/quant"
)

// weight is a matrix of rows×cols values (rows of cols contiguous values,
// as GGUF stores a linear layer out×in), used in place: F32 through
// trueno/mat, every other type through trueno/quant's fused kernels.
type weight struct {
	name       string
	typ        gguf.TensorType
	q          quant.Type // when typ is not F32
	rows, cols int
	rowBytes   int
	data       []byte
	f32        []float32 // typ F32: data as float32
}

// littleEndian reports whether the machine stores float32 as GGUF does,
// so that F32 data can be used in place.
var littleEndian = binary.NativeEndian.Uint16([]byte{1, 0}) == 1

// loadMatrix fetches tensor name and checks that it is a rows×cols
// matrix (GGUF dims [cols, rows]) of a supported type whose bytes match.
func loadMatrix(src Source, name string, rows, cols int) (*weight, error) {
	t, err := src.Tensor(name)
	if err != nil {
		return nil, err
	}
	return matrixFrom(t, rows, cols)
}

func matrixFrom(t Tensor, rows, cols int) (*weight, error) {
	w := &weight{name: t.Name, typ: t.Type, rows: rows, cols: cols, data: t.Data}
	var q quant.Type
	if t.Type != gguf.F32 {
		var ok bool
		q, ok = t.Type.Quant()
		if !ok || !q.Valid() {
			return nil, fmt.Errorf("model: tensor %q: tensor type %s (id %d) is not supported", t.Name, t.Type, uint32(t.Type))
		}
	}
	if err := checkDims(t, cols, rows); err != nil {
		return nil, err
	}
	if t.Type == gguf.F32 {
		w.rowBytes = 4 * cols
	} else {
		if cols%q.BlockSize() != 0 {
			return nil, fmt.Errorf("model: tensor %q: %d columns are not a multiple of the %s block size %d", t.Name, cols, q, q.BlockSize())
		}
		w.q = q
		w.rowBytes = q.RowBytes(cols)
	}
	if want := uint64(rows) * uint64(w.rowBytes); uint64(len(t.Data)) != want {
		return nil, fmt.Errorf("model: tensor %q: %d bytes of data, want %d for %d×%d %s", t.Name, len(t.Data), want, rows, cols, t.Type)
	}
	if t.Type == gguf.F32 {
		w.f32 = float32s(t.Data)
	}
	return w, nil
}

// checkDims compares a tensor's dimensions (GGUF order) with the expected
// ones; trailing dimensions of 1 are ignored.
func checkDims(t Tensor, want ...int) error {
	got := t.Dims
	for len(got) > len(want) && got[len(got)-1] == 1 {
		got = got[:len(got)-1]
	}
	ok := len(got) == len(want)
	for i := 0; ok && i < len(want); i++ {
		ok = got[i] == want[i]
	}
	if !ok {
		return fmt.Errorf("model: tensor %q: dims %v, want %v", t.Name, t.Dims, want)
	}
	return nil
}

// float32s views little-endian float32 bytes as []float32, in place when
// the machine and the alignment allow, else as a copy.
func float32s(b []byte) []float32 {
	n := len(b) / 4
	if n == 0 {
		return nil
	}
	if littleEndian && uintptr(unsafe.Pointer(unsafe.SliceData(b)))%4 == 0 {
		return unsafe.Slice((*float32)(unsafe.Pointer(unsafe.SliceData(b))), n)
	}
	out := make([]float32, n)
	for i := range out {
		out[i] = math.Float32frombits(binary.LittleEndian.Uint32(b[4*i:]))
	}
	return out
}

// loadVector fetches a 1-D tensor of n values (norm weights, biases) as
// float32: F32 as it is, F16, BF16 and quantized types dequantized (they
// are small).
func loadVector(src Source, name string, n int) ([]float32, error) {
	t, err := src.Tensor(name)
	if err != nil {
		return nil, err
	}
	if err := checkDims(t, n); err != nil {
		return nil, err
	}
	w, err := matrixFrom(Tensor{Name: t.Name, Type: t.Type, Dims: []int{n, 1}, Data: t.Data}, 1, n)
	if err != nil {
		return nil, err
	}
	out := make([]float32, n)
	w.row(out, 0)
	return out, nil
}

// row dequantizes row r into dst (len cols): the embedding of one token.
func (w *weight) row(dst []float32, r int) {
	if w.typ == gguf.F32 {
		copy(dst, w.f32[r*w.cols:(r+1)*w.cols])
		return
	}
	quant.Dequantize(w.q, dst, w.data[r*w.rowBytes:(r+1)*w.rowBytes])
}

// f32GemmFlops keeps each part of an F32 GEMM below the size from which
// trueno/mat would split it over its own workers (2·192³ flops): the
// model's pool does the splitting, so that Options.Threads holds for F32
// weights too.
const f32GemmFlops = 2*192*192*192 - 1

// f32Rows is the number of rows an F32 matrix-vector work item takes.
const f32Rows = 16

// f32ParallelMin is the F32 matrix size (elements) from which a
// matrix-vector product is split over the pool (as trueno/mat's GEMV
// does): below it, waking a worker costs more than the product.
const f32ParallelMin = 1 << 18

// mulVec computes dst[r] = w row r · x for one activation row (decode).
// Quantized, F16 and BF16 weights go through trueno/quant with x
// quantized once (s.act) for all the parts of the product, and kept for
// the next product of the same input (see project); F32 rows are dot
// products (trueno.Dot). The rows are shared out to the pool, or, inside
// a team step, split into parts for the team to claim; either way a token
// allocates nothing here.
func (s *State) mulVec(w *weight, dst, x []float32) {
	s.vec = vecJob{w: w, dst: dst[:w.rows], x: x[:w.cols]}
	if w.typ != gguf.F32 && !(s.actKept && s.act.Type() == w.q && s.act.Len() == w.cols) {
		s.act.Quantize(w.q, s.vec.x)
		s.actKept = s.keepAct
	}
	switch {
	case s.team.active:
		s.teamRun(opVec, min(teamParts*s.m.threads, w.rows))
	case w.typ != gguf.F32:
		quant.MatVecActivation(s.vec.dst, w.data, &s.act, s.m.pool)
	case w.rows*w.cols < f32ParallelMin:
		s.vecRows(0, w.rows)
	default:
		s.m.pool.Parallel(w.rows, f32Rows, s.vecFunc)
	}
	s.vec = vecJob{}
}

// teamParts is the number of parts per thread a product is split into
// in a team step, so that a participant slowed down (by another process,
// or by joining late) holds the others up by less.
const teamParts = 4

// vecJob is the matrix-vector product in progress.
type vecJob struct {
	w      *weight
	dst, x []float32
}

// vecPart computes rows [lo, hi) of the product in s.vec on the calling
// goroutine.
func (s *State) vecPart(lo, hi int) {
	j := &s.vec
	if j.w.typ == gguf.F32 {
		s.vecRows(lo, hi)
		return
	}
	rb := j.w.rowBytes
	quant.MatVecActivation(j.dst[lo:hi], j.w.data[lo*rb:hi*rb], &s.act, s.m.serial)
}

// vecRows computes rows [lo, hi) of the F32 product in s.vec.
func (s *State) vecRows(lo, hi int) {
	j := &s.vec
	c := j.w.cols
	for r := lo; r < hi; r++ {
		j.dst[r] = trueno.Dot(j.w.f32[r*c:(r+1)*c], j.x)
	}
}

// mulMat computes dst[b·rows + r] = w row r · x row b for n activation
// rows (prefill): a quantized matrix-matrix product or an F32 GEMM.
func (s *State) mulMat(w *weight, dst, x []float32, n int) {
	if n == 1 {
		s.mulVec(w, dst, x)
		return
	}
	dst = dst[:n*w.rows]
	x = x[:n*w.cols]
	if w.typ != gguf.F32 {
		quant.MatMat(w.q, dst, w.data, x, n, s.m.pool)
		return
	}
	// Blocks of tokens × weight rows, each small enough for mat to run
	// it on the calling goroutine.
	tb := min(n, 64)
	wb := max(8, f32GemmFlops/(2*tb*w.cols))
	rows, cols := w.rows, w.cols
	s.m.pool.Parallel(rows, wb, func(lo, hi int) {
		b := mat.NewDense(hi-lo, cols, w.f32[lo*cols:hi*cols])
		for t0 := 0; t0 < n; t0 += tb {
			t1 := min(t0+tb, n)
			a := mat.NewDense(t1-t0, cols, x[t0*cols:t1*cols])
			c := mat.NewDenseStride(t1-t0, hi-lo, rows, dst[t0*rows+lo:])
			mat.Gemm(c, mat.NoTrans, mat.Trans, 1, a, b, 0)
		}
	})
}

// fuse makes the products for projections ws of one input (output i is
// ws[i]): runs of weights of one type that the source stores back to
// back become one product, the others stay on their own.
func fuse(src Source, ws ...*weight) []product {
	cs, ok := src.(contiguousSource)
	var out []product
	for i := 0; i < len(ws); {
		j := i + 1
		for ok && j < len(ws) && ws[j].typ == ws[i].typ && ws[j].cols == ws[i].cols && cs.adjacent(ws[j-1].name, ws[j].name) {
			j++
		}
		p := product{w: ws[i], segs: []segment{{i, ws[i].rows}}}
		if j > i+1 {
			if w, err := fusedWeight(cs, ws[i:j]); err == nil {
				p = product{w: w}
				for k := i; k < j; k++ {
					p.segs = append(p.segs, segment{k, ws[k].rows})
				}
			} else {
				j = i + 1
			}
		}
		out = append(out, p)
		i = j
	}
	return out
}

// fusedWeight is the matrix of the rows of ws, which lie back to back.
func fusedWeight(cs contiguousSource, ws []*weight) (*weight, error) {
	names := make([]string, len(ws))
	rows := 0
	for i, w := range ws {
		names[i] = w.name
		rows += w.rows
	}
	data, err := cs.span(names[0], names[len(names)-1])
	if err != nil {
		return nil, err
	}
	return matrixFrom(Tensor{Name: strings.Join(names, "+"), Type: ws[0].typ, Dims: []int{ws[0].cols, rows}, Data: data}, rows, ws[0].cols)
}

// addRows adds the bias b to each of the n rows of x.
func addRows(x []float32, n int, b []float32) {
	d := len(b)
	for i := range n {
		r := x[i*d : (i+1)*d]
		trueno.AddTo(r, r, b)
	}
}

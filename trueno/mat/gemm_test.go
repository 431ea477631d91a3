package mat

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/batuta-go/stack/internal/kerneltest"
)

// sentinel fills the parts of a parent matrix outside a view: a NaN that
// would show in a result read out of bounds, and that a write out of
// bounds would overwrite.
func sentinel[T Float]() T {
	var z T
	if _, ok := any(z).(float32); ok {
		return any(math.Float32frombits(0x7FA5A5A5)).(T)
	}
	return any(math.Float64frombits(0x7FF5A5A5A5A5A5A5)).(T)
}

func sameBits[T Float](a, b T) bool {
	switch x := any(a).(type) {
	case float32:
		return math.Float32bits(x) == math.Float32bits(any(b).(float32))
	default:
		return math.Float64bits(any(a).(float64)) == math.Float64bits(any(b).(float64))
	}
}

// view is an r×c matrix inside a larger parent whose other elements are
// sentinels: with a margin of rows and columns on each side when strided.
type view[T Float] struct {
	parent *Dense[T]
	m      *Dense[T]
	i0, j0 int
}

func newView[T Float](rng *rand.Rand, r, c int, strided bool, fill func() T) view[T] {
	pad := 0
	if strided {
		pad = 1 + rng.IntN(3)
	}
	p := NewDense[T](r+2*pad, c+2*pad+rng.IntN(2)*pad, nil)
	s := sentinel[T]()
	for i := range p.data {
		p.data[i] = s
	}
	v := p.Slice(pad, pad+r, pad, pad+c)
	for i := 0; i < r; i++ {
		for j := 0; j < c; j++ {
			v.Set(i, j, fill())
		}
	}
	return view[T]{p, v, pad, pad}
}

// checkFence fails when an element of the parent outside the view changed.
func (v view[T]) checkFence(t *testing.T, name string) {
	t.Helper()
	s := sentinel[T]()
	pr, pc := v.parent.Dims()
	r, c := v.m.Dims()
	for i := 0; i < pr; i++ {
		for j := 0; j < pc; j++ {
			if i >= v.i0 && i < v.i0+r && j >= v.j0 && j < v.j0+c {
				continue
			}
			if !sameBits(v.parent.At(i, j), s) {
				t.Fatalf("%s: element (%d, %d) of the parent outside the view was written", name, i-v.i0, j-v.j0)
			}
		}
	}
}

func opAt[T Float](m *Dense[T], t Transpose, i, j int) float64 {
	if t {
		return float64(m.At(j, i))
	}
	return float64(m.At(i, j))
}

// checkGemm compares c (after the call) with alpha·op(a)·op(b) + beta·c0
// computed in float64, within the rounding bound of a k-term dot product
// plus the blocking and the alpha/beta steps, relative to the magnitudes.
func checkGemm[T Float](t *testing.T, name string, c, c0 []T, cm *Dense[T], tA, tB Transpose, alpha T, a, b *Dense[T], beta T) {
	t.Helper()
	m, n := cm.Dims()
	_, k := opDims(a.rows, a.cols, tA)
	var z T
	gamma := kerneltest.Gamma64
	if _, ok := any(z).(float32); ok {
		gamma = kerneltest.Gamma32
	}
	// k products summed (in up to k/8+1 blocks, each block result rounded
	// and added back: two more roundings per block), times alpha, plus
	// beta·c: a few more.
	bound := gamma(k + 2*(k/8+1) + 4)
	for i := 0; i < m; i++ {
		for j := 0; j < n; j++ {
			var s, abs float64
			for p := 0; p < k; p++ {
				x := opAt(a, tA, i, p) * opAt(b, tB, p, j)
				s += x
				abs += math.Abs(x)
			}
			want := float64(alpha) * s
			mag := math.Abs(float64(alpha)) * abs
			if k == 0 || alpha == 0 {
				want, mag = 0, 0
			}
			if beta != 0 {
				old := float64(c0[i*n+j])
				want += float64(beta) * old
				mag += math.Abs(float64(beta) * old)
			}
			got := float64(c[i*cm.stride+j])
			tol := 2*bound*mag + 4*float64(math.SmallestNonzeroFloat32)
			if math.IsNaN(got) || math.Abs(got-want) > tol {
				t.Fatalf("%s: c[%d][%d] = %v, want %v (tolerance %.3g)", name, i, j, got, want, tol)
			}
		}
	}
}

// sampleDims are the sizes the shape tests take each dimension from: every
// size up to two AVX-512 tiles is not affordable in all combinations, so
// tile edges ±1 of every kernel and a few others up to 130.
var sampleDims = []int{1, 2, 3, 4, 5, 6, 7, 8, 9, 12, 13, 14, 15, 16, 17, 24, 25, 28, 29, 31, 32, 33, 47, 48, 49, 63, 64, 65, 97, 127, 128, 129, 130}

func randFloat[T Float](rng *rand.Rand) func() T {
	return func() T { return T(rng.NormFloat64()) }
}

type gemmCase struct {
	m, n, k     int
	tA, tB      Transpose
	alpha, beta float64
	strided     bool
}

func (g gemmCase) String() string {
	return fmt.Sprintf("%dx%dx%d/%s%s/a=%g,b=%g/strided=%v", g.m, g.n, g.k, g.tA, g.tB, g.alpha, g.beta, g.strided)
}

func runGemmCase[T Float](t *testing.T, rng *rand.Rand, g gemmCase) {
	t.Helper()
	ar, ac := opDims(g.m, g.k, g.tA)
	br, bc := opDims(g.k, g.n, g.tB)
	a := newView(rng, ar, ac, g.strided, randFloat[T](rng))
	b := newView(rng, br, bc, g.strided, randFloat[T](rng))
	fillC := randFloat[T](rng)
	if g.beta == 0 {
		nan := T(math.NaN())
		fillC = func() T { return nan }
	}
	c := newView(rng, g.m, g.n, g.strided, fillC)
	c0 := make([]T, g.m*g.n)
	for i := 0; i < g.m; i++ {
		copy(c0[i*g.n:], c.m.Row(i))
	}
	Gemm(c.m, g.tA, g.tB, T(g.alpha), a.m, b.m, T(g.beta))
	name := g.String()
	c.checkFence(t, name)
	checkGemm(t, name, c.m.data, c0, c.m, g.tA, g.tB, T(g.alpha), a.m, b.m, T(g.beta))
}

var transposes = []Transpose{NoTrans, Trans}

func testGemmShapes[T Float](t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	ab := [][2]float64{{1, 0}, {1, 1}, {-0.5, 2}, {2, -1.5}, {0, 0.5}, {1.5, 0}}
	for _, tA := range transposes {
		for _, tB := range transposes {
			for it := 0; it < 150; it++ {
				g := gemmCase{
					m: sampleDims[rng.IntN(len(sampleDims))], n: sampleDims[rng.IntN(len(sampleDims))],
					k: sampleDims[rng.IntN(len(sampleDims))], tA: tA, tB: tB, strided: it%2 == 1,
				}
				x := ab[it%len(ab)]
				g.alpha, g.beta = x[0], x[1]
				runGemmCase[T](t, rng, g)
			}
		}
	}
}

func TestGemm32(t *testing.T) { forEachISA(t, testGemmShapes[float32]) }
func TestGemm64(t *testing.T) { forEachISA(t, testGemmShapes[float64]) }

// TestGemmPackedA runs the shapes with A always packed: the row-major A of
// the shape tests is otherwise read in place (they are small).
func TestGemmPackedA(t *testing.T) {
	off := false
	directA = &off
	defer func() { directA = nil }()
	forEachISA(t, testGemmShapes[float32])
	forEachISA(t, testGemmShapes[float64])
}

// TestGemmBlocking shrinks the cache blocks so that small products cross
// every block boundary (kc, mc, nc) of the loop nest, serial and split.
func TestGemmBlocking(t *testing.T) {
	forEachISA(t, func(t *testing.T) {
		k32 := kernelFor[float32]()
		k64 := kernelFor[float64]()
		defer func() { kernels32[k32.isa], kernels64[k64.isa] = k32, k64 }()
		s32, s64 := k32, k64
		s32.blocking = blocking{kc: 8, mc: 2 * k32.mr, nc: 2 * k32.nr}
		s64.blocking = blocking{kc: 8, mc: 2 * k64.mr, nc: 2 * k64.nr}
		kernels32[k32.isa], kernels64[k64.isa] = s32, s64
		rng := rand.New(rand.NewPCG(3, 4))
		for _, th := range []int{1, 3} {
			old := SetThreads(th)
			for _, g := range []gemmCase{
				{m: 61, n: 75, k: 37, alpha: 1, beta: 0},
				{m: 130, n: 129, k: 100, tA: Trans, alpha: -1, beta: 0.5, strided: true},
				{m: 129, n: 97, k: 129, tB: Trans, alpha: 0.5, beta: 1},
				{m: 7, n: 130, k: 130, tA: Trans, tB: Trans, alpha: 2, beta: 0, strided: true},
				// Above the serial cut-off: split by rows, then by columns.
				{m: 250, n: 150, k: 200, alpha: 1, beta: 0.5, strided: true},
				{m: 20, n: 600, k: 600, tB: Trans, alpha: 1, beta: 0},
			} {
				runGemmCase[float32](t, rng, g)
				runGemmCase[float64](t, rng, g)
			}
			SetThreads(old)
		}
	})
}

// TestGemmParallel runs products above the serial cut-off on several
// thread counts, both split directions.
func TestGemmParallel(t *testing.T) {
	forEachISA(t, func(t *testing.T) {
		rng := rand.New(rand.NewPCG(5, 6))
		for _, th := range []int{2, 3, 4} {
			old := SetThreads(th)
			for _, g := range []gemmCase{
				{m: 200, n: 300, k: 150, alpha: 1, beta: 0},
				{m: 900, n: 20, k: 400, tA: Trans, alpha: 1, beta: 1, strided: true},
				// B read in place, whole panels only: the parts never wait.
				{m: 400, n: 64, k: 300, alpha: 1, beta: 0.5},
			} {
				runGemmCase[float32](t, rng, g)
				runGemmCase[float64](t, rng, g)
			}
			SetThreads(old)
		}
	})
}

func TestGemmZeroSizes(t *testing.T) {
	forEachISA(t, func(t *testing.T) {
		rng := rand.New(rand.NewPCG(7, 8))
		for _, d := range [][3]int{{0, 0, 0}, {0, 3, 4}, {3, 0, 4}, {3, 4, 0}, {1, 1, 0}} {
			for _, beta := range []float64{0, 1, 2} {
				runGemmCase[float32](t, rng, gemmCase{m: d[0], n: d[1], k: d[2], alpha: 1, beta: beta})
			}
		}
	})
}

// TestGemmAlphaZeroSkipsAB: with alpha = 0, NaN in a and b must not reach c
// (c = beta·c, as BLAS defines it).
func TestGemmAlphaZeroSkipsAB(t *testing.T) {
	nan := float32(math.NaN())
	a := NewDense(2, 2, []float32{nan, 1, 1, 1})
	b := NewDense(2, 2, []float32{1, nan, 1, 1})
	c := NewDense(2, 2, []float32{1, 2, 3, 4})
	Gemm(c, NoTrans, NoTrans, 0, a, b, 2)
	for i, want := range []float32{2, 4, 6, 8} {
		if c.data[i] != want {
			t.Fatalf("c = %v, want [2 4 6 8]", c.data)
		}
	}
}

func TestGemmPanics(t *testing.T) {
	a := NewDense[float32](2, 3, nil)
	b := NewDense[float32](4, 2, nil)
	c := NewDense[float32](2, 2, nil)
	for name, f := range map[string]func(){
		"inner":   func() { Gemm(c, NoTrans, NoTrans, 1, a, b, 0) },
		"outer":   func() { Gemm(c, Trans, NoTrans, 1, a, a, 0) },
		"aliased": func() { Gemm(c, NoTrans, NoTrans, 1, c, c, 0) },
		"slice":   func() { a.Slice(0, 3, 0, 1) },
		"new":     func() { NewDense(2, 2, []float32{1}) },
		"stride":  func() { NewDenseStride(2, 3, 2, make([]float32, 6)) },
		"at":      func() { a.At(2, 0) },
	} {
		func() {
			defer func() {
				r := recover()
				if s, ok := r.(string); !ok || len(s) < 5 || s[:5] != "mat: " {
					t.Errorf("%s: recovered %v, want a panic with a \"mat: \" message", name, r)
				}
			}()
			f()
		}()
	}
}

// TestGemmConcurrentCallers runs split products from many goroutines at
// once: the parts of each must all start (they wait for each other), so
// this would hang if the pool queued them behind other callers' parts. With
// alpha 1 and beta 0 the split does not change any rounding, so each result
// must equal the serial one bit for bit.
func TestGemmConcurrentCallers(t *testing.T) {
	rng := rand.New(rand.NewPCG(21, 22))
	const callers, m, k, n = 6, 400, 300, 60
	as := make([]*Dense[float32], callers)
	bs := make([]*Dense[float32], callers)
	want := make([]*Dense[float32], callers)
	old := SetThreads(1)
	for q := range callers {
		as[q] = newView(rng, m, k, false, randFloat[float32](rng)).m
		bs[q] = newView(rng, k, n, false, randFloat[float32](rng)).m
		want[q] = NewDense[float32](m, n, nil)
		Mul(want[q], as[q], bs[q])
	}
	SetThreads(3)
	defer SetThreads(old)
	got := make([]*Dense[float32], callers)
	done := make(chan int)
	for q := range callers {
		go func() {
			got[q] = NewDense[float32](m, n, nil)
			for range 5 {
				Mul(got[q], as[q], bs[q])
			}
			done <- q
		}()
	}
	for range callers {
		<-done
	}
	for q := range callers {
		for i, v := range got[q].data {
			if !sameBits(v, want[q].data[i]) {
				t.Fatalf("caller %d: element %d = %v, serial %v", q, i, v, want[q].data[i])
			}
		}
	}
}

// TestPackPanels checks the assembly panel packers against their
// definition, dst[p·rows+i] = a[i·lda+p], for every k up to a few blocks
// and strides that are and are not multiples of the cache's set stride.
func TestPackPanels(t *testing.T) {
	forEachISA(t, func(t *testing.T) {
		testPackPanels(t, kernelFor[float32]())
		testPackPanels(t, kernelFor[float64]())
	})
}

func testPackPanels[T Float](t *testing.T, kern kernel[T]) {
	for _, pk := range []struct {
		name string
		rows int
		fn   func(k int, a *T, lda int, dst *T)
	}{{"packN", kern.mr, kern.packN}, {"packT", kern.nr, kern.packT}} {
		if pk.fn == nil {
			continue
		}
		for _, lda := range []int{40, 1024, 1031} {
			for k := 0; k <= 40; k++ {
				src := make([]T, (pk.rows-1)*lda+k+1)
				for i := range src {
					src[i] = T(i)
				}
				g := kerneltest.NewGuarded[T](pk.rows*k, 0, nil)
				dst := g.S()
				if k > 0 {
					pk.fn(k, &src[0], lda, &dst[0])
				}
				g.Check(t, pk.name)
				for p := 0; p < k; p++ {
					for i := 0; i < pk.rows; i++ {
						if dst[p*pk.rows+i] != src[i*lda+p] {
							t.Fatalf("%s rows %d lda %d k %d: dst[%d·%d+%d] = %v, want %v", pk.name, pk.rows, lda, k, p, pk.rows, i, dst[p*pk.rows+i], src[i*lda+p])
						}
					}
				}
			}
		}
	}
}

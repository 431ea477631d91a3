package mat

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/batuta-go/stack/internal/kerneltest"
)

func testGemv[T Float](t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	var z T
	gamma := kerneltest.Gamma64
	if _, ok := any(z).(float32); ok {
		gamma = kerneltest.Gamma32
	}
	dims := []int{0, 1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 33, 64, 65, 130, 300}
	ab := [][2]float64{{1, 0}, {-0.5, 1}, {2, -1.5}, {0, 2}}
	for it := 0; it < 300; it++ {
		r, c := dims[rng.IntN(len(dims))], dims[rng.IntN(len(dims))]
		tA := Transpose(it%2 == 1)
		alpha, beta := T(ab[it%4][0]), T(ab[it%4][1])
		a := newView(rng, r, c, it%3 == 0, randFloat[T](rng))
		m, n := opDims(r, c, tA)
		off := rng.IntN(3)
		xs := kerneltest.NewGuarded[T](n, off, func(int) T { return T(rng.NormFloat64()) })
		ys := kerneltest.NewGuarded[T](m, off, func(int) T {
			if beta == 0 {
				return T(math.NaN())
			}
			return T(rng.NormFloat64())
		})
		x, y := xs.S(), ys.S()
		y0 := append([]T(nil), y...)
		Gemv(y, tA, alpha, a.m, x, beta)
		name := fmt.Sprintf("%dx%d/%s/a=%v,b=%v", r, c, tA, alpha, beta)
		ys.Check(t, name)
		xs.Check(t, name)
		bound := gamma(n + 4)
		for i := 0; i < m; i++ {
			var s, mag float64
			for j := 0; j < n; j++ {
				p := opAt(a.m, tA, i, j) * float64(x[j])
				s += p
				mag += math.Abs(p)
			}
			want := float64(alpha) * s
			mag *= math.Abs(float64(alpha))
			if alpha == 0 {
				want, mag = 0, 0
			}
			if beta != 0 {
				want += float64(beta) * float64(y0[i])
				mag += math.Abs(float64(beta) * float64(y0[i]))
			}
			tol := 2*bound*mag + 4*float64(math.SmallestNonzeroFloat32)
			if got := float64(y[i]); math.IsNaN(got) || math.Abs(got-want) > tol {
				t.Fatalf("%s: y[%d] = %v, want %v (tolerance %.3g)", name, i, got, want, tol)
			}
		}
	}
}

func TestGemv32(t *testing.T) { forEachISA(t, testGemv[float32]) }
func TestGemv64(t *testing.T) { forEachISA(t, testGemv[float64]) }

// TestGemvParallel runs matrices above the split size on several threads.
func TestGemvParallel(t *testing.T) {
	for _, th := range []int{2, 3} {
		old := SetThreads(th)
		forEachISA(t, testGemvLarge)
		SetThreads(old)
	}
}

func testGemvLarge(t *testing.T) {
	rng := rand.New(rand.NewPCG(13, 14))
	for _, tA := range transposes {
		r, c := 520, 530
		a := newView(rng, r, c, true, randFloat[float32](rng))
		m, n := opDims(r, c, tA)
		x := kerneltest.Rand32(rng, n, 1, false)
		y := make([]float32, m)
		Gemv(y, tA, 1, a.m, x, 0)
		for i := 0; i < m; i++ {
			var s, mag float64
			for j := 0; j < n; j++ {
				p := opAt(a.m, tA, i, j) * float64(x[j])
				s += p
				mag += math.Abs(p)
			}
			if tol := 2 * kerneltest.Gamma32(n+4) * mag; math.Abs(float64(y[i])-s) > tol {
				t.Fatalf("%s: y[%d] = %v, want %v", tA, i, y[i], s)
			}
		}
	}
}

func TestGemvPanics(t *testing.T) {
	a := NewDense[float32](2, 3, nil)
	defer func() {
		if r, ok := recover().(string); !ok || r[:5] != "mat: " {
			t.Errorf("recovered %v, want a mat: panic", r)
		}
	}()
	Gemv(make([]float32, 2), NoTrans, 1, a, make([]float32, 2), 0)
}

func TestGemmBatch(t *testing.T) {
	forEachISA(t, func(t *testing.T) {
		rng := rand.New(rand.NewPCG(15, 16))
		for _, th := range []int{1, 2, 5} {
			old := SetThreads(th)
			for _, count := range []int{0, 1, 3, 8} {
				m, n, k := 17, 33, 65
				as, bs, cs := make([]*Dense[float32], count), make([]*Dense[float32], count), make([]*Dense[float32], count)
				var c0 [][]float32
				for q := range count {
					as[q] = newView(rng, k, m, q%2 == 0, randFloat[float32](rng)).m
					bs[q] = newView(rng, k, n, false, randFloat[float32](rng)).m
					cs[q] = newView(rng, m, n, true, randFloat[float32](rng)).m
					c := make([]float32, m*n)
					for i := range m {
						copy(c[i*n:], cs[q].Row(i))
					}
					c0 = append(c0, c)
				}
				GemmBatch(cs, Trans, NoTrans, 0.5, as, bs, 2)
				for q := range count {
					checkGemm(t, fmt.Sprintf("batch %d/%d threads %d", q, count, th), cs[q].data, c0[q], cs[q], Trans, NoTrans, 0.5, as[q], bs[q], 2)
				}
			}
			SetThreads(old)
		}
	})
}

func TestGemmBatchPanics(t *testing.T) {
	a := []*Dense[float32]{NewDense[float32](2, 2, nil), NewDense[float32](2, 3, nil)}
	c := []*Dense[float32]{NewDense[float32](2, 2, nil), NewDense[float32](2, 2, nil)}
	defer func() {
		if r, ok := recover().(string); !ok || r[:5] != "mat: " {
			t.Errorf("recovered %v, want a mat: panic", r)
		}
	}()
	GemmBatch(c, NoTrans, NoTrans, 1, a, a, 0)
}

// TestGemvAllocs checks that Gemv allocates nothing in steady state,
// serial and split over the worker pool: a decode loop calls it for every
// token and layer.
func TestGemvAllocs(t *testing.T) {
	if raceEnabled {
		t.Skip("under the race detector sync.Pool drops recycled jobs on purpose: allocation counts are meaningless")
	}
	forEachISA(t, func(t *testing.T) {
		testGemvAllocs[float32](t)
		testGemvAllocs[float64](t)
	})
}

func testGemvAllocs[T Float](t *testing.T) {
	for _, th := range []int{1, 2} {
		old := SetThreads(th)
		for _, n := range []int{37, 600} { // below and above gemvParallelMin
			a := NewDense[T](n, n+3, nil)
			for _, tA := range transposes {
				m, k := opDims(n, n+3, tA)
				x, y := make([]T, k), make([]T, m)
				for _, beta := range []T{0, 0.5} {
					Gemv(y, tA, 1, a, x, beta) // warm the pool
					got := testing.AllocsPerRun(50, func() { Gemv(y, tA, 1, a, x, beta) })
					if got != 0 {
						t.Errorf("%T %dx%d %s threads %d beta %v: %v allocations per call, want 0", T(0), n, n+3, tA, th, beta, got)
					}
				}
			}
		}
		SetThreads(old)
	}
}

package mat

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/batuta-go/stack/trueno"
)

func runHalfCase[H Half](t *testing.T, rng *rand.Rand, m, n, k int, tA, tB Transpose, alpha, beta float32, strided bool) {
	t.Helper()
	ar, ac := opDims(m, k, tA)
	br, bc := opDims(k, n, tB)
	a := newView(rng, ar, ac, strided, randFloat[float32](rng))
	// Random encodings of finite values: float16 below 4, bfloat16 normal.
	hb := NewHalfDense[H](br+2, bc+1, nil)
	for i := range hb.data {
		if isBF16[H]() {
			hb.data[i] = H(math.Float32bits(float32(rng.NormFloat64())) >> 16)
		} else {
			hb.data[i] = H(rng.IntN(0x4400)) | H(rng.IntN(2))<<15
		}
	}
	b := hb.Slice(1, 1+br, 0, bc)
	bf := NewDense[float32](br, bc, nil)
	for i := range br {
		for j := range bc {
			bf.Set(i, j, b.At(i, j))
		}
	}
	fill := randFloat[float32](rng)
	if beta == 0 {
		fill = func() float32 { return float32(math.NaN()) }
	}
	c := newView(rng, m, n, !strided, fill)
	c0 := make([]float32, m*n)
	for i := range m {
		copy(c0[i*n:], c.m.Row(i))
	}
	GemmHalf(c.m, tA, tB, alpha, a.m, b, beta)
	name := fmt.Sprintf("%T %dx%dx%d %s%s", H(0), m, n, k, tA, tB)
	c.checkFence(t, name)
	checkGemm(t, name, c.m.data, c0, c.m, tA, tB, alpha, a.m, bf, beta)
}

func TestGemmHalf(t *testing.T) {
	forEachISA(t, func(t *testing.T) {
		rng := rand.New(rand.NewPCG(17, 18))
		for it := 0; it < 120; it++ {
			m, n, k := sampleDims[rng.IntN(len(sampleDims))], sampleDims[rng.IntN(len(sampleDims))], sampleDims[rng.IntN(len(sampleDims))]
			alpha, beta := float32(1), float32(0)
			if it%5 == 1 {
				alpha, beta = -0.5, 1.5
			}
			if it%2 == 0 {
				runHalfCase[trueno.Float16](t, rng, m, n, k, Transpose(it%4 >= 2), Transpose(it%3 == 0), alpha, beta, true)
			} else {
				runHalfCase[trueno.BFloat16](t, rng, m, n, k, Transpose(it%4 >= 2), Transpose(it%3 == 0), alpha, beta, false)
			}
		}
	})
}

// TestGemmHalfOneRow covers the single-token path (a GEMV on the 16-bit
// matrix), serial and split over workers, every format and transpose.
func TestGemmHalfOneRow(t *testing.T) {
	forEachISA(t, func(t *testing.T) {
		rng := rand.New(rand.NewPCG(19, 20))
		for _, th := range []int{1, 3} {
			old := SetThreads(th)
			for _, tB := range transposes {
				for _, s := range [][2]int{{1, 1}, {7, 5}, {33, 17}, {520, 530}, {16, 64}} {
					runHalfCase[trueno.Float16](t, rng, 1, s[0], s[1], Transpose(s[0]%2 == 1), tB, 1, 0, true)
					runHalfCase[trueno.Float16](t, rng, 1, s[1], s[0], NoTrans, tB, -2, 0.5, false)
					runHalfCase[trueno.BFloat16](t, rng, 1, s[0], s[1], Transpose(s[0]%2 == 1), tB, 1, 0, true)
					runHalfCase[trueno.BFloat16](t, rng, 1, s[1], s[0], NoTrans, tB, -2, 0.5, false)
				}
			}
			SetThreads(old)
		}
	})
}

func TestHalfDenseAt(t *testing.T) {
	w := NewHalfDense(2, 2, []trueno.Float16{0x3c00, 0xc000, 0x7c00, 0x0001})
	want := []float32{1, -2, float32(math.Inf(1)), 0x1p-24}
	for i, v := range want {
		if got := w.At(i/2, i%2); got != v {
			t.Errorf("At(%d, %d) = %v, want %v", i/2, i%2, got, v)
		}
	}
	b := NewHalfDense(1, 2, []trueno.BFloat16{0x3fc0, 0x8000})
	if b.At(0, 0) != 1.5 || !math.Signbit(float64(b.At(0, 1))) {
		t.Errorf("bfloat16 At: %v %v", b.At(0, 0), b.At(0, 1))
	}
}

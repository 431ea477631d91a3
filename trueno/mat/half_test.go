package mat

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// TestF16ToF32 checks the widening against the definition of binary16:
// (-1)^s · 2^(e-15) · (1 + m/1024), subnormals 2^-14 · m/1024, Inf, NaN.
func TestF16ToF32(t *testing.T) {
	for h := 0; h < 1<<16; h++ {
		s, e, m := h>>15, (h>>10)&0x1f, h&0x3ff
		var want float64
		switch {
		case e == 0x1f && m == 0:
			want = math.Inf(1)
		case e == 0x1f:
			want = math.NaN()
		case e == 0:
			want = math.Ldexp(float64(m)/1024, -14)
		default:
			want = math.Ldexp(1+float64(m)/1024, e-15)
		}
		if s == 1 {
			want = -want
		}
		got := f16ToF32(uint16(h))
		if math.IsNaN(want) {
			if !math.IsNaN(float64(got)) {
				t.Fatalf("f16 %#04x: got %v, want NaN", h, got)
			}
			continue
		}
		if float64(got) != want || math.Signbit(float64(got)) != (s == 1) {
			t.Fatalf("f16 %#04x: got %v, want %v", h, got, want)
		}
	}
	if got := bf16ToF32(0x3fc0); got != 1.5 {
		t.Errorf("bf16 0x3fc0 = %v, want 1.5", got)
	}
}

func runHalfCase(t *testing.T, rng *rand.Rand, f HalfFormat, m, n, k int, tA, tB Transpose, alpha, beta float32, strided bool) {
	t.Helper()
	ar, ac := opDims(m, k, tA)
	br, bc := opDims(k, n, tB)
	a := newView(rng, ar, ac, strided, randFloat[float32](rng))
	// Random encodings of finite values: float16 below 4, bfloat16 normal.
	hb := NewHalfDense(f, br+2, bc+1, nil)
	for i := range hb.data {
		if f == BFloat16 {
			hb.data[i] = uint16(math.Float32bits(float32(rng.NormFloat64())) >> 16)
		} else {
			hb.data[i] = uint16(rng.IntN(0x4400)) | uint16(rng.IntN(2))<<15
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
	name := fmt.Sprintf("%s %dx%dx%d %s%s", f, m, n, k, tA, tB)
	c.checkFence(t, name)
	checkGemm(t, name, c.m.data, c0, c.m, tA, tB, alpha, a.m, bf, beta)
}

func TestGemmHalf(t *testing.T) {
	forEachISA(t, func(t *testing.T) {
		rng := rand.New(rand.NewPCG(17, 18))
		for it := 0; it < 120; it++ {
			f := []HalfFormat{Float16, BFloat16}[it%2]
			m, n, k := sampleDims[rng.IntN(len(sampleDims))], sampleDims[rng.IntN(len(sampleDims))], sampleDims[rng.IntN(len(sampleDims))]
			alpha, beta := float32(1), float32(0)
			if it%5 == 1 {
				alpha, beta = -0.5, 1.5
			}
			runHalfCase(t, rng, f, m, n, k, Transpose(it%4 >= 2), Transpose(it%3 == 0), alpha, beta, it%2 == 1)
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
			for _, f := range []HalfFormat{Float16, BFloat16} {
				for _, tB := range transposes {
					for _, s := range [][2]int{{1, 1}, {7, 5}, {33, 17}, {520, 530}, {16, 64}} {
						runHalfCase(t, rng, f, 1, s[0], s[1], Transpose(s[0]%2 == 1), tB, 1, 0, true)
						runHalfCase(t, rng, f, 1, s[1], s[0], NoTrans, tB, -2, 0.5, false)
					}
				}
			}
			SetThreads(old)
		}
	})
}

package mat

import (
	"math"
	"testing"

	"github.com/batuta-go/stack/trueno"
)

// FuzzGemm decodes a product from the fuzz bytes — shapes up to 70 in each
// dimension, transposes, row strides (views inside larger matrices),
// alpha and beta from a small set, and small integer elements so that every
// sum is exact — and requires every available path to give exactly the
// float64 reference, NaN in c ignored when beta is 0, nothing outside the
// views written.
func FuzzGemm(f *testing.F) {
	f.Add([]byte{5, 7, 3, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8})
	f.Add([]byte{15, 33, 17, 3, 7, 4, 200, 100, 50, 25})
	f.Add([]byte{1, 70, 64, 1, 0, 9, 0xff, 0xfe})
	f.Add([]byte{70, 1, 29, 2, 2, 1})
	f.Add([]byte{0, 3, 3, 0, 1, 1})
	f.Fuzz(func(t *testing.T, data []byte) {
		next := func() int {
			if len(data) == 0 {
				return 0
			}
			b := data[0]
			data = data[1:]
			return int(b)
		}
		m, n, k := next()%71, next()%71, next()%71
		flags := next()
		tA, tB := Transpose(flags&1 != 0), Transpose(flags&2 != 0)
		pads := next()
		coef := []float32{0, 1, -1, 2, 0.5}
		ab := next()
		alpha, beta := coef[ab%5], coef[(ab/5)%5]
		vals := append([]byte(nil), data...)
		if len(vals) == 0 {
			vals = []byte{1}
		}
		pos := 0
		elem := func() float32 {
			v := vals[pos%len(vals)]
			pos++
			return float32(int(v%17) - 8)
		}
		ar, ac := opDims(m, k, tA)
		br, bc := opDims(k, n, tB)
		mk := func(r, c, pad int, fill func() float32) *Dense[float32] {
			p := NewDense[float32](r+pad, c+pad, nil)
			for i := range p.data {
				p.data[i] = float32(math.NaN())
			}
			v := p.Slice(pad, pad+r, 0, c)
			for i := range r {
				for j := range c {
					v.Set(i, j, fill())
				}
			}
			return v
		}
		a := mk(ar, ac, pads&3, elem)
		b := mk(br, bc, (pads>>2)&3, elem)
		cFill := elem
		if beta == 0 {
			cFill = func() float32 { return float32(math.NaN()) }
		}
		c0 := mk(m, n, (pads>>4)&3, cFill)
		want := make([]float64, m*n)
		for i := range m {
			for j := range n {
				var s float64
				for p := range k {
					s += opAt(a, tA, i, p) * opAt(b, tB, p, j)
				}
				w := float64(alpha) * s
				if beta != 0 {
					w += float64(beta) * float64(c0.At(i, j))
				}
				want[i*n+j] = w
			}
		}
		old := trueno.Active()
		defer func() { _ = trueno.SetISA(old) }()
		for _, isa := range trueno.Available() {
			if err := trueno.SetISA(isa); err != nil {
				t.Fatal(err)
			}
			c := mk(m, n, (pads>>6)&3, func() float32 { return 0 })
			c.Copy(c0)
			Gemm(c, tA, tB, alpha, a, b, beta)
			for i := range m {
				for j := range n {
					if got := c.At(i, j); float64(got) != want[i*n+j] {
						t.Fatalf("%s %dx%dx%d %s%s alpha %v beta %v: c[%d][%d] = %v, want %v", isa, m, n, k, tA, tB, alpha, beta, i, j, got, want[i*n+j])
					}
				}
			}
		}
	})
}

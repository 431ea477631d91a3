package quant

import (
	"testing"

	"github.com/batuta-go/stack/internal/kerneltest"
	"github.com/batuta-go/stack/trueno"
)

// Differential fuzzing of every path against the reference, per type:
// the fuzz bytes are the row itself (any bit pattern, so NaN, infinite and
// subnormal scales), cut to whole blocks.

func fuzzDequantize(f *testing.F, t Type) {
	bb := t.BlockBytes()
	f.Add(make([]byte, bb))
	seed := make([]byte, 3*bb)
	for i := range seed {
		seed[i] = byte(i*131 + 7)
	}
	f.Add(seed)
	f.Fuzz(func(tt *testing.T, data []byte) {
		nb := min(len(data)/bb, 64)
		x := data[:nb*bb]
		n := nb * t.BlockSize()
		want := make([]float32, n)
		dequantizeGeneric(t, want, x)
		for _, i := range trueno.Available() {
			withISA(tt, i)
			got := make([]float32, n)
			Dequantize(t, got, x)
			for k := range got {
				if !kerneltest.Same32(got[k], want[k]) {
					tt.Fatalf("%s on %s: Dequantize[%d] = %g, reference %g", t, i, k, got[k], want[k])
				}
			}
		}
	})
}

func fuzzDot(f *testing.F, t Type) {
	bb := t.BlockBytes()
	ybb := t.DotType().RowBytes(t.BlockSize())
	f.Add(make([]byte, bb+ybb))
	seed := make([]byte, 5*(bb+ybb))
	for i := range seed {
		seed[i] = byte(i*193 + 11)
	}
	f.Add(seed)
	f.Fuzz(func(tt *testing.T, data []byte) {
		nb := min(len(data)/(bb+ybb), 64)
		x, y := data[:nb*bb], data[nb*bb:nb*(bb+ybb)]
		if t.DotType() == Q8_K {
			y = fixBsums(y)
		}
		n := nb * t.BlockSize()
		want := dotGeneric(t, n, x, y)
		for _, i := range trueno.Available() {
			withISA(tt, i)
			checkDot(tt, t, n, x, y, Dot(t, n, x, y), want)
			if pre := make([]byte, preBytes(n)); prepare(t, n, y, pre) {
				checkDot(tt, t, n, x, y, dotPre(t, n, x, y, pre), want)
			}
		}
	})
}

// fixBsums rewrites the 16-value sums of a Q8_K row from its quants, as
// every Q8_K producer writes them: a kernel may take a sum from bsums or
// from the quants.
func fixBsums(y []byte) []byte {
	y = append([]byte(nil), y...)
	for b := 0; b+292 <= len(y); b += 292 {
		for j := range 16 {
			var s int16
			for _, q := range y[b+4+16*j : b+4+16*j+16] {
				s += int16(int8(q))
			}
			y[b+260+2*j] = byte(s)
			y[b+261+2*j] = byte(uint16(s) >> 8)
		}
	}
	return y
}

package trueno

import (
	"encoding/binary"
	"math"
	"testing"

	"github.com/batuta-go/stack/internal/kerneltest"
)

// FuzzRowOps compares every path with the generic references, bit for bit,
// on arbitrary float32 bit patterns: the six apply steps of RMSNorm and
// LayerNorm with arbitrary scales, and both RoPE layouts with an arbitrary
// even head dimension and rotated-pair count.
//
// Layout of the input: byte 0 picks the head dimension, byte 1 the
// fraction of its pairs rotated, then little-endian float32s: two
// scalars, then three equal parts x, w, b.
func FuzzRowOps(f *testing.F) {
	seed := func(hd, frac byte, vals ...float32) []byte {
		b := []byte{hd, frac}
		for _, v := range vals {
			b = binary.LittleEndian.AppendUint32(b, math.Float32bits(v))
		}
		return b
	}
	ramp := func(n int) []float32 {
		v := make([]float32, n)
		for i := range v {
			v[i] = float32(i)*0.37 - 5
		}
		return v
	}
	f.Add(seed(2, 255, append([]float32{0.5, -1.25}, ramp(3*40)...)...))
	f.Add(seed(39, 128, append([]float32{1e-3, 7}, ramp(3*97)...)...))
	inf, nan := float32(math.Inf(1)), float32(math.NaN())
	f.Add(seed(4, 200, 2, -0.0, inf, nan, -inf, 0x1p-149, -0.0, 3e38, 1, -1, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16))
	f.Add([]byte{0})
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) < 2 {
			return
		}
		hd := 2 * (1 + int(data[0])%48)
		frac := int(data[1])
		words := (len(data) - 2) / 4
		val := func(i int) float32 { return math.Float32frombits(binary.LittleEndian.Uint32(data[2+4*i:])) }
		var a, b float32
		if words >= 2 {
			a, b = val(0), val(1)
		}
		n := max(words-2, 0) / 3
		part := func(k int) []float32 {
			v := make([]float32, n)
			for i := range v {
				v[i] = val(2 + k*n + i)
			}
			return v
		}
		xv, wv, bv := part(0), part(1), part(2)

		// The apply steps, against the generic references.
		type apply struct {
			name string
			run  func(dst []float32, gen bool)
		}
		applies := []apply{
			{"rmsNormApply", func(d []float32, g bool) {
				if g {
					rmsNormApplyGeneric(d, xv, wv, a)
				} else {
					rmsNormApply(d, xv, wv, a)
				}
			}},
			{"rmsNormScale", func(d []float32, g bool) {
				if g {
					rmsNormScaleGeneric(d, xv, a)
				} else {
					rmsNormScale(d, xv, a)
				}
			}},
			{"layerNormApplyWB", func(d []float32, g bool) {
				if g {
					layerNormApplyWBGeneric(d, xv, wv, bv, a, b)
				} else {
					layerNormApplyWB(d, xv, wv, bv, a, b)
				}
			}},
			{"layerNormApplyW", func(d []float32, g bool) {
				if g {
					layerNormApplyWGeneric(d, xv, wv, a, b)
				} else {
					layerNormApplyW(d, xv, wv, a, b)
				}
			}},
			{"layerNormApplyB", func(d []float32, g bool) {
				if g {
					layerNormApplyBGeneric(d, xv, bv, a, b)
				} else {
					layerNormApplyB(d, xv, bv, a, b)
				}
			}},
			{"layerNormApply", func(d []float32, g bool) {
				if g {
					layerNormApplyGeneric(d, xv, a, b)
				} else {
					layerNormApply(d, xv, a, b)
				}
			}},
		}
		wants := make([][]float32, len(applies))
		for k, ap := range applies {
			wants[k] = make([]float32, n)
			ap.run(wants[k], true)
		}

		// RoPE: as many whole heads as x holds, the tables from w and b.
		heads := n / hd
		p := min(hd/2*frac/255, n)
		xr := xv[:heads*hd]
		cos, sin := wv[:p], bv[:p]
		wantRoPE := append([]float32(nil), xr...)
		ropeGeneric(wantRoPE, hd, cos, sin)
		wantNeoX := append([]float32(nil), xr...)
		ropeNeoXGeneric(wantNeoX, hd, cos, sin)

		rowopsEachISA(t, func(i ISA) {
			got := make([]float32, n)
			for k, ap := range applies {
				ap.run(got, false)
				rowopsSame(t, i.String()+" "+ap.name, got, wants[k])
			}
			got = append(got[:0], xr...)
			RoPE(got, hd, cos, sin)
			rowopsSame(t, i.String()+" RoPE", got, wantRoPE)
			got = append(got[:0], xr...)
			RoPENeoX(got, hd, cos, sin)
			rowopsSame(t, i.String()+" RoPENeoX", got, wantNeoX)
		})
	})
}

// rowopsEachISA runs f with every dispatcher forced onto each path under
// test in turn, without subtests, restoring the dispatch state after.
func rowopsEachISA(t *testing.T, f func(i ISA)) {
	t.Helper()
	oldISA, oldMin := isa, simdMin
	defer func() { isa, simdMin = oldISA, oldMin }()
	for _, i := range isasUnderTest(t) {
		if err := SetISA(i); err != nil {
			t.Fatal(err)
		}
		f(i)
	}
}

func rowopsSame(t *testing.T, what string, got, want []float32) {
	t.Helper()
	for i := range want {
		if !kerneltest.Same32(got[i], want[i]) {
			t.Fatalf("%s: [%d] = %v (%#x), want %v (%#x)", what, i, got[i], math.Float32bits(got[i]), want[i], math.Float32bits(want[i]))
		}
	}
}

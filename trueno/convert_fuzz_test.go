package trueno

import (
	"encoding/binary"
	"math"
	"testing"
)

// FuzzConvert decodes the input into float32 and 16-bit patterns (any
// bits: NaNs, infinities, subnormals) of odd lengths and checks every
// conversion on every path against the generic reference, bit for bit.
func FuzzConvert(f *testing.F) {
	f.Add([]byte{0, 0, 0x80, 0x3f, 0, 0xf0, 0x7f, 0x47, 1, 0, 0, 0, 0, 0x80, 0, 0})
	f.Add([]byte{1, 0, 0x80, 0x7f, 0xff, 0xff, 0x7f, 0x7f, 0, 0x80, 0x01, 0, 0, 0, 0, 0x33, 0, 0xe0, 0x7f, 0x38})
	seed := make([]byte, 4*67)
	for i := range len(seed) / 4 {
		binary.LittleEndian.PutUint32(seed[4*i:], convertBoundaries[i%len(convertBoundaries)])
	}
	f.Add(seed)
	f.Fuzz(func(t *testing.T, data []byte) {
		n := len(data) / 4
		src := make([]float32, n)
		for i := range src {
			src[i] = math.Float32frombits(binary.LittleEndian.Uint32(data[4*i:]))
		}
		h := make([]uint16, len(data)/2)
		for i := range h {
			h[i] = binary.LittleEndian.Uint16(data[2*i:])
		}
		want16, wantB := make([]uint16, n), make([]uint16, n)
		float32ToFloat16Generic(want16, src)
		float32ToBFloat16Generic(wantB, src)
		wantW16, wantWB := make([]float32, len(h)), make([]float32, len(h))
		float16ToFloat32Generic(wantW16, h)
		bfloat16ToFloat32Generic(wantWB, h)
		forEachISA(t, func(t *testing.T) {
			got := make([]Float16, n)
			Float32ToFloat16(got, src)
			for i := range got {
				if uint16(got[i]) != want16[i] {
					t.Fatalf("Float32ToFloat16(%#08x) = %#04x, want %#04x", math.Float32bits(src[i]), got[i], want16[i])
				}
			}
			forEachBF16Variant(t, func(variant string) {
				got := make([]BFloat16, n)
				Float32ToBFloat16(got, src)
				for i := range got {
					if uint16(got[i]) != wantB[i] {
						t.Fatalf("%s Float32ToBFloat16(%#08x) = %#04x, want %#04x", variant, math.Float32bits(src[i]), got[i], wantB[i])
					}
				}
			})
			w := make([]float32, len(h))
			Float16ToFloat32(w, halves16[Float16](h))
			for i := range w {
				if math.Float32bits(w[i]) != math.Float32bits(wantW16[i]) {
					t.Fatalf("Float16ToFloat32(%#04x) = %#08x, want %#08x", h[i], math.Float32bits(w[i]), math.Float32bits(wantW16[i]))
				}
			}
			BFloat16ToFloat32(w, halves16[BFloat16](h))
			for i := range w {
				if math.Float32bits(w[i]) != math.Float32bits(wantWB[i]) {
					t.Fatalf("BFloat16ToFloat32(%#04x) = %#08x, want %#08x", h[i], math.Float32bits(w[i]), math.Float32bits(wantWB[i]))
				}
			}
		})
	})
}

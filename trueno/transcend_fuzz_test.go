package trueno

import (
	"encoding/binary"
	"math"
	"testing"

	"github.com/batuta-go/stack/internal/kerneltest"
)

// FuzzTranscend decodes the fuzz input into float32s (any bit pattern:
// NaN, ±Inf, subnormals; any length) and compares every kernel of the
// family on every path with its generic reference, bit for bit.
func FuzzTranscend(f *testing.F) {
	seed := func(vs ...float32) []byte {
		b := make([]byte, 4*len(vs))
		for i, v := range vs {
			binary.LittleEndian.PutUint32(b[4*i:], math.Float32bits(v))
		}
		return b
	}
	f.Add([]byte{})
	f.Add(seed(1, 2, 3))
	f.Add(seed(kerneltest.Specials32...))
	f.Add(seed(-1000, 1000, 88.7, -103.9, 0x1p-149, 0.625, -0.75, 16, -16, 9.01, 44.4))
	f.Add(append(seed(tInf, -tInf, 3, tInf), 7, 7))
	f.Add(seed(tNaN, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18))
	f.Fuzz(func(t *testing.T, data []byte) {
		x := make([]float32, len(data)/4)
		for i := range x {
			x[i] = math.Float32frombits(binary.LittleEndian.Uint32(data[4*i:]))
		}
		for _, k := range transcendKernels {
			want := make([]float32, len(x))
			k.generic(want, x)
			for _, i := range isasUnderTest(t) {
				got := make([]float32, len(x))
				oldISA, oldMin := isa, simdMin
				if err := SetISA(i); err != nil {
					t.Fatal(err)
				}
				k.f(got, x)
				isa, simdMin = oldISA, oldMin
				compareSame(t, k.name+" "+i.String(), x, got, want)
			}
		}
	})
}

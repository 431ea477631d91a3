package trueno

import (
	"encoding/binary"
	"math"
	"testing"

	"github.com/batuta-go/stack/internal/kerneltest"
)

// FuzzElementwise runs one element-wise kernel, chosen by op, on inputs of
// any bit pattern and length decoded from data, on every path under test,
// and compares each with the reference bit for bit.
func FuzzElementwise(f *testing.F) {
	seed := func(vals ...float32) []byte {
		b := make([]byte, 4*len(vals))
		for i, v := range vals {
			binary.LittleEndian.PutUint32(b[4*i:], math.Float32bits(v))
		}
		return b
	}
	specials := seed(kerneltest.Specials32...)
	for op := range ewCases {
		f.Add(uint8(op), math.Float32bits(0.5), math.Float32bits(2), specials)
	}
	f.Add(uint8(7), uint32(0x7fc00000), uint32(0), seed(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17))
	f.Add(uint8(11), uint32(0x80000000), uint32(0), seed(-0.0, 0, -1, 1, 0x1p-149, -0x1p-149, 3, -3, 5))
	f.Add(uint8(15), uint32(0xff800000), uint32(0x00000001), []byte{1, 2, 3, 4, 5, 6, 7})

	f.Fuzz(func(t *testing.T, op uint8, p0, p1 uint32, data []byte) {
		c := ewCases[int(op)%len(ewCases)]
		p := []float32{math.Float32frombits(p0), math.Float32frombits(p1)}
		if c.name == "ClampTo" {
			// Invalid bounds panic (TestElementwisePanics); make them valid.
			for i, v := range p {
				if v != v {
					p[i] = 0
				}
			}
			if p[0] > p[1] {
				p[0], p[1] = p[1], p[0]
			}
		}
		n := len(data) / (4 * c.ins)
		x, y := make([]float32, n), make([]float32, n)
		for i := range n {
			x[i] = math.Float32frombits(binary.LittleEndian.Uint32(data[4*i:]))
			if c.ins == 2 {
				y[i] = math.Float32frombits(binary.LittleEndian.Uint32(data[4*(n+i):]))
			}
		}
		want := make([]float32, n)
		c.generic(want, x, y, p)

		for _, i := range isasUnderTest(t) {
			withISA(t, i)
			xs, ys := append([]float32(nil), x...), append([]float32(nil), y...)
			dst := make([]float32, n)
			switch c.inPlace {
			case 1:
				dst = xs
			case 2:
				dst = ys
			}
			c.call(dst, xs, ys, p)
			for j := range dst {
				if !kerneltest.Same32(dst[j], want[j]) {
					t.Fatalf("%s on %s, p=%v, n=%d: [%d] f(%v, %v) = %v (%#08x), reference %v (%#08x)",
						c.name, i, p, n, j, x[j], y[j], dst[j], math.Float32bits(dst[j]), want[j], math.Float32bits(want[j]))
				}
			}
		}
	})
}

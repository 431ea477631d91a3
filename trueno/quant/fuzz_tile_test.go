package quant

import (
	"encoding/binary"
	"math"
	"testing"

	"github.com/batuta-go/stack/trueno"
)

// Differential fuzzing of the tile path (packers and kernels) and of the
// activation quantizers, every path against the reference.

// fuzzTile reads 17 weight rows of t (a full panel and one more) and up to
// 9 activation rows of t.DotType() from the fuzz bytes, any bit pattern,
// and checks matMatTiled against dotGeneric.
func fuzzTile(f *testing.F, t Type) {
	lay, _ := tileLayoutOf(t)
	const rows = tileRows + 1
	bb, qbb := t.BlockBytes(), t.DotType().RowBytes(t.BlockSize())
	for _, nb := range []int{1, 2} {
		seed := make([]byte, nb*(rows*bb+5*qbb))
		for i := range seed {
			seed[i] = byte(i*167 + 3)
		}
		f.Add(uint8(nb), seed)
	}
	f.Fuzz(func(tt *testing.T, nb8 uint8, data []byte) {
		nb := int(nb8%2) + 1
		cols := nb * t.BlockSize()
		rb, qb := t.RowBytes(cols), t.DotType().RowBytes(cols)
		batch := min((len(data)-rows*rb)/max(qb, 1), 9)
		if len(data) < rows*rb || batch < 1 {
			return
		}
		w, xq := data[:rows*rb], data[rows*rb:rows*rb+batch*qb]
		if t.DotType() == Q8_K {
			xq = fixBsums(xq)
		}
		for _, i := range trueno.Available() {
			withISA(tt, i)
			got := make([]float32, rows*batch)
			matMatTiled(t, lay, got, w, xq, batch, cols, nil)
			for b := range batch {
				y := xq[b*qb : (b+1)*qb]
				for r := range rows {
					x := w[r*rb : (r+1)*rb]
					checkDot(tt, t, cols, x, y, got[b*rows+r], dotGeneric(t, cols, x, y))
				}
			}
		}
	})
}

func FuzzTileQ4_0(f *testing.F) { fuzzTile(f, Q4_0) }
func FuzzTileQ8_0(f *testing.F) { fuzzTile(f, Q8_0) }
func FuzzTileQ4_K(f *testing.F) { fuzzTile(f, Q4_K) }
func FuzzTileQ6_K(f *testing.F) { fuzzTile(f, Q6_K) }

// fuzzQuantizeAct reads float32 values (any bit pattern) and checks the
// activation quantizer of every path against the reference, bit for bit.
func fuzzQuantizeAct(f *testing.F, t Type) {
	bs := t.BlockSize()
	seed := make([]byte, 4*bs)
	for i := range bs {
		binary.LittleEndian.PutUint32(seed[4*i:], math.Float32bits(float32(i%7)-3.5))
	}
	f.Add(seed)
	f.Add(make([]byte, 4*bs))
	f.Fuzz(func(tt *testing.T, data []byte) {
		n := min(len(data)/4/bs, 4) * bs
		x := make([]float32, n)
		for i := range x {
			x[i] = math.Float32frombits(binary.LittleEndian.Uint32(data[4*i:]))
		}
		want := make([]byte, t.RowBytes(n))
		quantizeGeneric(t, want, x)
		for _, i := range trueno.Available() {
			withISA(tt, i)
			got := make([]byte, t.RowBytes(n))
			quantizeAct(t, got, x)
			for k := range got {
				if got[k] != want[k] {
					tt.Fatalf("%s on %s: byte %d = %#x, reference %#x", t, i, k, got[k], want[k])
				}
			}
		}
	})
}

func FuzzQuantizeActQ8_0(f *testing.F) { fuzzQuantizeAct(f, Q8_0) }
func FuzzQuantizeActQ8_K(f *testing.F) { fuzzQuantizeAct(f, Q8_K) }

package quant

import (
	"math/rand/v2"
	"testing"
)

// offsetLevels sets every value of a block of its type to the level that
// dequantizes to zero (the level offset), or to ±1 for the IQ4 table,
// which has no zero; the scales are left as they are.
var offsetLevels = map[Type]func(blk []byte){
	Q4_0:   func(b []byte) { fill(b[2:18], 0x88) },
	Q5_0:   func(b []byte) { fill(b[2:6], 0xff); fill(b[6:22], 0) },
	Q8_0:   func(b []byte) { fill(b[2:34], 0) },
	Q3_K:   func(b []byte) { fill(b[0:32], 0xff); fill(b[32:96], 0) },
	Q6_K:   func(b []byte) { fill(b[0:128], 0); fill(b[128:192], 0xaa) },
	IQ4_NL: func(b []byte) { fill(b[2:18], 0x88) },
	IQ4_XS: func(b []byte) { fill(b[8:136], 0x88) },
}

func fill(b []byte, v byte) {
	for i := range b {
		b[i] = v
	}
}

// TestDotOffsetLevels runs Dot on rows whose values all sit at the level
// offset. Kernels that subtract the offset through the activation's
// block sums then hold int32 lanes of offset terms
// that cancel only in their total; rounded lane by lane they would miss
// the true result, zero or nearly, by far more than its own rounding.
// Every path must stay within dotTolerance of the reference.
func TestDotOffsetLevels(t *testing.T) {
	forEachISA(t, func(t *testing.T) {
		rng := rand.New(rand.NewPCG(11, 12))
		for _, typ := range offsetTypes() {
			set := offsetLevels[typ]
			bb := typ.BlockBytes()
			for _, nb := range []int{1, 3, 8} {
				for range 8 {
					x := randomRow(rng, typ, nb, 0)
					for b := range nb {
						set(x[b*bb : (b+1)*bb])
					}
					y := companionRow(rng, typ, nb, 0)
					n := nb * typ.BlockSize()
					checkDot(t, typ, n, x, y, Dot(typ, n, x, y), dotGeneric(typ, n, x, y))
				}
			}
		}
	})
}

// offsetTypes lists the types of offsetLevels in a fixed order.
func offsetTypes() []Type {
	var ts []Type
	for _, t := range allTypes() {
		if offsetLevels[t] != nil {
			ts = append(ts, t)
		}
	}
	return ts
}

// offsetMatrix returns rows×cols weights of type t whose values all sit at
// the level offset, with random scales.
func offsetMatrix(rng *rand.Rand, t Type, rows, cols int) []byte {
	nb, bb := cols/t.BlockSize(), t.BlockBytes()
	w := make([]byte, 0, rows*t.RowBytes(cols))
	for range rows {
		w = append(w, randomRow(rng, t, nb, 0)...)
	}
	for b := range rows * nb {
		offsetLevels[t](w[b*bb : (b+1)*bb])
	}
	return w
}

// TestMatOffsetLevels is TestDotOffsetLevels for the kernels that MatVec
// (row by row) and MatMat (the tile kernels from 4 activation rows on)
// reach, on matrices all at the offset: 17 rows leave a partial panel;
// rows of 4 and 8 blocks reach the four-block kernels of the legacy types.
// Q4_0 and Q8_0 are left out: their MatVec kernels with the activation's
// precomputed form start each block's lanes at its offset term in one lane
// (the last-bits difference from Dot that MatVec documents).
func TestMatOffsetLevels(t *testing.T) {
	pool := NewPool(2)
	defer pool.Close()
	forEachISA(t, func(t *testing.T) {
		rng := rand.New(rand.NewPCG(13, 14))
		for _, typ := range offsetTypes() {
			if typ == Q4_0 || typ == Q8_0 {
				continue
			}
			dt := typ.DotType()
			for _, nb := range []int{1, 3, 4, 8} {
				rows, cols := 17, nb*typ.BlockSize()
				rb, qb := typ.RowBytes(cols), dt.RowBytes(cols)
				w := offsetMatrix(rng, typ, rows, cols)
				for _, batch := range []int{1, 4, 9} {
					x := make([]float32, batch*cols)
					for i := range x {
						x[i] = float32(rng.NormFloat64())
					}
					xq := make([]byte, batch*qb)
					for b := range batch {
						Quantize(dt, xq[b*qb:(b+1)*qb], x[b*cols:(b+1)*cols])
					}
					mm := make([]float32, rows*batch)
					MatMat(typ, mm, w, x, batch, pool)
					var tiled []float32
					if lay, ok := tileLayoutOf(typ); ok {
						tiled = make([]float32, rows*batch)
						matMatTiled(typ, lay, tiled, w, xq, batch, cols, pool)
					}
					for b := range batch {
						yq := xq[b*qb : (b+1)*qb]
						mv := make([]float32, rows)
						MatVec(typ, mv, w, x[b*cols:(b+1)*cols], pool)
						for r := range rows {
							wr := w[r*rb : (r+1)*rb]
							want := dotGeneric(typ, cols, wr, yq)
							checkDot(t, typ, cols, wr, yq, mv[r], want)
							checkDot(t, typ, cols, wr, yq, mm[b*rows+r], want)
							if tiled != nil {
								checkDot(t, typ, cols, wr, yq, tiled[b*rows+r], want)
							}
						}
					}
				}
			}
		}
	})
}

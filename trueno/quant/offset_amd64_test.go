//go:build gc && !purego

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
// block sums (Q3_K, IQ4_XS) then hold int32 lanes of offset terms
// that cancel only in their total; rounded lane by lane they would miss
// the true result, zero or nearly, by far more than its own rounding.
// Every path must stay within dotTolerance of the reference.
func TestDotOffsetLevels(t *testing.T) {
	forEachISA(t, func(t *testing.T) {
		rng := rand.New(rand.NewPCG(11, 12))
		for _, typ := range allTypes() {
			set := offsetLevels[typ]
			if set == nil {
				continue
			}
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

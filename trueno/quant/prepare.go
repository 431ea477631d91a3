package quant

import (
	"encoding/binary"
	"math"
)

// preBytes is the size of the precomputed form of an n-value activation
// row: 192 bytes per pair of Q8_0 blocks, the largest of the forms
// (prepareQ4_0x4 takes 128 per pair, prepareQ4_K 288 per 256 values).
func preBytes(n int) int { return n / 64 * 192 }

// prepareQ8_0 fills pre with the precomputed form of the Q8_0 row y that
// the Pre kernels take (see asm/quant/pre.go): per pair of blocks, 16 int32
// lanes starting the block sums, −off·Σy of each block in the first of its
// eight lanes, 16 float32 lanes, each block's scale eight times, then the
// two blocks' 64 quants. off
// is the level offset of the weight type (8 for Q4_0; 128 for Q8_0, whose
// kernel adds 128 to the weight levels).
func prepareQ8_0(pre, y []byte, n int, off int32) {
	clear(pre[:preBytes(n)])
	for p := range n / 64 {
		out := pre[192*p : 192*p+192]
		for h := range 2 {
			blk := y[34*(2*p+h):]
			var s int32
			for _, q := range blk[2:34] {
				s += int32(int8(q))
			}
			binary.LittleEndian.PutUint32(out[32*h:], uint32(-off*s))
			copy(out[128+32*h:128+32*h+32], blk[2:34])
			d := math.Float32bits(getF16(blk))
			for i := range 8 {
				binary.LittleEndian.PutUint32(out[64+32*h+4*i:], d)
			}
		}
	}
}

// prepareQ4_0x4 fills pre (preBytes(n) bytes suffice) with the form of the
// Q8_0 row y that dotQ4_0Pre4AVX512VNNI takes, n a multiple of 128: per
// four blocks b, 64 bytes of quants matching the low nibbles (y_b[0:16]
// at 16b), 64 matching the high ones (y_b[16:32]), 16 int32 lanes with
// −8·Σy_b in lane 4b and zeros elsewhere, then 16 float32 lanes with
// block b's scale in lanes 4b…4b+3.
func prepareQ4_0x4(pre, y []byte, n int) {
	for g := range n / 128 {
		out := pre[256*g : 256*g+256]
		clear(out[128:192])
		for b := range 4 {
			blk := y[34*(4*g+b):]
			copy(out[16*b:16*b+16], blk[2:18])
			copy(out[64+16*b:64+16*b+16], blk[18:34])
			binary.LittleEndian.PutUint32(out[128+16*b:], uint32(-8*sumInt8(blk[2:34])))
			d := math.Float32bits(getF16(blk))
			for i := range 4 {
				binary.LittleEndian.PutUint32(out[192+16*b+4*i:], d)
			}
		}
	}
}

// q4KPreStride is the size of prepareQ4_K's form of one super-block.
const q4KPreStride = 288

// prepareQ4_K fills pre (preBytes(n) bytes suffice) with the form of the
// Q8_K row y that dotQ4_KPreAVX512VNNI takes: per super-block, the quants
// of the sub-blocks 0 and 2, 1 and 3, 4 and 6, 5 and 7 (32 bytes each),
// the eight 32-value sums as int16, the scale d, then padding.
func prepareQ4_K(pre, y []byte, n int) {
	for b := range n / QK {
		out, yb := pre[q4KPreStride*b:q4KPreStride*(b+1)], q8KBlock(y, b)
		for k, p := range [4][2]int{{0, 2}, {1, 3}, {4, 6}, {5, 7}} {
			copy(out[64*k:64*k+32], yb[4+32*p[0]:4+32*p[0]+32])
			copy(out[64*k+32:64*k+64], yb[4+32*p[1]:4+32*p[1]+32])
		}
		for j := range 8 {
			binary.LittleEndian.PutUint16(out[256+2*j:], uint16(q8KBsum(yb, 2*j)+q8KBsum(yb, 2*j+1)))
		}
		copy(out[272:276], yb[:4])
		clear(out[276:])
	}
}

// prepareLegacy4 fills pre (preBytes(n) bytes suffice) with the form of
// the Q8_0 (q81 false) or Q8_1 row y that the four-block kernels of Q4_1,
// Q5_0, Q5_1 and IQ4_NL take (see asm/quant/legacypre.go), n a multiple
// of 128: per four blocks b, 64 bytes of quants matching the low nibbles
// (y_b's first 16 at 16b), 64 matching the high ones, 16 int32 lanes with
// −off times the sum of the eight quants that lane 4b+k meets (y_b[4k:4k+4]
// and y_b[16+4k:20+4k]), 16 float32 lanes with block
// b's scale in lanes 4b…4b+3 and, for Q8_1, 16 float32 lanes with block
// b's s in lane b and zeros elsewhere. off is the level offset the kernel
// leaves in the weight levels (16 for Q5_0, 128 for IQ4_NL's table).
func prepareLegacy4(pre, y []byte, n int, off int32, q81 bool) {
	yb, qs, stride := 34, 2, 256
	if q81 {
		yb, qs, stride = 36, 4, 320
	}
	for g := range n / 128 {
		out := pre[stride*g : stride*(g+1)]
		if q81 {
			clear(out[256:320])
		}
		for b := range 4 {
			blk := y[yb*(4*g+b):]
			copy(out[16*b:16*b+16], blk[qs:qs+16])
			copy(out[64+16*b:64+16*b+16], blk[qs+16:qs+32])
			for k := range 4 {
				// Lane 4b+k meets y_b[4k:4k+4] and y_b[16+4k:20+4k].
				var s int32
				for _, q := range blk[qs+4*k : qs+4*k+4] {
					s += int32(int8(q))
				}
				for _, q := range blk[qs+16+4*k : qs+20+4*k] {
					s += int32(int8(q))
				}
				binary.LittleEndian.PutUint32(out[128+16*b+4*k:], uint32(-off*s))
			}
			d := math.Float32bits(getF16(blk))
			for i := range 4 {
				binary.LittleEndian.PutUint32(out[192+16*b+4*i:], d)
			}
			if q81 {
				binary.LittleEndian.PutUint32(out[256+4*b:], math.Float32bits(getF16(blk[2:])))
			}
		}
	}
}

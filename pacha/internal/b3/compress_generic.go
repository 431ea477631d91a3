package b3

import (
	"encoding/binary"
	"unsafe"

	"lukechampine.com/blake3/guts"
)

// compress16Generic is the reference for the 16-lane kernel: the same
// contract as compress16AVX512, one lane and one block at a time.
func compress16Generic(p *params) {
	span := int(p.stride)*15 + int(p.nblocks)*guts.BlockSize
	in := unsafe.Slice(p.in, span)
	for j := 0; j < 16; j++ {
		var n guts.Node
		for i := range 8 {
			n.CV[i] = p.out[i][j]
		}
		n.Counter = uint64(p.ctrLo[j]) | uint64(p.ctrHi[j])<<32
		n.BlockLen = guts.BlockSize
		for b := 0; b < int(p.nblocks); b++ {
			blk := in[j*int(p.stride)+b*guts.BlockSize:]
			for w := range n.Block {
				n.Block[w] = binary.LittleEndian.Uint32(blk[4*w:])
			}
			n.Flags = p.flags[b]
			n.CV = guts.ChainingValue(n)
		}
		for i := range 8 {
			p.out[i][j] = n.CV[i]
		}
	}
}

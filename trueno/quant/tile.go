package quant

import (
	"encoding/binary"
	"math"
)

// The weight-reusing form of MatMat (the tile kernels). A panel holds
// tileRows weight rows repacked so that one int32 lane of a 16-lane vector
// belongs to each row: for every 32 values, eight 64-byte vectors whose
// dword j, lane r, holds row r's levels 4j…4j+3 as unsigned bytes (Q4_0
// nibbles, Q8_0 bytes + 128, Q4_K nibbles, Q6_K 6-bit levels), followed by
// the rows' scales as 16-lane vectors. An activation group holds tileActs
// quantized activation rows block by block, with their scales and the
// level-offset corrections precomputed. The kernel broadcasts four
// activation bytes at a time against the eight vectors (VPDPBUSD), so that
// one unpacking of a weight block serves every activation row, and 16
// weight rows share each activation load. The integer sums are those of
// Dot (exact); the float scaling differs only in rounding order.

// tileRows is the number of weight rows in a panel: one per int32 lane of
// a 512-bit vector.
const tileRows = 16

// tileLayout is the packed form of one weight type.
type tileLayout struct {
	acts       int // activation rows per group (the kernel's register tile)
	block      int // values per packed block: 32, or 256 for the K-quants
	panelBlock int // bytes of a panel per block
	actBlock   int // bytes of an activation group per block
}

func tileLayoutOf(t Type) (tileLayout, bool) {
	switch t {
	case Q4_0, Q8_0:
		// 8 level vectors, 16 scales | per activation: 32 quants, the
		// offset correction, the scale.
		return tileLayout{acts: tileActs32, block: 32, panelBlock: 512 + 64, actBlock: tileActs32 * 40}, true
	case Q4_K:
		// 8 × 8 level vectors, 8 scale vectors, 4 min-pair vectors, d,
		// dmin | per activation: 256 quants, 4 pairs of 32-value sums,
		// the scale.
		return tileLayout{acts: tileActsK, block: QK, panelBlock: 4096 + 512 + 256 + 128, actBlock: tileActsK * 276}, true
	case Q6_K:
		// 8 × 8 level vectors, 16 scale vectors, d | per activation: 256
		// quants, 16 offset corrections, the scale.
		return tileLayout{acts: tileActsK, block: QK, panelBlock: 4096 + 1024 + 64, actBlock: tileActsK * 324}, true
	}
	return tileLayout{}, false
}

// Activation rows per group: the register tile of the kernels (8
// accumulator pairs beside the 8 level vectors for the 32-value types; 4
// triples for the K-quants, which also hold per-sub-block sums).
const (
	tileActs32 = 8
	tileActsK  = 4
)

// packPanel writes rows r0 … r0+n−1 (n ≤ tileRows) of the row-major
// matrix w (rows of rb bytes, cols values, type t) into panel in t's tile
// layout; the lanes of missing rows are zero.
func packPanel(t Type, lay tileLayout, panel, w []byte, rb, cols, r0, n int) {
	nb := cols / lay.block
	if n == tileRows && packPanelFast(t, nb, panel, w[r0*rb:], rb) {
		return
	}
	packPanelGeneric(t, lay, panel, w, rb, cols, r0, n)
}

// packPanelGeneric is the reference of packPanel.
func packPanelGeneric(t Type, lay tileLayout, panel, w []byte, rb, cols, r0, n int) {
	nb := cols / lay.block
	clear(panel[:nb*lay.panelBlock])
	for i := range n {
		row := w[(r0+i)*rb : (r0+i+1)*rb]
		switch t {
		case Q4_0:
			packRowQ4_0(panel, row, nb, i)
		case Q8_0:
			packRowQ8_0(panel, row, nb, i)
		case Q4_K:
			packRowQ4_K(panel, row, nb, i)
		case Q6_K:
			packRowQ6_K(panel, row, nb, i)
		}
	}
}

const (
	lo4 = 0x0f0f0f0f0f0f0f0f
	hi1 = 0x8080808080808080
)

// putLevels stores the 8 levels of v (little-endian bytes) as dwords j
// and j+1 of lane i in the level vectors at p.
func putLevels(p []byte, j, i int, v uint64) {
	binary.LittleEndian.PutUint32(p[64*j+4*i:], uint32(v))
	binary.LittleEndian.PutUint32(p[64*j+64+4*i:], uint32(v>>32))
}

func packRowQ4_0(panel, row []byte, nb, i int) {
	for k := range nb {
		xb, p := row[18*k:18*k+18], panel[576*k:576*k+576]
		a, b := binary.LittleEndian.Uint64(xb[2:]), binary.LittleEndian.Uint64(xb[10:])
		putLevels(p, 0, i, a&lo4)
		putLevels(p, 2, i, b&lo4)
		putLevels(p, 4, i, a>>4&lo4)
		putLevels(p, 6, i, b>>4&lo4)
		binary.LittleEndian.PutUint32(p[512+4*i:], math.Float32bits(getF16(xb)))
	}
}

func packRowQ8_0(panel, row []byte, nb, i int) {
	for k := range nb {
		xb, p := row[34*k:34*k+34], panel[576*k:576*k+576]
		for h := range 4 {
			putLevels(p, 2*h, i, binary.LittleEndian.Uint64(xb[2+8*h:])^hi1)
		}
		binary.LittleEndian.PutUint32(p[512+4*i:], math.Float32bits(getF16(xb)))
	}
}

func packRowQ4_K(panel, row []byte, nb, i int) {
	for k := range nb {
		xb, p := row[144*k:144*k+144], panel[4992*k:4992*k+4992]
		for pair := range 4 {
			for h := range 4 {
				v := binary.LittleEndian.Uint64(xb[16+32*pair+8*h:])
				putLevels(p[512*(2*pair):], 2*h, i, v&lo4)
				putLevels(p[512*(2*pair+1):], 2*h, i, v>>4&lo4)
			}
		}
		var m [8]uint8
		for j := range 8 {
			var s uint8
			s, m[j] = scaleMinK4(j, xb[4:16])
			binary.LittleEndian.PutUint32(p[4096+64*j+4*i:], uint32(s))
		}
		for j := range 4 {
			binary.LittleEndian.PutUint32(p[4608+64*j+4*i:], uint32(m[2*j])|uint32(m[2*j+1])<<16)
		}
		binary.LittleEndian.PutUint32(p[4864+4*i:], math.Float32bits(getF16(xb)))
		binary.LittleEndian.PutUint32(p[4928+4*i:], math.Float32bits(getF16(xb[2:])))
	}
}

func packRowQ6_K(panel, row []byte, nb, i int) {
	const lo2 = 0x0303030303030303
	for k := range nb {
		xb, p := row[210*k:210*k+210], panel[5184*k:5184*k+5184]
		// Slice s = 4h + q holds values 128h + 32q + l, l < 32: low
		// nibble from ql[64h + 32(q%2) + l] (the high one when q ≥ 2),
		// high bits from qh[32h + l] at bit 2q.
		for s := range 8 {
			h, q := s/4, s%4
			for w := range 4 {
				ql := binary.LittleEndian.Uint64(xb[64*h+32*(q%2)+8*w:])
				qh := binary.LittleEndian.Uint64(xb[128+32*h+8*w:])
				putLevels(p[512*s:], 2*w, i, ql>>(4*(q/2))&lo4|(qh>>(2*q)&lo2)<<4)
			}
		}
		for j := range 16 {
			binary.LittleEndian.PutUint32(p[4096+64*j+4*i:], uint32(int32(int8(xb[192+j]))))
		}
		binary.LittleEndian.PutUint32(p[5120+4*i:], math.Float32bits(getF16(xb[208:])))
	}
}

// packActs writes activation rows b0 … b0+n−1 (n ≤ lay.acts) of xq (rows
// of t.DotType(), qb bytes, cols values) into the group g in t's tile
// layout; missing rows are zero (no contribution).
func packActs(t Type, lay tileLayout, g, xq []byte, qb, cols, b0, n int) {
	nb := cols / lay.block
	clear(g[:nb*lay.actBlock])
	C := lay.acts
	for c := range n {
		y := xq[(b0+c)*qb : (b0+c+1)*qb]
		for k := range nb {
			a := g[k*lay.actBlock : (k+1)*lay.actBlock]
			switch t {
			case Q4_0, Q8_0:
				yb := y[34*k : 34*k+34]
				copy(a[32*c:32*c+32], yb[2:])
				off := int32(8)
				if t == Q8_0 {
					off = 128
				}
				binary.LittleEndian.PutUint32(a[32*C+4*c:], uint32(-off*sumInt8(yb[2:34])))
				binary.LittleEndian.PutUint32(a[36*C+4*c:], math.Float32bits(getF16(yb)))
			case Q4_K:
				yb := q8KBlock(y, k)
				copy(a[256*c:256*c+256], yb[4:260])
				for j := range 4 {
					s0 := q8KBsum(yb, 4*j) + q8KBsum(yb, 4*j+1)
					s1 := q8KBsum(yb, 4*j+2) + q8KBsum(yb, 4*j+3)
					binary.LittleEndian.PutUint32(a[256*C+16*c+4*j:], uint32(uint16(s0))|uint32(uint16(s1))<<16)
				}
				copy(a[272*C+4*c:272*C+4*c+4], yb[:4])
			case Q6_K:
				yb := q8KBlock(y, k)
				copy(a[256*c:256*c+256], yb[4:260])
				for j := range 16 {
					binary.LittleEndian.PutUint32(a[256*C+64*c+4*j:], uint32(-32*q8KBsum(yb, j)))
				}
				copy(a[320*C+4*c:320*C+4*c+4], yb[:4])
			}
		}
	}
}

// sumInt8 returns the sum of the 32 bytes of b read as int8.
func sumInt8(b []byte) int32 {
	// Bytes + 128 are unsigned: add them in 16-bit lanes of a word.
	var s uint64
	for h := range 4 {
		v := binary.LittleEndian.Uint64(b[8*h:]) ^ hi1
		s += v&0x00ff00ff00ff00ff + v>>8&0x00ff00ff00ff00ff
	}
	s = s&0xffff0000ffff + s>>16&0xffff0000ffff
	return int32(s&0xffffffff+s>>32) - 128*32
}

// tileGeneric is the reference of the tile kernels: out[16c + r] = the
// product of panel row r with activation c of the group a, over nb blocks
// of lay.block values.
func tileGeneric(t Type, lay tileLayout, nb int, panel, a []byte, out []float32) {
	C := lay.acts
	u32 := func(b []byte, o int) uint32 { return binary.LittleEndian.Uint32(b[o:]) }
	f32 := func(b []byte, o int) float32 { return math.Float32frombits(u32(b, o)) }
	// dot4 is Σ of 4 unsigned levels (dword j, lane r of the level
	// vectors at p) times 4 signed activation bytes at q.
	dot4 := func(p []byte, j, r int, q []byte) int32 {
		var s int32
		for e := range 4 {
			s += int32(p[64*j+4*r+e]) * int32(int8(q[e]))
		}
		return s
	}
	for c := range C {
		for r := range tileRows {
			var sum float32
			for k := range nb {
				p, q := panel[k*lay.panelBlock:(k+1)*lay.panelBlock], a[k*lay.actBlock:(k+1)*lay.actBlock]
				switch t {
				case Q4_0, Q8_0:
					isum := int32(u32(q, 32*C+4*c))
					for j := range 8 {
						isum += dot4(p, j, r, q[32*c+4*j:])
					}
					sum += float32(isum) * (f32(p, 512+4*r) * f32(q, 36*C+4*c))
				case Q4_K:
					var isum, msum int32
					for j := range 8 {
						var si int32
						for jj := range 8 {
							si += dot4(p[512*j:], jj, r, q[256*c+32*j+4*jj:])
						}
						isum += si * int32(u32(p, 4096+64*j+4*r))
						m, s := u32(p, 4608+64*(j/2)+4*r), u32(q, 256*C+16*c+4*(j/2))
						sh := 16 * uint(j%2)
						msum += int32(uint16(m>>sh)) * int32(int16(s>>sh))
					}
					dy := f32(q, 272*C+4*c)
					sum += float32(isum)*(f32(p, 4864+4*r)*dy) - float32(msum)*(f32(p, 4928+4*r)*dy)
				case Q6_K:
					var isum int32
					for j := range 16 {
						si := int32(u32(q, 256*C+64*c+4*j))
						for jj := range 4 {
							si += dot4(p[512*(j/2):], 4*(j%2)+jj, r, q[256*c+16*j+4*jj:])
						}
						isum += si * int32(u32(p, 4096+64*j+4*r))
					}
					sum += float32(isum) * (f32(p, 5120+4*r) * f32(q, 320*C+4*c))
				}
			}
			out[16*c+r] = sum
		}
	}
}

// noTile makes MatMat take the pairwise kernels, so that benchmarks can
// put the two side by side.
var noTile bool

// tileMinBatch is the smallest batch that MatMat gives to the tile
// kernels: below it, repacking the weights costs more than it saves.
const tileMinBatch = 4

// matMatTiled is MatMat through the tile kernels, with the activation rows
// already quantized in xq (batch rows of qb bytes).
func matMatTiled(t Type, lay tileLayout, dst []float32, w, xq []byte, batch, cols int, p *Pool) {
	rows := len(dst) / batch
	rb, qb := t.RowBytes(cols), t.DotType().RowBytes(cols)
	nb := cols / lay.block
	C := lay.acts
	groups := (batch + C - 1) / C
	gb := nb * lay.actBlock
	acts := getScratch(groups * gb)
	defer putScratch(acts)
	p.Parallel(groups, 1, func(lo, hi int) {
		for g := lo; g < hi; g++ {
			packActs(t, lay, (*acts)[g*gb:(g+1)*gb], xq, qb, cols, g*C, min(C, batch-g*C))
		}
	})
	panels := (rows + tileRows - 1) / tileRows
	p.Parallel(panels, 1, func(lo, hi int) {
		panel := getScratch(nb * lay.panelBlock)
		defer putScratch(panel)
		var out [tileActs32 * tileRows]float32
		for pi := lo; pi < hi; pi++ {
			r0 := pi * tileRows
			n := min(tileRows, rows-r0)
			packPanel(t, lay, *panel, w, rb, cols, r0, n)
			for g := range groups {
				tileMul(t, lay, nb, *panel, (*acts)[g*gb:(g+1)*gb], out[:C*tileRows])
				for c := range min(C, batch-g*C) {
					copy(dst[(g*C+c)*rows+r0:(g*C+c)*rows+r0+n], out[c*tileRows:c*tileRows+n])
				}
			}
		}
	})
}

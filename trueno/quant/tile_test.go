package quant

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// TestMatMatTile checks MatMat on the types with tile kernels, for every
// batch from 1 to 20 (groups with missing activation rows) and row counts
// that leave partial panels, against the pairwise reference dotGeneric,
// on every path; and matMatTiled itself (the packers with the reference
// kernel on paths without the assembly).
func TestMatMatTile(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	pool := NewPool(3)
	defer pool.Close()
	forEachISA(t, func(t *testing.T) {
		for _, typ := range []Type{Q4_0, Q8_0, Q4_K, Q6_K} {
			lay, _ := tileLayoutOf(typ)
			for _, shape := range [][2]int{{1, 1}, {17, 2}, {33, 3}, {5, 1}} {
				rows, nb := shape[0], shape[1]
				cols := nb * typ.BlockSize()
				if typ.BlockSize() == 32 {
					cols *= 3 // an odd block count
				}
				wf := make([]float32, rows*cols)
				for i := range wf {
					wf[i] = float32(rng.NormFloat64())
				}
				w := make([]byte, rows*typ.RowBytes(cols))
				Quantize(typ, w, wf)
				rb, dt := typ.RowBytes(cols), typ.DotType()
				qb := dt.RowBytes(cols)
				batches := []int{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20}
				if testing.Short() {
					batches = []int{1, 3, 4, 7, 9, 20}
				}
				for _, batch := range batches {
					x := make([]float32, batch*cols)
					for i := range x {
						x[i] = float32(rng.NormFloat64())
					}
					xq := make([]byte, batch*qb)
					for b := range batch {
						Quantize(dt, xq[b*qb:(b+1)*qb], x[b*cols:(b+1)*cols])
					}
					got := make([]float32, rows*batch)
					MatMat(typ, got, w, x, batch, pool)
					tiled := make([]float32, rows*batch)
					matMatTiled(typ, lay, tiled, w, xq, batch, cols, pool)
					name := fmt.Sprintf("%s %d×%d batch %d", typ, rows, cols, batch)
					for b := range batch {
						yq := xq[b*qb : (b+1)*qb]
						for r := range rows {
							wr := w[r*rb : (r+1)*rb]
							want := dotGeneric(typ, cols, wr, yq)
							t.Run(name, func(t *testing.T) {
								checkDot(t, typ, cols, wr, yq, got[b*rows+r], want)
								checkDot(t, typ, cols, wr, yq, tiled[b*rows+r], want)
							})
							if t.Failed() {
								t.Fatalf("%s: row %d activation %d: MatMat %g, matMatTiled %g, reference %g", name, r, b, got[b*rows+r], tiled[b*rows+r], want)
							}
						}
					}
				}
			}
		}
	})
}

// TestTileKernels compares the tile kernel of this path with tileGeneric
// on random panels and groups, level bytes and scales alike (so extreme
// levels and corrections occur).
func TestTileKernels(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	forEachISA(t, func(t *testing.T) {
		for _, typ := range []Type{Q4_0, Q8_0, Q4_K, Q6_K} {
			lay, _ := tileLayoutOf(typ)
			for _, nb := range []int{1, 2, 5} {
				panel := make([]byte, nb*lay.panelBlock)
				a := make([]byte, nb*lay.actBlock)
				// Valid packed data: pack random quantized rows.
				cols := nb * lay.block
				rb, dt := typ.RowBytes(cols), typ.DotType()
				wf := make([]float32, tileRows*cols)
				for i := range wf {
					wf[i] = float32(rng.NormFloat64() * 3)
				}
				w := make([]byte, tileRows*rb)
				Quantize(typ, w, wf)
				packPanel(typ, lay, panel, w, rb, cols, 0, tileRows)
				x := make([]float32, lay.acts*cols)
				for i := range x {
					x[i] = float32(rng.NormFloat64())
				}
				xq := make([]byte, lay.acts*dt.RowBytes(cols))
				for c := range lay.acts {
					Quantize(dt, xq[c*dt.RowBytes(cols):(c+1)*dt.RowBytes(cols)], x[c*cols:(c+1)*cols])
				}
				packActs(typ, lay, a, xq, dt.RowBytes(cols), cols, 0, lay.acts)
				got, want := make([]float32, lay.acts*tileRows), make([]float32, lay.acts*tileRows)
				tileMul(typ, lay, nb, panel, a, got)
				tileGeneric(typ, lay, nb, panel, a, want)
				for i := range got {
					c, r := i/tileRows, i%tileRows
					wr, yq := w[r*rb:(r+1)*rb], xq[c*dt.RowBytes(cols):(c+1)*dt.RowBytes(cols)]
					checkDot(t, typ, cols, wr, yq, got[i], want[i])
					checkDot(t, typ, cols, wr, yq, got[i], dotGeneric(typ, cols, wr, yq))
				}
			}
		}
	})
}

// TestPackPanel compares packPanel of full panels (the SIMD packer where
// the path has one) with the reference byte for byte, on random bytes:
// every level and scale bit pattern, rows that are not contiguous.
func TestPackPanel(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	forEachISA(t, func(t *testing.T) {
		for _, typ := range []Type{Q4_0, Q8_0, Q4_K, Q6_K} {
			lay, _ := tileLayoutOf(typ)
			for _, nb := range []int{1, 3} {
				cols := nb * lay.block
				rb := typ.RowBytes(cols) + 5 // rows with a gap between them
				w := make([]byte, (tileRows+2)*rb)
				for i := range w {
					w[i] = byte(rng.Uint32())
				}
				got, want := make([]byte, nb*lay.panelBlock), make([]byte, nb*lay.panelBlock)
				for i := range got {
					got[i] = 0xa5
				}
				packPanel(typ, lay, got, w, rb, cols, 2, tileRows)
				packPanelGeneric(typ, lay, want, w, rb, cols, 2, tileRows)
				for i := range got {
					if got[i] != want[i] {
						t.Fatalf("%s nb %d: panel byte %d (block %d, offset %d) = %#x, reference %#x", typ, nb, i, i/lay.panelBlock, i%lay.panelBlock, got[i], want[i])
					}
				}
			}
		}
	})
}

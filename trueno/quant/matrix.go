package quant

import "fmt"

// MatVec computes the quantized matrix-vector product
//
//	dst[r] ≈ Dot(t, cols, w[r·rb : (r+1)·rb], xq)   for r < len(dst)
//
// where cols = len(x), rb = t.RowBytes(cols), and xq is x quantized once to
// t.DotType(): row r of the row-major matrix w (len(dst) rows of type t,
// as GGUF stores a weight tensor) times the activation vector x. Rows are
// shared out to the pool p (nil: a default pool with one worker per
// GOMAXPROCS). Where a path precomputes the activation's block sums and
// scales once for all rows (AVX-512 VNNI, Q4_0 and Q8_0), a row's result
// may differ from Dot's in the last bits: the same integer sums, rounded
// in other lanes.
func MatVec(t Type, dst []float32, w []byte, x []float32, p *Pool) {
	rb := t.RowBytes(len(x))
	if len(w) != len(dst)*rb {
		panic(fmt.Sprintf("quant: MatVec: %d×%d %s matrix needs %d bytes, got %d", len(dst), len(x), t, len(dst)*rb, len(w)))
	}
	dt := t.DotType()
	xq := getScratch(dt.RowBytes(len(x)))
	defer putScratch(xq)
	quantizeAct(dt, *xq, x)
	matVecQ(t, dst, w, len(x), *xq, p)
}

func matVecQ(t Type, dst []float32, w []byte, cols int, xq []byte, p *Pool) {
	pre := getScratch(preBytes(cols))
	defer putScratch(pre)
	usePre := prepare(t, cols, xq, *pre)
	matVecPre(t, dst, w, cols, xq, *pre, usePre, p)
}

// matVecPre is matVecQ with the precomputed form of xq (when usePre).
func matVecPre(t Type, dst []float32, w []byte, cols int, xq, pre []byte, usePre bool, p *Pool) {
	rb := t.RowBytes(cols)
	p.parallelSplit(len(dst), matVecRows, matVecMinSteal, func(lo, hi int) {
		dotRows(t, cols, dst[lo:hi], w[lo*rb:hi*rb], xq, pre, usePre)
	})
}

// dotRowsGeneric is dotRows through the per-row dispatch.
func dotRowsGeneric(t Type, n int, dst []float32, w, y, pre []byte, usePre bool) {
	rb := t.RowBytes(n)
	for r := range dst {
		if usePre {
			dst[r] = dotPre(t, n, w[r*rb:(r+1)*rb], y, pre)
		} else {
			dst[r] = dot(t, n, w[r*rb:(r+1)*rb], y)
		}
	}
}

// MatMat computes the quantized matrix-matrix product of the row-major
// matrix w (rows of type t) with batch activation rows x (batch×cols,
// row-major, cols = len(x)/batch):
//
//	dst[b·rows + r] ≈ Dot(t, cols, w row r, x row b quantized to t.DotType())
//
// with rows = len(dst)/batch. Each activation row is quantized once; the
// pool p (nil: the default) shares out chunks of weight rows, and each
// chunk meets the activation rows, a group at a time, while it is in cache.
// On the x86 paths, Q4_0, Q8_0, Q4_K and Q6_K products of 4 or more
// activation rows go through the tile kernels (Q8_0 only with VNNI): 16
// weight rows at a time are unpacked once into a panel and multiplied
// with every activation row from it. Their integer block sums are Dot's; the results may differ
// from Dot's in the last bits (the float scaling is rounded in another
// order).
func MatMat(t Type, dst []float32, w []byte, x []float32, batch int, p *Pool) {
	if batch <= 0 || len(x)%batch != 0 || len(dst)%batch != 0 {
		panic(fmt.Sprintf("quant: MatMat: batch %d does not divide len(x) %d and len(dst) %d", batch, len(x), len(dst)))
	}
	cols, rows := len(x)/batch, len(dst)/batch
	rb := t.RowBytes(cols)
	if len(w) != rows*rb {
		panic(fmt.Sprintf("quant: MatMat: %d×%d %s matrix needs %d bytes, got %d", rows, cols, t, rows*rb, len(w)))
	}
	dt := t.DotType()
	qb := dt.RowBytes(cols)
	xq := getScratch(batch * qb)
	defer putScratch(xq)
	p.Parallel(batch, 1, func(lo, hi int) {
		for b := lo; b < hi; b++ {
			quantizeAct(dt, (*xq)[b*qb:(b+1)*qb], x[b*cols:(b+1)*cols])
		}
	})
	if lay, ok := tileLayoutOf(t); ok && !noTile && cols > 0 && tileAvailable(t, batch) {
		matMatTiled(t, lay, dst, w, *xq, batch, cols, p)
		return
	}
	pb := preBytes(cols)
	pre := getScratch(batch * pb)
	defer putScratch(pre)
	usePre := true
	for b := range batch {
		usePre = usePre && prepare(t, cols, (*xq)[b*qb:(b+1)*qb], (*pre)[b*pb:(b+1)*pb])
	}
	threads := p.threadsOrDefault()
	p.Parallel(rows, rowsPerChunk(rows, threads), func(lo, hi int) {
		// A chunk of weight rows stays in L2 while groups of actRows
		// activation rows (and their precomputed forms) pass over it.
		for b0 := 0; b0 < batch; b0 += actRows {
			b1 := min(b0+actRows, batch)
			for r := lo; r < hi; r++ {
				wr := w[r*rb : (r+1)*rb]
				for b := b0; b < b1; b++ {
					if usePre {
						dst[b*rows+r] = dotPre(t, cols, wr, (*xq)[b*qb:(b+1)*qb], (*pre)[b*pb:(b+1)*pb])
					} else {
						dst[b*rows+r] = dot(t, cols, wr, (*xq)[b*qb:(b+1)*qb])
					}
				}
			}
		}
	})
}

// actRows is the number of activation rows MatMat runs over a chunk of
// weight rows at a time.
const actRows = 16

func (p *Pool) threadsOrDefault() int {
	if p == nil {
		return defaultPool().threads
	}
	return p.threads
}

// MatVec splits its rows into one contiguous region per worker, each
// streamed front to back matVecRows rows at a time, with pieces of at least
// matVecMinSteal rows taken from the back of another's region by a worker
// that is done with its own (Pool.parallelSplit). Measured cold (2 cores,
// 5632×2048 Q4_0, averaged over 300 ms, 5 rounds alternated, against two
// goroutines streaming their halves without any synchronisation): regions
// reached 0.90 of the unsynchronised rate where chunks handed out from one
// counter (up to 256 rows, shrinking near the end) reached 0.78–0.80: a
// worker whose chunks alternate with another's breaks its stream at every
// chunk. Stealing keeps what static halves lose to a late or slowed worker.
const (
	matVecRows     = 64
	matVecMinSteal = 16
)

// rowsPerChunk picks a chunk of rows small enough that the workers finish
// together (eight chunks each) and large enough to amortise the hand-out.
func rowsPerChunk(rows, threads int) int {
	return max(1, min(64, rows/(8*threads)))
}

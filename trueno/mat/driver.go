package mat

import (
	"sync"
	"sync/atomic"
	"unsafe"
)

// gemmJob is one product c = alpha·op(A)·op(B) + beta·c of m×n by k, with
// the packing of op(A) and op(B) left to closures so that the same loop
// nest serves float32, float64 and half-precision B.
type gemmJob[T Float] struct {
	kern        kernel[T]
	m, n, k     int
	alpha, beta T
	c           []T
	ldc         int
	packA       func(dst []T, mr, i0, mb, p0, kb int)
	packB       func(dst []T, nr, p0, kb, j0, nb int)

	// a and lda, when a is set, are a row-major A that the direct
	// micro-kernel reads in place: only a partial last row panel is
	// packed.
	a   []T
	lda int
	// b and ldb, when b is set, are a row-major B that the micro-kernels
	// read in place: only a partial last column panel is packed.
	b   []T
	ldb int
}

// packBlockB packs the panels of columns [j0, j0+nb) of op(B) that macro
// reads from the packed buffer (all, or only a partial last one when B is
// read in place), each at its offset in dst.
func (g *gemmJob[T]) packBlockB(dst []T, pc, kb, j0, nb int) {
	nr := g.kern.nr
	if g.b == nil {
		g.packB(dst, nr, pc, kb, j0, nb)
		return
	}
	if full := nb / nr * nr; full < nb {
		g.packB(dst[full*kb:], nr, pc, kb, j0+full, nb-full)
	}
}

// packBlockA packs the block of A that macro reads from bufA.
func (g *gemmJob[T]) packBlockA(bufA []T, ic, mb, pc, kb int) {
	mr := g.kern.mr
	if g.a == nil {
		g.packA(bufA, mr, ic, mb, pc, kb)
		return
	}
	if full := mb / mr * mr; full < mb && g.kern.directRows == nil {
		g.packA(bufA, mr, ic+full, mb-full, pc, kb)
	}
}

// run computes the product, split over up to threads parts when it is
// large enough.
func (g *gemmJob[T]) run(threads int) {
	mr, nr := g.kern.mr, g.kern.nr
	if threads <= 1 || 2*g.m*g.n*g.k < serialFlops {
		g.serial(0, g.m, 0, g.n)
		return
	}
	tilesM, tilesN := (g.m+mr-1)/mr, (g.n+nr-1)/nr
	if tilesN > tilesM {
		// Wide: each part takes a range of columns and packs its own
		// panels of B (and all of the smaller A).
		parts := min(threads, tilesN)
		per := (tilesN + parts - 1) / parts
		parallel(parts, func(t int) {
			j0 := min(t*per*nr, g.n)
			g.serial(0, g.m, j0, min(j0+per*nr, g.n))
		})
		return
	}
	g.sharedB(min(threads, tilesM))
}

// sharedB splits the rows of c over parts that share each packed block of
// B: the parts pack a share of its panels each, wait for each other, take
// chunks of rows from a common counter (packing their own A) until none
// is left, and wait again before the block is overwritten. The counter
// rather than a fixed share keeps a part that started late (waking a
// worker takes microseconds) from holding up the others. A single block
// with nothing to pack needs no waiting at all.
func (g *gemmJob[T]) sharedB(parts int) {
	kern := g.kern
	mr, nr := kern.mr, kern.nr
	kc := min(kern.kc, g.k)
	nc := min(kern.nc, roundUp(g.n, nr))
	tilesM := (g.m + mr - 1) / mr
	chunk := min(kern.mc, max(tilesM/(4*parts), 1)*mr)
	blocksN, blocksK := (g.n+nc-1)/nc, (g.k+kc-1)/kc
	next := make([]atomic.Int64, blocksN*blocksK)
	wait := blocksN*blocksK > 1 || g.b == nil || g.n%nr != 0
	bufB := getBuf[T](kc * nc)
	defer putBuf(bufB)
	bar := newBarrier(parts)
	parallel(parts, func(t int) {
		buf := getBuf[T](chunk*kc + mr*nr)
		defer putBuf(buf)
		bufA, edge := (*buf)[:chunk*kc], (*buf)[chunk*kc:]
		blk := 0
		for jc := 0; jc < g.n; jc += nc {
			nb := min(nc, g.n-jc)
			panels := (nb + nr - 1) / nr
			per := (panels + parts - 1) / parts
			q0 := min(t*per, panels)
			q1 := min(q0+per, panels)
			for pc := 0; pc < g.k; pc += kc {
				kb := min(kc, g.k-pc)
				if q0 < q1 {
					g.packBlockB((*bufB)[q0*nr*kb:], pc, kb, jc+q0*nr, min(q1*nr, nb)-q0*nr)
				}
				if wait {
					bar.wait()
				}
				beta := g.beta
				if pc > 0 {
					beta = 1
				}
				for {
					ic := int(next[blk].Add(1)-1) * chunk
					if ic >= g.m {
						break
					}
					mb := min(chunk, g.m-ic)
					g.packBlockA(bufA, ic, mb, pc, kb)
					g.macro(bufA, (*bufB)[:panels*nr*kb], edge, ic, mb, jc, nb, pc, kb, beta)
				}
				if wait {
					bar.wait()
				}
				blk++
			}
		}
	})
}

// serial computes rows [i0, i1) and columns [j0, j1) of c with the
// GotoBLAS loop nest: column blocks of nc, depth blocks of kc (packed B),
// row blocks of mc (packed A), then nr×mr tiles.
func (g *gemmJob[T]) serial(i0, i1, j0, j1 int) {
	if i0 >= i1 || j0 >= j1 {
		return
	}
	kern := g.kern
	mr, nr := kern.mr, kern.nr
	kc := min(kern.kc, g.k)
	mc := min(kern.mc, roundUp(i1-i0, mr))
	nc := min(kern.nc, roundUp(j1-j0, nr))
	buf := getBuf[T](mc*kc + kc*nc + mr*nr)
	defer putBuf(buf)
	bufA, bufB, edge := (*buf)[:mc*kc], (*buf)[mc*kc:mc*kc+kc*nc], (*buf)[mc*kc+kc*nc:]

	for jc := j0; jc < j1; jc += nc {
		nb := min(nc, j1-jc)
		for pc := 0; pc < g.k; pc += kc {
			kb := min(kc, g.k-pc)
			g.packBlockB(bufB, pc, kb, jc, nb)
			beta := g.beta
			if pc > 0 {
				beta = 1
			}
			for ic := i0; ic < i1; ic += mc {
				mb := min(mc, i1-ic)
				g.packBlockA(bufA, ic, mb, pc, kb)
				g.macro(bufA, bufB, edge, ic, mb, jc, nb, pc, kb, beta)
			}
		}
	}
}

// macro runs the micro-kernel over the tiles of one packed block. Tiles
// cut by the edge of C go through a scratch tile and are merged here.
func (g *gemmJob[T]) macro(bufA, bufB, edge []T, ic, mb, jc, nb, pc, kb int, beta T) {
	kern := g.kern
	mr, nr, ldc := kern.mr, kern.nr, g.ldc
	for jr := 0; jr < nb; jr += nr {
		bp, ldb := &bufB[jr*kb], nr
		cols := min(nr, nb-jr)
		if g.b != nil && cols == nr {
			bp, ldb = &g.b[pc*g.ldb+jc+jr], g.ldb
		}
		for ir := 0; ir < mb; ir += mr {
			rows := min(mr, mb-ir)
			off := (ic+ir)*ldc + jc + jr
			if g.a != nil && (rows == mr || kern.directRows != nil) {
				ap := &g.a[(ic+ir)*g.lda+pc]
				fn := kern.direct
				if rows < mr {
					fn = kern.directRows[rows]
				}
				if cols == nr {
					fn(kb, ap, g.lda, bp, ldb, &g.c[off], ldc, g.alpha, beta)
					continue
				}
				fn(kb, ap, g.lda, bp, ldb, &edge[0], nr, g.alpha, 0)
			} else {
				ap := &bufA[ir*kb]
				if g.a != nil {
					ap = &bufA[0] // the partial panel, the only one packed
				}
				if rows == mr && cols == nr {
					kern.fn(kb, ap, bp, ldb, &g.c[off], ldc, g.alpha, beta)
					continue
				}
				kern.fn(kb, ap, bp, ldb, &edge[0], nr, g.alpha, 0)
			}
			for i := 0; i < rows; i++ {
				dst := g.c[off+i*ldc:][:cols]
				src := edge[i*nr:][:cols]
				if beta == 0 {
					copy(dst, src)
					continue
				}
				for j, v := range src {
					dst[j] = v + beta*dst[j]
				}
			}
		}
	}
}

func roundUp(n, m int) int { return (n + m - 1) / m * m }

// Packing buffers are reused across calls: a large product needs a few
// megabytes that would otherwise be allocated and zeroed every time.
var (
	bufs32 sync.Pool
	bufs64 sync.Pool
)

func getBuf[T Float](n int) *[]T {
	var z T
	p := &bufs64
	if unsafe.Sizeof(z) == 4 {
		p = &bufs32
	}
	if b, ok := p.Get().(*[]T); ok && cap(*b) >= n {
		*b = (*b)[:n]
		return b
	}
	b := make([]T, n)
	return &b
}

func putBuf[T Float](b *[]T) {
	var z T
	if unsafe.Sizeof(z) == 4 {
		bufs32.Put(b)
	} else {
		bufs64.Put(b)
	}
}

// scale sets c = beta·c over an m×n block, and c = 0 when beta is 0 (so
// that NaN and Inf in c do not survive).
func scale[T Float](c []T, ldc, m, n int, beta T) {
	if beta == 1 {
		return
	}
	for i := 0; i < m; i++ {
		row := c[i*ldc:][:n]
		if beta == 0 {
			clear(row)
			continue
		}
		for j := range row {
			row[j] *= beta
		}
	}
}

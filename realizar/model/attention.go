package model

import (
	"math"

	"github.com/batuta-go/stack/trueno"
	"github.com/batuta-go/stack/trueno/mat"
)

// attnJob is the attention of one layer over a run of query rows: rows
// qr0… of s.q (cnt of them, at positions p0…) against the cache, into
// rows 0… of s.att.
type attnJob struct {
	il, qr0, cnt, p0 int
	window           int
	scale, softcap   float32
	blocks           int // query blocks per head
}

// attention computes the attention output of cnt query rows, spreading
// the work items (head, block of qBlock query rows) over the pool.
func (s *State) attention(il, qr0, cnt, p0 int) {
	c := &s.m.cfg
	scale := c.AttnScale
	if scale == 0 {
		scale = float32(1 / math.Sqrt(float64(c.HeadDim)))
	}
	blocks := (cnt + qBlock - 1) / qBlock
	s.job = attnJob{il: il, qr0: qr0, cnt: cnt, p0: p0, window: s.m.layers[il].window,
		scale: scale, softcap: c.AttnSoftcap, blocks: blocks}
	items := c.HeadCount * blocks
	if s.team.active {
		s.teamRun(opAttn, items)
		return
	}
	// Keys seen by the last query: a bound on the work of every item.
	kLo, kHi := keyRange(p0+cnt-1, s.job.window)
	if work := c.HeadCount * cnt * (kHi - kLo) * c.HeadDim; work < attnParallelMin {
		s.attnRange(0, items)
		return
	}
	s.m.pool.Parallel(items, max(1, items/(2*s.m.threads)), s.attnFunc)
}

// attnParallelMin is the attention size (heads × queries × keys × head
// dimension) below which handing items to other workers costs more than
// it saves.
const attnParallelMin = 1 << 15

// attnRange runs work items [lo, hi) with one scratch buffer.
func (s *State) attnRange(lo, hi int) {
	sc := <-s.scratch
	for w := lo; w < hi; w++ {
		s.attnItem(sc, w%s.m.cfg.HeadCount, w/s.m.cfg.HeadCount)
	}
	s.scratch <- sc
}

// keyRange is the positions [lo, hi) a query at position qp sees.
func keyRange(qp, window int) (lo, hi int) {
	if window > 0 {
		lo = max(0, qp-window+1)
	}
	return lo, qp + 1
}

// attnItem computes head h for query block b: scores of the queries
// against the keys they see (scaled, soft-capped, masked causally and by
// the window), their softmax, and the weighted sum of the values.
func (s *State) attnItem(sc *attnScratch, h, b int) {
	c := &s.m.cfg
	j := &s.job
	D := c.HeadDim
	qDim := c.HeadCount * D
	g := h / (c.HeadCount / c.HeadCountKV)
	i0 := b * qBlock
	i1 := min(i0+qBlock, j.cnt)
	nq := i1 - i0
	// Keys seen by any query of the block: from the first query's window
	// start to the last query's position.
	kLo, _ := keyRange(j.p0+i0, j.window)
	_, kHi := keyRange(j.p0+i1-1, j.window)
	nk := kHi - kLo
	S := sc.s[:nq*nk]
	if nq == 1 {
		s.scoresOne(sc, S, j.il, (j.qr0+i0)*qDim+h*D, kLo, nk, g)
	} else {
		s.scoresMany(S, j.il, (j.qr0+i0)*qDim+h*D, nq, kLo, nk, g)
	}
	for i := range nq {
		row := S[i*nk : (i+1)*nk]
		lo, hi := keyRange(j.p0+i0+i, j.window)
		lo, hi = lo-kLo, hi-kLo
		clear(row[:lo])
		clear(row[hi:])
		seen := row[lo:hi]
		if j.softcap > 0 {
			softcap(seen, j.softcap)
		}
		trueno.SoftmaxTo(seen, seen)
	}
	out := i0*qDim + h*D
	if nq == 1 {
		s.valuesOne(sc, s.att[out:out+D], S, j.il, kLo, g)
	} else {
		s.valuesMany(s.att[out:], S, j.il, nq, kLo, nk, g)
	}
}

// scoresOne sets S[p] = scale·q·k(kLo+p) for one query (at s.q[qOff:]).
func (s *State) scoresOne(sc *attnScratch, S []float32, il, qOff, kLo, nk, g int) {
	D := s.m.cfg.HeadDim
	kvDim := s.m.cfg.HeadCountKV * D
	q := s.q[qOff : qOff+D]
	scale := s.job.scale
	if s.k32 != nil {
		K := s.k32[il]
		for p := range nk {
			off := (kLo+p)*kvDim + g*D
			S[p] = scale * trueno.Dot(q, K[off:off+D])
		}
		return
	}
	K := s.k16[il]
	kr := sc.tmp[:D]
	for p := range nk {
		off := (kLo+p)*kvDim + g*D
		trueno.Float16ToFloat32(kr, K[off:off+D])
		S[p] = scale * trueno.Dot(q, kr)
	}
}

// valuesOne sets out = Σ_p S[p]·v(kLo+p) for one query.
func (s *State) valuesOne(sc *attnScratch, out, S []float32, il, kLo, g int) {
	D := s.m.cfg.HeadDim
	kvDim := s.m.cfg.HeadCountKV * D
	clear(out)
	if s.v32 != nil {
		V := s.v32[il]
		for p, w := range S {
			if w != 0 {
				off := (kLo+p)*kvDim + g*D
				trueno.Axpy(w, V[off:off+D], out)
			}
		}
		return
	}
	V := s.v16[il]
	vr := sc.tmp[:D]
	for p, w := range S {
		if w != 0 {
			off := (kLo+p)*kvDim + g*D
			trueno.Float16ToFloat32(vr, V[off:off+D])
			trueno.Axpy(w, vr, out)
		}
	}
}

// attnKeyBlock is the number of keys per product in a multi-query block:
// small enough (with qBlock queries of up to 128 values) for trueno/mat
// to run each product on the calling goroutine.
func attnKeyBlock(nq, d int) int {
	return max(qBlock, f32GemmFlops/(2*nq*d))
}

// scoresMany sets S (nq×nk) = scale·Q·Kᵀ for nq queries (rows of s.q from
// qOff, stride HeadCount·HeadDim) against keys kLo… of head group g, as
// matrix products over blocks of keys.
func (s *State) scoresMany(S []float32, il, qOff, nq, kLo, nk, g int) {
	c := &s.m.cfg
	D := c.HeadDim
	qDim, kvDim := c.HeadCount*D, c.HeadCountKV*D
	q := mat.NewDenseStride(nq, D, qDim, s.q[qOff:])
	kb := attnKeyBlock(nq, D)
	for k0 := 0; k0 < nk; k0 += kb {
		k1 := min(k0+kb, nk)
		dst := mat.NewDenseStride(nq, k1-k0, nk, S[k0:])
		if s.k32 != nil {
			K := mat.NewDenseStride(k1-k0, D, kvDim, s.k32[il][(kLo+k0)*kvDim+g*D:])
			mat.Gemm(dst, mat.NoTrans, mat.Trans, s.job.scale, q, K, 0)
		} else {
			K := s.kHalf[il].Slice(kLo+k0, kLo+k1, g*D, (g+1)*D)
			mat.GemmHalf(dst, mat.NoTrans, mat.Trans, s.job.scale, q, K, 0)
		}
	}
}

// valuesMany sets out (nq rows of HeadDim, stride HeadCount·HeadDim) =
// S·V for the values kLo… of head group g.
func (s *State) valuesMany(out, S []float32, il, nq, kLo, nk, g int) {
	c := &s.m.cfg
	D := c.HeadDim
	qDim, kvDim := c.HeadCount*D, c.HeadCountKV*D
	dst := mat.NewDenseStride(nq, D, qDim, out)
	kb := attnKeyBlock(nq, D)
	for k0 := 0; k0 < nk; k0 += kb {
		k1 := min(k0+kb, nk)
		p := mat.NewDenseStride(nq, k1-k0, nk, S[k0:])
		beta := float32(1)
		if k0 == 0 {
			beta = 0
		}
		if s.v32 != nil {
			V := mat.NewDenseStride(k1-k0, D, kvDim, s.v32[il][(kLo+k0)*kvDim+g*D:])
			mat.Gemm(dst, mat.NoTrans, mat.NoTrans, 1, p, V, beta)
		} else {
			V := s.vHalf[il].Slice(kLo+k0, kLo+k1, g*D, (g+1)*D)
			mat.GemmHalf(dst, mat.NoTrans, mat.NoTrans, 1, p, V, beta)
		}
	}
}

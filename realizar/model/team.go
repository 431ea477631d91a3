package model

import (
	"context"
	"runtime"
	"sync/atomic"
	"time"
)

// A decode step (one token) is a chain of small operations: each matrix
// product of a TinyLlama-sized model takes a hundred microseconds or so.
// Handing each of them to the pool would wake a parked worker for each,
// and waking a goroutine takes microseconds to tens of them, a large share
// of such a product. So one token runs as a team instead: the pool's
// workers join for the whole step and spin between operations, while one
// participant (the leader) runs the forward pass and publishes each
// operation's chunks for everyone to claim.
//
// A participant claims a chunk only from the operation currently
// published, and the leader waits only for chunks that somebody is
// running, so a worker that joins late (or never: busy with another
// State) costs nothing but its share of the work. A helper that finds
// nothing to do for teamIdle leaves the step, so that a leader held up
// (descheduled, or in a long serial stretch) does not keep CPUs spinning.

// Kinds of team operations.
const (
	opVec  = iota // parts of the rows of the product in s.vec
	opAttn        // attention work items (heads)
)

// teamIdle is how long a helper waits for work before leaving the step.
const teamIdle = 200 * time.Microsecond

// team is the shared state of one decode step run by several goroutines.
type team struct {
	active bool // the leader is inside a team step

	lead atomic.Bool // taken by the participant that leads
	// op packs the published operation: sequence number (bits 40..63),
	// chunk count (bits 20..39) and next unclaimed chunk (bits 0..19).
	op       atomic.Uint64
	finished atomic.Int64 // chunks of the current operation run
	done     atomic.Bool  // the step is over

	kind int // of the current operation, written before it is published

	// The step's arguments and result, set by teamStep for the leader
	// and cleared when the step is over.
	ctx            context.Context
	tok            [1]int32 // a copy, so that the caller's slice does not escape
	pos0           int
	logits, hidden []float32
	err            error
}

const (
	opChunkBits = 20
	opChunkMask = 1<<opChunkBits - 1
)

// teamStep runs one decode step (token tok at position pos0) on the
// whole team and returns its error.
func (s *State) teamStep(ctx context.Context, tok int32, pos0 int, logits, hidden []float32) error {
	t := &s.team
	t.ctx, t.pos0, t.logits, t.hidden = ctx, pos0, logits, hidden
	t.tok[0] = tok
	s.m.pool.Parallel(s.m.threads, 1, s.teamFunc)
	err := t.err
	t.ctx, t.logits, t.hidden, t.err = nil, nil, nil, nil
	t.lead.Store(false)
	t.done.Store(false)
	t.op.Store(0)
	return err
}

// teamJoin is each participant's part: the first to arrive leads the
// step, the others help until it is over or they have been idle too long.
func (s *State) teamJoin(lo, hi int) {
	t := &s.team
	if t.lead.CompareAndSwap(false, true) {
		t.active = true
		t.err = s.forwardBody(t.ctx, t.tok[:], t.pos0, t.logits, t.hidden)
		t.active = false
		t.done.Store(true)
		return
	}
	var idleSince time.Time
	for spin := 0; !t.done.Load(); spin++ {
		if s.teamClaim(false) {
			spin, idleSince = 0, time.Time{}
			continue
		}
		if spin%256 == 255 {
			now := time.Now()
			switch {
			case idleSince.IsZero():
				idleSince = now
			case now.Sub(idleSince) > teamIdle:
				return
			}
			runtime.Gosched()
		}
	}
}

// teamClaim runs one chunk of the published operation if one is left
// and reports whether it did; lead says whether the caller is the leader.
func (s *State) teamClaim(lead bool) bool {
	t := &s.team
	for {
		w := t.op.Load()
		n, next := int(w>>opChunkBits&opChunkMask), int(w&opChunkMask)
		if next >= n {
			return false
		}
		if t.op.CompareAndSwap(w, w+1) {
			s.teamChunk(next, n)
			if !lead {
				s.helped.Add(1)
			}
			t.finished.Add(1)
			return true
		}
	}
}

// teamRun publishes an operation of n chunks (its parameters already in
// place), runs chunks of it with the helpers and returns when all are
// done.
func (s *State) teamRun(kind, n int) {
	t := &s.team
	t.kind = kind
	if n > opChunkMask {
		for c := range n {
			s.teamChunk(c, n)
		}
		return
	}
	t.finished.Store(0)
	seq := t.op.Load()>>(2*opChunkBits) + 1
	t.op.Store(seq<<(2*opChunkBits) | uint64(n)<<opChunkBits)
	for s.teamClaim(true) {
	}
	for spin := 0; t.finished.Load() < int64(n); spin++ {
		if spin%256 == 255 {
			runtime.Gosched()
		}
	}
}

// teamChunk runs chunk c of the n of the published operation.
func (s *State) teamChunk(c, n int) {
	switch s.team.kind {
	case opVec:
		rows := s.vec.w.rows
		s.vecPart(c*rows/n, (c+1)*rows/n)
	case opAttn:
		s.attnRange(c, c+1)
	}
}

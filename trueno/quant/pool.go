package quant

import (
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// Pool is a fixed set of worker goroutines that the matrix products share
// out their rows to. Creating one per call would cost more than a small
// product; make one (or use the default, nil) and reuse it. A Pool is safe
// for concurrent use: calls from several goroutines share the same
// workers.
//
// A worker that runs out of work spins for a short while (spinFor) before
// it parks, so that a chain of products — a decode step, a benchmark loop
// — finds its helpers awake: waking a parked goroutine takes microseconds
// to tens of them and its first chunk would start that late, a large share
// of a product that streams its matrix in a hundred microseconds or two.
type Pool struct {
	threads int

	// posted counts the jobs ever queued; an idle worker watches it.
	posted atomic.Uint64

	mu     sync.Mutex
	wake   sync.Cond // parked workers wait here (with mu)
	queue  []*job    // jobs whose caller has not finished them (under mu)
	parked int       // workers waiting on wake (under mu)
	closed bool      // under mu
}

// job is one parallel loop over [0, n). A plain job hands out chunks of
// chunk items from one atomic counter, so that a worker slowed by another
// process takes fewer. A split job (regions non-nil) gives each
// participant a contiguous region that it runs from the front, chunk items
// at a time; a participant whose region is done takes pieces from the back
// of the region with the most left.
type job struct {
	n, chunk int
	next     atomic.Int64 // plain jobs: the next unclaimed item
	f        func(lo, hi int)

	regions  []region     // split jobs: participant k's region is regions[k]
	joined   atomic.Int32 // split jobs: participants so far (the first takes region 0)
	minSteal int          // split jobs: smallest piece taken from a back

	// Workers inside run, counted (both) under Pool.mu while the job is
	// queued: the caller spins on helpers for a while, then waits on wg.
	helpers atomic.Int32
	wg      sync.WaitGroup
}

// region is what is left of one participant's part of a split job: the
// items [front, back), packed as back<<32 | front so that the owner (at the
// front) and a thief (at the back) claim with one compare-and-swap.
type region struct {
	v atomic.Uint64
	_ [56]byte // one cache line each: the owners claim often
}

func (r *region) load() (front, back int) {
	v := r.v.Load()
	return int(uint32(v)), int(v >> 32)
}

func (r *region) set(front, back int) { r.v.Store(uint64(back)<<32 | uint64(front)) }

// take claims up to size items from the front (or the back) and reports
// whether any were left.
func (r *region) take(size int, fromBack bool) (lo, hi int, ok bool) {
	for {
		v := r.v.Load()
		front, back := int(uint32(v)), int(v>>32)
		if front >= back {
			return 0, 0, false
		}
		lo, hi = front, min(front+size, back)
		nv := uint64(back)<<32 | uint64(hi)
		if fromBack {
			lo, hi = max(back-size, front), back
			nv = uint64(lo)<<32 | uint64(front)
		}
		if r.v.CompareAndSwap(v, nv) {
			return lo, hi, true
		}
	}
}

// hasWork reports whether items of j are unclaimed.
func (j *job) hasWork() bool {
	if j.regions == nil {
		return int(j.next.Load()) < j.n
	}
	for i := range j.regions {
		if f, b := j.regions[i].load(); f < b {
			return true
		}
	}
	return false
}

// spinFor is how long an idle worker watches for a new job before it
// parks.
const spinFor = 200 * time.Microsecond

// waitSpin is how long the caller of Parallel spins for its helpers to
// finish their last chunks before it parks.
const waitSpin = 50 * time.Microsecond

// NewPool starts a pool of threads workers (the caller of a product works
// too, so threads-1 goroutines). threads ≤ 0 means runtime.GOMAXPROCS(0).
func NewPool(threads int) *Pool {
	if threads <= 0 {
		threads = runtime.GOMAXPROCS(0)
	}
	p := &Pool{threads: threads}
	p.wake.L = &p.mu
	for range threads - 1 {
		go p.work()
	}
	return p
}

// Threads is the number of goroutines that work on one product.
func (p *Pool) Threads() int { return p.threads }

// Close stops the workers once the products in flight are done. Products
// started afterwards still run, on the calling goroutine (a worker still
// spinning may help).
func (p *Pool) Close() {
	p.mu.Lock()
	p.closed = true
	p.wake.Broadcast()
	p.mu.Unlock()
}

func (p *Pool) work() {
	for {
		seen := p.posted.Load()
		if j := p.claim(); j != nil {
			j.run()
			j.helpers.Add(-1)
			j.wg.Done()
			continue
		}
		if p.spin(seen) {
			continue
		}
		p.mu.Lock()
		for p.posted.Load() == seen && !p.closed {
			p.parked++
			p.wake.Wait()
			p.parked--
		}
		closed := p.closed && p.posted.Load() == seen
		p.mu.Unlock()
		if closed {
			return
		}
	}
}

// claim returns a queued job with chunks left, counted as helped, or nil.
func (p *Pool) claim() *job {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, j := range p.queue {
		if j.hasWork() {
			j.helpers.Add(1)
			j.wg.Add(1)
			return j
		}
	}
	return nil
}

// spin watches for a job posted after seen, for up to spinFor, and
// reports whether one came. It yields now and then, so that a pool with
// more workers than GOMAXPROCS does not hold the caller off its P.
func (p *Pool) spin(seen uint64) bool {
	var start time.Time
	for i := 1; ; i++ {
		if p.posted.Load() != seen {
			return true
		}
		if i%128 == 0 {
			now := time.Now()
			if start.IsZero() {
				start = now
			} else if now.Sub(start) > spinFor {
				return false
			}
			runtime.Gosched()
		}
	}
}

func (j *job) run() {
	if j.regions != nil {
		j.runSplit(int(j.joined.Add(1)) - 1)
		return
	}
	for {
		lo := int(j.next.Add(int64(j.chunk))) - j.chunk
		if lo >= j.n {
			return
		}
		j.f(lo, min(lo+j.chunk, j.n))
	}
}

// runSplit is participant k's part of a split job: its own region from
// the front, then pieces from the backs of the others.
func (j *job) runSplit(k int) {
	if k < len(j.regions) {
		for {
			lo, hi, ok := j.regions[k].take(j.chunk, false)
			if !ok {
				break
			}
			j.f(lo, hi)
		}
	}
	for {
		most, left := -1, 0
		for i := range j.regions {
			if f, b := j.regions[i].load(); b-f > left {
				most, left = i, b-f
			}
		}
		if most < 0 {
			return
		}
		// Half of what is left, so that the owner keeps streaming its
		// front while the thief runs the back half; at least minSteal.
		if lo, hi, ok := j.regions[most].take(max(j.minSteal, left/2), true); ok {
			j.f(lo, hi)
		}
	}
}

var defaultPool = sync.OnceValue(func() *Pool { return NewPool(0) })

// Parallel calls f once for each chunk [lo, hi) of [0, n) — lo a multiple
// of chunk, hi = min(lo+chunk, n) — on up to Threads goroutines (the
// caller's included), and returns when every call has returned. Chunks are
// handed out one at a time, so a worker slowed by another process takes
// fewer; f must be safe to call concurrently on disjoint chunks. chunk < 1
// counts as 1; n ≤ 0 calls nothing. A nil p is the default pool (one
// worker per GOMAXPROCS). Parallel may be called from several goroutines
// at once, and from inside an f (the inner loop then runs on the caller
// and whichever workers are free).
func (p *Pool) Parallel(n, chunk int, f func(lo, hi int)) {
	if p == nil {
		p = defaultPool()
	}
	if n <= 0 {
		return
	}
	chunk = max(chunk, 1)
	if p.threads <= 1 || n <= chunk {
		for lo := 0; lo < n; lo += chunk {
			f(lo, min(lo+chunk, n))
		}
		return
	}
	p.run(&job{n: n, chunk: chunk, f: f})
}

// parallelSplit is Parallel for loops that stream memory: each of the
// Threads participants runs a contiguous region of [0, n) front to back,
// chunk items at a time, so that its reads form one long stream; one that
// finishes early takes pieces (half of what is left, at least minSteal
// items) from the back of the region with the most left, so that a
// participant that starts late or is slowed by another process does not
// hold up the end. Chunk boundaries are not multiples of anything.
func (p *Pool) parallelSplit(n, chunk, minSteal int, f func(lo, hi int)) {
	if p == nil {
		p = defaultPool()
	}
	if n <= 0 {
		return
	}
	chunk = max(chunk, 1)
	if p.threads <= 1 || n <= chunk || n >= 1<<32 {
		for lo := 0; lo < n; lo += chunk {
			f(lo, min(lo+chunk, n))
		}
		return
	}
	j := &job{n: n, chunk: chunk, f: f, minSteal: max(minSteal, 1), regions: make([]region, p.threads)}
	for k := range j.regions {
		j.regions[k].set(k*n/p.threads, (k+1)*n/p.threads)
	}
	p.run(j)
}

// run queues j for the workers, runs it on the calling goroutine too and
// returns when all of it is done.
func (p *Pool) run(j *job) {
	p.mu.Lock()
	p.queue = append(p.queue, j)
	p.posted.Add(1)
	if p.parked > 0 {
		p.wake.Broadcast()
	}
	p.mu.Unlock()

	j.run()

	p.mu.Lock()
	if i := slices.Index(p.queue, j); i >= 0 {
		p.queue = slices.Delete(p.queue, i, i+1)
	}
	p.mu.Unlock()
	// Every chunk is claimed; wait for the helpers still running one:
	// spinning for a while (the last chunks usually end together), then
	// parked, so that a helper descheduled by another process does not
	// have to share its core with this goroutine's spinning.
	var start time.Time
	for i := 1; j.helpers.Load() != 0; i++ {
		if i%64 == 0 {
			now := time.Now()
			if start.IsZero() {
				start = now
			} else if now.Sub(start) > waitSpin {
				j.wg.Wait()
				return
			}
			runtime.Gosched()
		}
	}
}

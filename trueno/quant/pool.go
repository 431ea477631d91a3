package quant

import (
	"runtime"
	"sync"
	"sync/atomic"
)

// Pool is a fixed set of worker goroutines that the matrix products share
// out their rows to. Creating one per call would cost more than a small
// product; make one (or use the default, nil) and reuse it. A Pool is safe
// for concurrent use: calls from several goroutines interleave their
// chunks on the same workers.
type Pool struct {
	threads int
	jobs    chan *job
	close   sync.Once
}

// job is one parallel loop: chunks of [0, n) handed out by an atomic
// counter, so that a worker slowed by another process takes fewer.
type job struct {
	n, chunk int
	next     atomic.Int64
	f        func(lo, hi int)
	wg       sync.WaitGroup
}

// NewPool starts a pool of threads workers (the caller of a product works
// too, so threads-1 goroutines). threads ≤ 0 means runtime.GOMAXPROCS(0).
func NewPool(threads int) *Pool {
	if threads <= 0 {
		threads = runtime.GOMAXPROCS(0)
	}
	p := &Pool{threads: threads, jobs: make(chan *job, threads)}
	for range threads - 1 {
		go p.work()
	}
	return p
}

// Threads is the number of goroutines that work on one product.
func (p *Pool) Threads() int { return p.threads }

// Close stops the workers once the products in flight are done. The pool
// must not be used afterwards.
func (p *Pool) Close() { p.close.Do(func() { close(p.jobs) }) }

func (p *Pool) work() {
	for j := range p.jobs {
		j.run()
		j.wg.Done()
	}
}

func (j *job) run() {
	for {
		lo := int(j.next.Add(int64(j.chunk))) - j.chunk
		if lo >= j.n {
			return
		}
		j.f(lo, min(lo+j.chunk, j.n))
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
// at once, but not from inside an f of the same pool (that may deadlock).
func (p *Pool) Parallel(n, chunk int, f func(lo, hi int)) {
	if p == nil {
		p = defaultPool()
	}
	if n <= 0 {
		return
	}
	chunk = max(chunk, 1)
	helpers := min(p.threads-1, (n+chunk-1)/chunk-1)
	if helpers <= 0 {
		for lo := 0; lo < n; lo += chunk {
			f(lo, min(lo+chunk, n))
		}
		return
	}
	j := &job{n: n, chunk: chunk, f: f}
	j.wg.Add(helpers)
	for range helpers {
		p.jobs <- j
	}
	j.run()
	j.wg.Wait()
}

package mat

import (
	"runtime"
	"sync"
	"sync/atomic"
)

// threads is the thread-count option; 0 means runtime.GOMAXPROCS.
var threads atomic.Int64

// SetThreads sets how many goroutines a large product is split over and
// returns the previous setting; n <= 0 means runtime.GOMAXPROCS(0), the
// default. The worker goroutines are started once, on first need, and
// reused by every later call.
func SetThreads(n int) int {
	return int(threads.Swap(int64(max(n, 0))))
}

// Threads reports how many goroutines a large product is split over.
func Threads() int {
	if n := int(threads.Load()); n > 0 {
		return n
	}
	return runtime.GOMAXPROCS(0)
}

// serialFlops is the product size (2·m·n·k) below which splitting over
// workers costs more than it gains: waking a parked worker and each
// barrier take some microseconds to tens of them on a virtual machine,
// so a part should run for tens of microseconds at least.
const serialFlops = 2 * 192 * 192 * 192

// pool is the process-wide set of worker goroutines. Work reaches them as
// closures on one unbuffered channel. The parts of one product may wait
// for each other (a barrier around a shared packed block), so every part
// must start at once: when no worker is waiting for work, a new worker is
// started with the part in hand, and it serves the channel afterwards. The
// pool so grows to the largest concurrency the process needs, and no
// further.
var pool struct {
	work chan func()
}

func init() { pool.work = make(chan func()) }

func worker(f func()) {
	f()
	for f := range pool.work {
		f()
	}
}

// parallel runs f(0), ..., f(parts-1) at the same time, part 0 on the
// calling goroutine and the others on workers, and returns when all are
// done.
func parallel(parts int, f func(part int)) {
	if parts <= 1 {
		if parts == 1 {
			f(0)
		}
		return
	}
	var wg sync.WaitGroup
	wg.Add(parts - 1)
	for t := 1; t < parts; t++ {
		task := func() {
			defer wg.Done()
			f(t)
		}
		select {
		case pool.work <- task:
		default:
			go worker(task)
		}
	}
	f(0)
	wg.Wait()
}

// barrier lets the parts of one product wait for each other.
type barrier struct {
	mu      sync.Mutex
	cond    sync.Cond
	n       int
	waiting int
	gen     int
}

func newBarrier(n int) *barrier {
	b := &barrier{n: n}
	b.cond.L = &b.mu
	return b
}

// wait returns once all n parts have called it (again).
func (b *barrier) wait() {
	b.mu.Lock()
	gen := b.gen
	b.waiting++
	if b.waiting == b.n {
		b.waiting = 0
		b.gen++
		b.cond.Broadcast()
	} else {
		for gen == b.gen {
			b.cond.Wait()
		}
	}
	b.mu.Unlock()
}

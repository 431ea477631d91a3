package mat

import (
	"runtime"
	"sync"
	"sync/atomic"
	"time"
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
//
// A waiter spins before it parks, for up to barrierSpin: when a part
// parks, the Go scheduler may run a part that has not started yet on the
// same thread (it sits in that thread's run queue, where another thread
// steals it only after some microseconds), and the parts then take turns
// on one core instead of running side by side.
type barrier struct {
	n       int32
	waiting atomic.Int32
	gen     atomic.Uint32
	mu      sync.Mutex
	cond    sync.Cond
}

func newBarrier(n int) *barrier {
	b := &barrier{n: int32(n)}
	b.cond.L = &b.mu
	return b
}

// barrierSpin bounds the spinning of a barrier waiter.
const barrierSpin = 50 * time.Microsecond

// wait returns once all n parts have called it (again).
func (b *barrier) wait() {
	gen := b.gen.Load()
	if b.waiting.Add(1) == b.n {
		b.waiting.Store(0)
		b.mu.Lock()
		b.gen.Add(1)
		b.cond.Broadcast()
		b.mu.Unlock()
		return
	}
	start := time.Now()
	for i := 0; ; i++ {
		if b.gen.Load() != gen {
			return
		}
		if i%256 == 255 && time.Since(start) > barrierSpin {
			break
		}
	}
	b.mu.Lock()
	for b.gen.Load() == gen {
		b.cond.Wait()
	}
	b.mu.Unlock()
}

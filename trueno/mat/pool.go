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
// workers costs more in hand-off than it gains.
const serialFlops = 2 * 96 * 96 * 96

// pool is the process-wide set of worker goroutines. Work reaches them as
// closures on one channel; a worker never waits for other work, so callers
// on any number of goroutines cannot deadlock it.
var pool struct {
	mu      sync.Mutex
	started int
	work    chan func()
}

func ensureWorkers(n int) {
	pool.mu.Lock()
	defer pool.mu.Unlock()
	if pool.work == nil {
		pool.work = make(chan func())
	}
	for ; pool.started < n; pool.started++ {
		go func() {
			for f := range pool.work {
				f()
			}
		}()
	}
}

// parallel runs f(0), ..., f(parts-1), part 0 on the calling goroutine and
// the others on workers, and returns when all are done.
func parallel(parts int, f func(part int)) {
	if parts <= 1 {
		if parts == 1 {
			f(0)
		}
		return
	}
	ensureWorkers(parts - 1)
	var wg sync.WaitGroup
	wg.Add(parts - 1)
	for t := 1; t < parts; t++ {
		pool.work <- func() {
			defer wg.Done()
			f(t)
		}
	}
	f(0)
	wg.Wait()
}

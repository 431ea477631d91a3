package quant

import (
	"math/rand/v2"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func TestMatVecMatMat(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	pools := []*Pool{nil, NewPool(1), NewPool(3)}
	defer pools[1].Close()
	defer pools[2].Close()
	forEachISA(t, func(t *testing.T) {
		for _, typ := range []Type{Q4_0, Q4_1, Q8_0, Q2_K, Q4_K, Q6_K, IQ4_XS, F16} {
			for _, shape := range [][3]int{{1, 1, 1}, {7, 2, 3}, {67, 3, 5}, {9, 2, 19}} {
				rows, nb, batch := shape[0], shape[1], shape[2]
				cols := nb * max(typ.BlockSize(), 32)
				w := make([]byte, rows*typ.RowBytes(cols))
				x := make([]float32, batch*cols)
				for i := range x {
					x[i] = float32(rng.NormFloat64())
				}
				wf := make([]float32, rows*cols)
				for i := range wf {
					wf[i] = float32(rng.NormFloat64())
				}
				Quantize(typ, w, wf)
				rb := typ.RowBytes(cols)
				dt := typ.DotType()
				for _, p := range pools {
					got := make([]float32, rows*batch)
					MatMat(typ, got, w, x, batch, p)
					for b := range batch {
						mv := make([]float32, rows)
						MatVec(typ, mv, w, x[b*cols:(b+1)*cols], p)
						xq := make([]byte, dt.RowBytes(cols))
						Quantize(dt, xq, x[b*cols:(b+1)*cols])
						for r := range rows {
							wr := w[r*rb : (r+1)*rb]
							want := dotGeneric(typ, cols, wr, xq)
							checkDot(t, typ, cols, wr, xq, mv[r], want)
							checkDot(t, typ, cols, wr, xq, got[b*rows+r], want)
						}
					}
				}
			}
		}
	})
}

func TestPoolConcurrentUse(t *testing.T) {
	p := NewPool(4)
	defer p.Close()
	done := make(chan []int)
	for g := range 4 {
		go func() {
			out := make([]int, 1000)
			p.Parallel(len(out), 7, func(lo, hi int) {
				for i := lo; i < hi; i++ {
					out[i] += i + g
				}
			})
			done <- append(out, g)
		}()
	}
	for range 4 {
		out := <-done
		g := out[len(out)-1]
		for i, v := range out[:len(out)-1] {
			if v != i+g {
				t.Fatalf("goroutine %d: out[%d] = %d", g, i, v)
			}
		}
	}
}

func TestPoolParallelChunks(t *testing.T) {
	pools := []*Pool{nil, NewPool(1), NewPool(2), NewPool(5)}
	for _, p := range pools[1:] {
		defer p.Close()
	}
	for _, p := range pools {
		for _, n := range []int{0, 1, 2, 7, 64, 1000} {
			for _, chunk := range []int{-1, 0, 1, 3, 64, 2000} {
				var mu sync.Mutex
				seen := make([]int, n)
				p.Parallel(n, chunk, func(lo, hi int) {
					c := max(chunk, 1)
					if lo%c != 0 || hi != min(lo+c, n) {
						t.Errorf("n %d chunk %d: called on [%d, %d)", n, chunk, lo, hi)
					}
					mu.Lock()
					for i := lo; i < hi; i++ {
						seen[i]++
					}
					mu.Unlock()
				})
				for i, c := range seen {
					if c != 1 {
						t.Fatalf("n %d chunk %d: index %d covered %d times", n, chunk, i, c)
					}
				}
			}
		}
	}
}

// rendezvous runs a Parallel of p.Threads() chunks whose calls each wait
// until all are inside f at once: it fails (rather than hangs) unless
// every worker takes part.
func rendezvous(t *testing.T, p *Pool) {
	t.Helper()
	n := p.Threads()
	var inside atomic.Int32
	p.Parallel(n, 1, func(lo, hi int) {
		inside.Add(1)
		deadline := time.Now().Add(10 * time.Second)
		for inside.Load() < int32(n) {
			if time.Now().After(deadline) {
				t.Errorf("only %d of %d workers took part", inside.Load(), n)
				return
			}
			runtime.Gosched()
		}
	})
}

func TestPoolWorkersTakePart(t *testing.T) {
	p := NewPool(3)
	defer p.Close()
	rendezvous(t, p) // workers just started
	rendezvous(t, p) // workers spinning after the last job
	time.Sleep(20 * spinFor)
	rendezvous(t, p) // workers parked
}

func TestPoolNested(t *testing.T) {
	p := NewPool(2)
	defer p.Close()
	var mu sync.Mutex
	seen := make([]int, 40*30)
	p.Parallel(40, 1, func(lo, hi int) {
		p.Parallel(30, 4, func(lo2, hi2 int) {
			mu.Lock()
			for i := lo2; i < hi2; i++ {
				seen[lo*30+i]++
			}
			mu.Unlock()
		})
	})
	for i, c := range seen {
		if c != 1 {
			t.Fatalf("index %d covered %d times", i, c)
		}
	}
}

func TestPoolAfterClose(t *testing.T) {
	p := NewPool(3)
	p.Close()
	p.Close()
	seen := make([]int, 100)
	p.Parallel(len(seen), 3, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			seen[i]++
		}
	})
	for i, c := range seen {
		if c != 1 {
			t.Fatalf("index %d covered %d times", i, c)
		}
	}
}

func TestPoolParallelSplit(t *testing.T) {
	pools := []*Pool{nil, NewPool(1), NewPool(2), NewPool(5)}
	for _, p := range pools[1:] {
		defer p.Close()
	}
	for _, p := range pools {
		for _, n := range []int{0, 1, 15, 16, 17, 1000, 4096} {
			for _, cs := range [][2]int{{0, 0}, {1, 1}, {64, 16}, {300, 20}} {
				var mu sync.Mutex
				seen := make([]int, n)
				p.parallelSplit(n, cs[0], cs[1], func(lo, hi int) {
					if hi <= lo || lo < 0 || hi > n {
						t.Errorf("n %d chunk %d steal %d: called on [%d, %d)", n, cs[0], cs[1], lo, hi)
						return
					}
					mu.Lock()
					for i := lo; i < hi; i++ {
						seen[i]++
					}
					mu.Unlock()
				})
				for i, c := range seen {
					if c != 1 {
						t.Fatalf("n %d chunk %d steal %d: index %d covered %d times", n, cs[0], cs[1], i, c)
					}
				}
			}
		}
	}
}

// A participant that never starts must not hold up a split loop: the
// caller takes its region from the back.
func TestPoolSplitStealsFromAbsent(t *testing.T) {
	p := NewPool(2)
	defer p.Close()
	// Hold the pool's only worker in another loop.
	block := make(chan struct{})
	var inside atomic.Int32
	go p.Parallel(2, 1, func(lo, hi int) {
		inside.Add(1)
		<-block
	})
	defer close(block)
	for deadline := time.Now().Add(10 * time.Second); inside.Load() < 2; {
		if time.Now().After(deadline) {
			t.Fatal("the worker did not join the blocking loop")
		}
		runtime.Gosched()
	}
	seen := make([]int, 3000)
	p.parallelSplit(len(seen), 8, 4, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			seen[i]++
		}
	})
	for i, c := range seen {
		if c != 1 {
			t.Fatalf("index %d covered %d times", i, c)
		}
	}
}

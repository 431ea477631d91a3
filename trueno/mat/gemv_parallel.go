package mat

import "sync"

// gemvJob is one GEMV, split over the workers by rows (y = A·x) or by
// columns (y = Aᵀ·x) when it is large. Jobs are recycled with the worker
// tasks and scratch space they made the first time, so that GEMV, serial
// or on the pool, allocates nothing in steady state (the closures of
// parallel would be made on every call).
type gemvJob[T Float] struct {
	kern            gemvKernel[T]
	y, a, x         []T
	tA              Transpose
	alpha, beta     T
	rows, cols, lda int
	per             int // rows or columns per part
	wg              sync.WaitGroup
	tasks           []func()         // tasks[t-1] runs part t, then wg.Done
	scratch         []gemvScratch[T] // scratch[t] is part t's
}

var gemvJobs32, gemvJobs64 sync.Pool

func gemvJobPool[T Float]() *sync.Pool {
	var z T
	if _, ok := any(z).(float32); ok {
		return &gemvJobs32
	}
	return &gemvJobs64
}

// getGemvJob returns a recycled job, or a new one, ready for parts parts.
func getGemvJob[T Float](parts int) *gemvJob[T] {
	j, ok := gemvJobPool[T]().Get().(*gemvJob[T])
	if !ok {
		j = new(gemvJob[T])
	}
	j.grow(parts)
	return j
}

// grow makes the tasks and scratch space of parts parts. (A method: were
// j a variable assigned twice, the closures would capture it by reference
// and move it to the heap on every call.)
func (j *gemvJob[T]) grow(parts int) {
	for t := len(j.tasks) + 1; t < parts; t++ {
		j.tasks = append(j.tasks, func() {
			j.part(t)
			j.wg.Done()
		})
	}
	if len(j.scratch) < parts {
		j.scratch = make([]gemvScratch[T], parts)
	}
}

// putGemvJob drops the job's references to the caller's slices, so that
// a pooled job does not keep a matrix alive, and recycles it.
func putGemvJob[T Float](j *gemvJob[T]) {
	j.y, j.a, j.x = nil, nil, nil
	gemvJobPool[T]().Put(j)
}

// part computes part t of the job's y.
func (j *gemvJob[T]) part(t int) {
	if !j.tA {
		i0 := min(t*j.per, j.rows)
		gemvN(&j.kern, &j.scratch[t], j.y, j.alpha, j.a, i0, min(i0+j.per, j.rows), j.cols, j.lda, j.x, j.beta)
		return
	}
	j0 := min(t*j.per, j.cols)
	gemvT(&j.kern, &j.scratch[t], j.y, j.alpha, j.a, j.rows, j0, min(j0+j.per, j.cols), j.lda, j.x, j.beta)
}

// run computes the parts 0, ..., parts-1 at the same time, part 0 on the
// calling goroutine, like parallel (the parts of a GEMV are independent,
// but a part should not wait for another to finish first).
func (j *gemvJob[T]) run(parts int) {
	if parts == 1 {
		j.part(0)
		return
	}
	j.wg.Add(parts - 1)
	for _, task := range j.tasks[:parts-1] {
		select {
		case pool.work <- task:
		default:
			go worker(task)
		}
	}
	j.part(0)
	j.wg.Wait()
}

package b3

import (
	"io"
	"sync"

	"lukechampine.com/blake3/guts"
)

const runBytes = maxChunks * guts.ChunkSize // one subtree: 1 MiB

// SumReaderConcurrent is SumReader with the hashing spread over up to
// workers goroutines: a reader goroutine reads 4 MiB blocks ahead, and
// the four 1 MiB subtrees of each block are hashed side by side. The
// digest is the same as SumReader's. workers < 2 is SumReader.
func SumReaderConcurrent(r io.Reader, workers int) (int64, [Size]byte, error) {
	var sum [Size]byte
	if workers < 2 {
		return SumReader(r)
	}
	type block struct {
		buf []byte
		n   int
		err error
	}
	free := make(chan []byte, 3)
	for range 3 {
		free <- make([]byte, readBufSize)
	}
	filled := make(chan block, 1)
	go func() {
		defer close(filled)
		for b := range free {
			k, err := io.ReadFull(r, b)
			filled <- block{b, k, err}
			if err != nil {
				return
			}
		}
	}()
	h := New()
	pool := make([]*scratch, workers)
	for i := range pool {
		pool[i] = new(scratch)
	}
	var total int64
	var rerr error
	cur, ok := <-filled
	for ok {
		total += int64(cur.n)
		if cur.err != nil && cur.err != io.EOF && cur.err != io.ErrUnexpectedEOF {
			rerr = cur.err
		}
		// A full block can be hashed as whole subtrees only if more data
		// follows: the end of the input must stay in h.buf for the root.
		next, more := <-filled
		if rerr == nil {
			if more && next.n > 0 && cur.n == len(cur.buf) && h.buflen == 0 && h.counter%maxChunks == 0 {
				h.writeRuns(cur.buf, pool)
			} else {
				h.Write(cur.buf[:cur.n])
			}
		}
		if more {
			free <- cur.buf
		}
		cur, ok = next, more
	}
	close(free)
	if rerr != nil {
		return total, sum, rerr
	}
	h.Sum(sum[:0])
	return total, sum, nil
}

// writeRuns hashes data, a whole number of 1 MiB subtrees starting at an
// aligned counter, with one scratch per goroutine, and pushes the roots in
// order.
func (h *Hasher) writeRuns(data []byte, pool []*scratch) {
	n := len(data) / runBytes
	cvs := make([][8]uint32, n)
	var wg sync.WaitGroup
	next := make(chan int, n)
	for i := range n {
		next <- i
	}
	close(next)
	for _, s := range pool[:min(len(pool), n)] {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				cvs[i] = s.subtree(data[i*runBytes:][:runBytes], maxChunks, h.counter+uint64(i*maxChunks))
			}
		}()
	}
	wg.Wait()
	for _, cv := range cvs {
		h.push(cv, 10)
	}
}

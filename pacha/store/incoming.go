package store

import (
	"context"
	"fmt"
	"hash"
	"io"
	"os"
	"slices"
	"sync"
)

// Incoming is a blob of known size arriving out of order — parallel byte
// ranges written with WriteAt into a file on the store's file system (a
// CreateTemp file or one under PartialDir). Each range reported complete
// with Done joins a contiguous prefix that a background goroutine hashes
// as it grows, so that when the last range lands only the tail is left to
// hash before Commit: verification overlaps the download instead of
// following it.
type Incoming struct {
	s    *Store
	f    *os.File
	size int64

	mu     sync.Mutex
	cond   *sync.Cond
	ranges [][2]int64 // completed [start, end) beyond the prefix, sorted
	prefix int64      // bytes [0, prefix) are final
	closed bool

	h      hash.Hash
	sh     *sha256Writer
	hashed int64 // bytes hashed so far (read by Commit after the goroutine ends)
	err    error
	done   chan struct{}
}

// NewIncoming starts hashing f, a file that will hold size bytes. With
// sha256 set, the SHA-256 is computed alongside the BLAKE3.
func (s *Store) NewIncoming(f *os.File, size int64, sha256 bool) *Incoming {
	in := &Incoming{s: s, f: f, size: size, h: NewHash(), done: make(chan struct{})}
	in.cond = sync.NewCond(&in.mu)
	if sha256 {
		in.sh = newSHA256Writer()
	}
	go in.run()
	return in
}

// Done records that bytes [off, off+n) of the file are final.
func (in *Incoming) Done(off, n int64) {
	if n <= 0 {
		return
	}
	in.mu.Lock()
	defer in.mu.Unlock()
	in.ranges = append(in.ranges, [2]int64{off, off + n})
	slices.SortFunc(in.ranges, func(a, b [2]int64) int { return int(min(max(a[0]-b[0], -1), 1)) })
	grew := false
	for len(in.ranges) > 0 && in.ranges[0][0] <= in.prefix {
		in.prefix = max(in.prefix, in.ranges[0][1])
		in.ranges = in.ranges[1:]
		grew = true
	}
	if grew {
		in.cond.Broadcast()
	}
}

func (in *Incoming) run() {
	defer close(in.done)
	bufs := [2][]byte{make([]byte, 1<<20), make([]byte, 1<<20)}
	shDone := make(chan struct{}, 1)
	shDone <- struct{}{}
	defer func() { <-shDone }()
	for i := 0; ; i++ {
		in.mu.Lock()
		for in.prefix <= in.hashed && !in.closed {
			in.cond.Wait()
		}
		end := in.prefix
		closed := in.closed
		in.mu.Unlock()
		if end <= in.hashed {
			if closed {
				return
			}
			continue
		}
		buf := bufs[i%2][:min(int64(len(bufs[0])), end-in.hashed)]
		k, err := in.f.ReadAt(buf, in.hashed)
		<-shDone
		if k > 0 {
			if in.sh != nil {
				go func(p []byte) { in.sh.Write(p); shDone <- struct{}{} }(buf[:k])
			} else {
				shDone <- struct{}{}
			}
			in.h.Write(buf[:k])
			in.hashed += int64(k)
		} else {
			shDone <- struct{}{}
		}
		if err != nil && err != io.EOF {
			in.err = err
			return
		}
		if k == 0 {
			in.err = fmt.Errorf("pacha/store: %s is shorter than its completed ranges", in.f.Name())
			return
		}
	}
}

func (in *Incoming) stop() {
	in.mu.Lock()
	in.closed = true
	in.cond.Broadcast()
	in.mu.Unlock()
	<-in.done
}

// Abort stops hashing; the file is left to the caller.
func (in *Incoming) Abort() { in.stop() }

// Commit waits for the hash of the whole file, checks it against want
// (size, SHA-256, BLAKE3), and moves the file into place as a blob. The
// file is closed, and removed on failure. Every byte must have been
// reported with Done.
func (in *Incoming) Commit(ctx context.Context, want Expect) (Digest, int64, error) {
	defer removeIfExists(in.f.Name())
	defer in.f.Close()
	in.mu.Lock()
	complete := in.prefix >= in.size
	in.mu.Unlock()
	if !complete {
		in.stop()
		return "", 0, fmt.Errorf("pacha/store: commit of %s before all of its %d bytes arrived", in.f.Name(), in.size)
	}
	in.stop()
	if in.err != nil {
		return "", 0, fmt.Errorf("pacha/store: hashing %s: %w", in.f.Name(), in.err)
	}
	if err := ctx.Err(); err != nil {
		return "", 0, err
	}
	if st, err := in.f.Stat(); err != nil || st.Size() != in.size {
		return "", 0, &MismatchError{What: "size", Want: fmt.Sprint(in.size), Got: fmt.Sprint(st.Size())}
	}
	n := in.hashed
	d := DigestOf(in.h.Sum(nil))
	if want.SizeKnown && n != want.Size {
		return "", 0, &MismatchError{What: "size", Want: fmt.Sprint(want.Size), Got: fmt.Sprint(n)}
	}
	if want.SHA256 != "" {
		if in.sh == nil {
			return "", 0, fmt.Errorf("pacha/store: a SHA-256 is expected but was not computed (NewIncoming with sha256)")
		}
		if got := in.sh.hex(); got != want.SHA256 {
			return "", 0, &MismatchError{What: "sha256", Want: want.SHA256, Got: got}
		}
	}
	if want.Digest != "" && d != want.Digest {
		return "", 0, &MismatchError{What: "blake3", Want: string(want.Digest), Got: string(d)}
	}
	if err := in.s.commit(in.f, d); err != nil {
		return "", 0, err
	}
	in.s.recordSHA256(want.SHA256, d)
	return d, n, nil
}

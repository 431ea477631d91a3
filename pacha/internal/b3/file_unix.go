//go:build unix

package b3

import (
	"fmt"
	"io"
	"os"
	"runtime/debug"

	"golang.org/x/sys/unix"
)

// mapWindow is how much of the file is mapped at once: resident memory
// for the mapping stays below this however large the file.
const mapWindow = 16 << 20

// sumMapped hashes a regular file through read-only mappings of
// successive windows. ok is false when the file cannot be mapped (a pipe,
// a special file, a file system without mmap); the caller then reads it.
func sumMapped(f *os.File) (n int64, sum [Size]byte, ok bool, err error) {
	st, err := f.Stat()
	if err != nil || !st.Mode().IsRegular() || st.Size() < mapWindow {
		return 0, sum, false, nil
	}
	start, err := f.Seek(0, io.SeekCurrent)
	if err != nil || start%int64(os.Getpagesize()) != 0 {
		return 0, sum, false, nil
	}
	size := st.Size()
	// A file truncated while mapped raises SIGBUS on access; report it as
	// an error instead of crashing.
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("b3: %s changed size while being hashed: %v", f.Name(), r)
		}
	}()
	h := New()
	off := start
	for off < size {
		w := min(int64(mapWindow), size-off)
		m, merr := unix.Mmap(int(f.Fd()), off, int(w), unix.PROT_READ, unix.MAP_SHARED|unix.MAP_POPULATE)
		if merr != nil {
			if off == start {
				return 0, sum, false, nil
			}
			return off - start, sum, true, merr
		}
		h.Write(m)
		unix.Munmap(m)
		off += w
	}
	if _, err := f.Seek(size, io.SeekStart); err != nil {
		return off - start, sum, true, err
	}
	h.Sum(sum[:0])
	return size - start, sum, true, nil
}

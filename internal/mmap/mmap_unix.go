//go:build unix

package mmap

import (
	"fmt"
	"math"
	"os"

	"golang.org/x/sys/unix"
)

// Open maps the file at path read-only. An empty file gives an empty,
// non-nil Data.
func Open(path string) (*File, error) {
	fd, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer fd.Close() // the mapping outlives the descriptor
	st, err := fd.Stat()
	if err != nil {
		return nil, err
	}
	size := st.Size()
	if size == 0 {
		return &File{Data: []byte{}}, nil // Size 0
	}
	if size > math.MaxInt {
		return nil, fmt.Errorf("%s: %d bytes cannot be mapped on this platform", path, size)
	}
	mem, err := unix.Mmap(int(fd.Fd()), 0, int(size), unix.PROT_READ, unix.MAP_SHARED)
	if err != nil {
		return nil, fmt.Errorf("mmap %s: %w", path, err)
	}
	return &File{Data: mem, Size: size, close: func() error {
		if err := unix.Munmap(mem); err != nil {
			return fmt.Errorf("munmap %s: %w", path, err)
		}
		return nil
	}}, nil
}

//go:build unix

package safetensors

import (
	"fmt"
	"math"
	"os"

	"golang.org/x/sys/unix"
)

// openShard memory-maps the file at path read-only.
func openShard(path string) (*shard, error) {
	fd, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("safetensors: %w", err)
	}
	defer fd.Close() // the mapping outlives the descriptor
	st, err := fd.Stat()
	if err != nil {
		return nil, fmt.Errorf("safetensors: %w", err)
	}
	size := st.Size()
	if size == 0 {
		return &shard{path: path, mem: []byte{}}, nil
	}
	if size > math.MaxInt {
		return nil, fmt.Errorf("safetensors: %s: %d bytes cannot be mapped on this platform", path, size)
	}
	mem, err := unix.Mmap(int(fd.Fd()), 0, int(size), unix.PROT_READ, unix.MAP_SHARED)
	if err != nil {
		return nil, fmt.Errorf("safetensors: mmap %s: %w", path, err)
	}
	return &shard{path: path, mem: mem, size: size, closer: func() error {
		if err := unix.Munmap(mem); err != nil {
			return fmt.Errorf("safetensors: munmap %s: %w", path, err)
		}
		return nil
	}}, nil
}

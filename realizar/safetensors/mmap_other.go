//go:build !unix

package safetensors

import (
	"fmt"
	"os"
)

// openShard opens the file at path; without mmap, TensorData reads each
// tensor into a new slice.
func openShard(path string) (*shard, error) {
	fd, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("safetensors: %w", err)
	}
	st, err := fd.Stat()
	if err != nil {
		fd.Close()
		return nil, fmt.Errorf("safetensors: %w", err)
	}
	return &shard{path: path, r: fd, size: st.Size(), closer: fd.Close}, nil
}

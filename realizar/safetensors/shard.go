package safetensors

import (
	"fmt"

	"github.com/batuta-go/stack/internal/mmap"
)

// openShard memory-maps the file at path read-only (where the platform
// cannot map files, TensorData reads each tensor through the descriptor).
func openShard(path string) (*shard, error) {
	m, err := mmap.Open(path)
	if err != nil {
		return nil, fmt.Errorf("safetensors: %w", err)
	}
	return &shard{path: path, File: m}, nil
}

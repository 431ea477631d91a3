package safetensors

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// maxIndexSize bounds the index file read into memory.
const maxIndexSize = 64 << 20

type indexFile struct {
	Metadata  map[string]any    `json:"metadata"`
	WeightMap map[string]string `json:"weight_map"`
}

// OpenIndex opens a sharded model from its model.safetensors.index.json:
// every shard the weight map names is mapped, each listed tensor must be
// in the shard the map gives, and no tensor may be in two shards.
func OpenIndex(path string) (*File, error) {
	fd, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("safetensors: %w", err)
	}
	defer fd.Close()
	st, err := fd.Stat()
	if err != nil {
		return nil, fmt.Errorf("safetensors: %w", err)
	}
	if st.Size() > maxIndexSize {
		return nil, fmt.Errorf("safetensors: %s: index of %d bytes is larger than %d", path, st.Size(), maxIndexSize)
	}
	var idx indexFile
	if err := json.NewDecoder(fd).Decode(&idx); err != nil {
		return nil, fmt.Errorf("safetensors: %s: %w", path, err)
	}
	if len(idx.WeightMap) == 0 {
		return nil, fmt.Errorf("safetensors: %s: empty or missing weight_map", path)
	}
	var names []string
	for tensor, file := range idx.WeightMap {
		if file == "" || file != filepath.Base(file) || strings.ContainsAny(file, `/\`) || file == "." || file == ".." {
			return nil, fmt.Errorf("safetensors: %s: tensor %q: shard name %q is not a plain file name", path, tensor, file)
		}
		if !slices.Contains(names, file) {
			names = append(names, file)
		}
	}
	slices.Sort(names)
	dir := filepath.Dir(path)
	shards := make([]*shard, 0, len(names))
	hs := make([]*header, 0, len(names))
	for _, name := range names {
		sh, h, err := openOne(filepath.Join(dir, name))
		if err != nil {
			closeShards(shards)
			return nil, fmt.Errorf("safetensors: %s: shard %s: %w", path, name, err)
		}
		shards = append(shards, sh)
		hs = append(hs, h)
	}
	f, err := newFile(hs, shards)
	if err != nil {
		closeShards(shards)
		return nil, err
	}
	for tensor, file := range idx.WeightMap {
		t, ok := f.Tensor(tensor)
		if !ok || names[t.Shard] != file {
			f.Close()
			if !ok {
				return nil, fmt.Errorf("safetensors: %s: tensor %q: not in shard %s: %w", path, tensor, file, ErrTensorNotFound)
			}
			return nil, fmt.Errorf("safetensors: %s: tensor %q is in shard %s, the index says %s", path, tensor, names[t.Shard], file)
		}
	}
	return f, nil
}

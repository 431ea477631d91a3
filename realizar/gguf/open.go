package gguf

import (
	"errors"
	"fmt"
	"path/filepath"
	"regexp"
	"strconv"
)

// The metadata keys of a split model, as llama.cpp's gguf-split writes
// them into every shard.
const (
	KeySplitNo           = "split.no"            // uint16: 0-based index of this shard
	KeySplitCount        = "split.count"         // uint16: number of shards
	KeySplitTensorsCount = "split.tensors.count" // int32: tensors in all shards together
)

// splitName matches the name of one shard of a split model,
// "<prefix>-00001-of-00003.gguf".
var splitName = regexp.MustCompile(`^(.*)-([0-9]{5})-of-([0-9]{5})\.gguf$`)

// SplitPath returns the name of shard no (0-based) of count, as llama.cpp
// names them: "<prefix>-00001-of-00003.gguf".
func SplitPath(prefix string, no, count int) string {
	return fmt.Sprintf("%s-%05d-of-%05d.gguf", prefix, no+1, count)
}

// Open memory-maps the GGUF file at path and parses its header. A path
// named like a shard of a split model ("model-00001-of-00003.gguf")
// opens every shard of the set; KVs are then the first shard's and Tensors
// those of all shards in order. Close the File to release the mappings.
func Open(path string) (*File, error) {
	if m := splitName.FindStringSubmatch(filepath.Base(path)); m != nil {
		count, _ := strconv.Atoi(m[3])
		no, _ := strconv.Atoi(m[2])
		if count < 1 || no < 1 || no > count {
			return nil, fmt.Errorf("gguf: %s: shard number %d of %d is not valid", path, no, count)
		}
		return openSplit(filepath.Join(filepath.Dir(path), m[1]), count)
	}
	sh, h, err := openOne(path)
	if err != nil {
		return nil, err
	}
	f, err := newFile([]*header{h}, []*shard{sh})
	if err == nil {
		err = checkUnsplit(path, f)
	}
	if err != nil {
		closeShards([]*shard{sh})
		return nil, err
	}
	return f, nil
}

// checkUnsplit rejects a single file that says it is one of several
// shards: its tensors would silently be missing.
func checkUnsplit(path string, f *File) error {
	v, ok := f.Value(KeySplitCount)
	if !ok {
		return nil
	}
	if n, ok := asUint(v); !ok || n != 1 {
		return fmt.Errorf("gguf: %s: %s is %v: the file is one shard of a split model; open it by its shard name (<prefix>-00001-of-%05v.gguf)", path, KeySplitCount, v, v)
	}
	return nil
}

// openOne maps and parses one file.
func openOne(path string) (*shard, *header, error) {
	sh, err := openShard(path)
	if err != nil {
		return nil, nil, err
	}
	h, err := parseHeader(&decoder{r: sh.ReaderAt, mem: sh.Data, size: sh.Size})
	if err != nil {
		closeShards([]*shard{sh})
		var fe *FormatError
		if errors.As(err, &fe) {
			fe.Path = path
		}
		return nil, nil, err
	}
	return sh, h, nil
}

func closeShards(shards []*shard) {
	for _, s := range shards {
		s.Close()
	}
}

// openSplit opens the count shards of prefix and checks that their split
// keys agree with the names and with each other.
func openSplit(prefix string, count int) (*File, error) {
	shards := make([]*shard, 0, count)
	hs := make([]*header, 0, count)
	fail := func(err error) (*File, error) {
		closeShards(shards)
		return nil, err
	}
	total := 0
	for i := range count {
		path := SplitPath(prefix, i, count)
		sh, h, err := openOne(path)
		if err != nil {
			return fail(fmt.Errorf("gguf: split model %s: shard %d of %d: %w", prefix, i+1, count, err))
		}
		shards = append(shards, sh)
		hs = append(hs, h)
		total += len(h.tensors)
		if err := checkSplitKeys(path, h, i, count); err != nil {
			return fail(err)
		}
	}
	want := hs[0].kvs[hs[0].keys[KeySplitTensorsCount]].Value
	for i, h := range hs {
		if v := h.kvs[h.keys[KeySplitTensorsCount]].Value; v != want {
			return fail(fmt.Errorf("gguf: %s: %s is %v, shard 1 says %v", SplitPath(prefix, i, count), KeySplitTensorsCount, v, want))
		}
	}
	if n, _ := asUint(want); n != uint64(total) {
		return fail(fmt.Errorf("gguf: split model %s: %s is %v but the %d shards hold %d tensors", prefix, KeySplitTensorsCount, want, count, total))
	}
	f, err := newFile(hs, shards)
	if err != nil {
		return fail(fmt.Errorf("gguf: split model %s: %w", prefix, err))
	}
	return f, nil
}

// checkSplitKeys checks the split keys of shard no (0-based) of count.
func checkSplitKeys(path string, h *header, no, count int) error {
	get := func(key string) (uint64, error) {
		i, ok := h.keys[key]
		if !ok {
			return 0, fmt.Errorf("gguf: %s: shard of a split model lacks key %q: %w", path, key, ErrKeyNotFound)
		}
		v, ok := asUint(h.kvs[i].Value)
		if !ok {
			return 0, fmt.Errorf("gguf: %s: key %q holds %s, want a non-negative integer", path, key, typeName(h.kvs[i].Value))
		}
		return v, nil
	}
	n, err := get(KeySplitNo)
	if err != nil {
		return err
	}
	c, err := get(KeySplitCount)
	if err != nil {
		return err
	}
	if _, err := get(KeySplitTensorsCount); err != nil {
		return err
	}
	if n != uint64(no) || c != uint64(count) {
		return fmt.Errorf("gguf: %s: %s=%d, %s=%d, but the name says shard %d of %d", path, KeySplitNo, n, KeySplitCount, c, no+1, count)
	}
	return nil
}

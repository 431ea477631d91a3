package gguf

import (
	"fmt"
	"math"
)

// SplitOptions says where WriteSplit starts a new shard. With both limits
// zero everything goes into one shard.
type SplitOptions struct {
	// MaxTensors is the largest number of tensors in one shard (0: no
	// limit).
	MaxTensors int
	// MaxBytes is the largest size of one shard's tensor data, each tensor
	// counted with its alignment padding (0: no limit). A tensor larger
	// than MaxBytes gets a shard of its own.
	MaxBytes int64
}

// WriteSplit writes the model as shards named SplitPath(prefix, i, n)
// ("<prefix>-00001-of-00003.gguf"), the layout of llama.cpp's gguf-split:
// the first shard holds all the metadata, every shard holds split.no,
// split.count and split.tensors.count (and general.alignment when set),
// and the tensors are distributed in order. Each shard is written
// atomically. It returns the paths written; Open of the first opens them
// all.
func (w *Writer) WriteSplit(prefix string, opts SplitOptions) ([]string, error) {
	if w.err != nil {
		return nil, w.err
	}
	if opts.MaxTensors < 0 || opts.MaxBytes < 0 {
		return nil, fmt.Errorf("gguf: negative split limit %+v", opts)
	}
	align, err := w.alignment()
	if err != nil {
		return nil, err
	}
	if len(w.tensors) > math.MaxInt32 {
		return nil, fmt.Errorf("gguf: %d tensors do not fit split.tensors.count", len(w.tensors))
	}
	var groups [][]wtensor
	var cur []wtensor
	var curBytes uint64
	for _, t := range w.tensors {
		sz := pad(t.size, align)
		full := opts.MaxTensors > 0 && len(cur) == opts.MaxTensors ||
			opts.MaxBytes > 0 && len(cur) > 0 && curBytes+sz > uint64(opts.MaxBytes)
		if full {
			groups = append(groups, cur)
			cur, curBytes = nil, 0
		}
		cur = append(cur, t)
		curBytes += sz
	}
	groups = append(groups, cur)
	if len(groups) > math.MaxUint16 {
		return nil, fmt.Errorf("gguf: %d shards, more than split.count can hold (%d)", len(groups), math.MaxUint16)
	}

	paths := make([]string, len(groups))
	for i, g := range groups {
		s := NewWriter()
		if i == 0 {
			for _, kv := range w.kvs {
				s.Set(kv.Key, kv.Value)
			}
			s.Delete(KeySplitNo)
			s.Delete(KeySplitCount)
			s.Delete(KeySplitTensorsCount)
		} else if j, ok := w.keys[KeyAlignment]; ok {
			s.Set(KeyAlignment, w.kvs[j].Value)
		}
		s.Set(KeySplitNo, uint16(i))
		s.Set(KeySplitCount, uint16(len(groups)))
		s.Set(KeySplitTensorsCount, int32(len(w.tensors)))
		for _, t := range g {
			s.add(t)
		}
		paths[i] = SplitPath(prefix, i, len(groups))
		if err := s.WriteFile(paths[i]); err != nil {
			return paths[:i], fmt.Errorf("gguf: shard %d of %d: %w", i+1, len(groups), err)
		}
	}
	return paths, nil
}

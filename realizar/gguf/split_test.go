package gguf

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// TestSplitShared splits every shared model file three ways and opens the
// shards back: same metadata (plus the split keys), same tensors, same
// data.
func TestSplitShared(t *testing.T) {
	for _, path := range sharedGGUFs(t) {
		orig, err := Open(path)
		if err != nil {
			t.Fatal(err)
		}
		if len(orig.Tensors) == 0 {
			orig.Close()
			continue
		}
		t.Run(filepath.Base(path), func(t *testing.T) {
			defer orig.Close()
			// A few shards each way (every shard is fsynced: keep the count
			// small).
			var total int64
			for _, ti := range orig.Tensors {
				total += int64(pad(ti.Size, orig.Alignment))
			}
			splits := []SplitOptions{{MaxTensors: (len(orig.Tensors) + 2) / 3}, {MaxBytes: total / 4}, {MaxTensors: 1 << 20}}
			for _, opts := range splits {
				dir := t.TempDir()
				paths, err := rewrite(t, orig).WriteSplit(filepath.Join(dir, "m"), opts)
				if err != nil {
					t.Fatal(err)
				}
				checkSplit(t, orig, paths, opts)
			}
		})
	}
}

func checkSplit(t *testing.T, orig *File, paths []string, opts SplitOptions) {
	t.Helper()
	n := len(paths)
	if opts.MaxTensors > 0 {
		if want := (len(orig.Tensors) + opts.MaxTensors - 1) / opts.MaxTensors; n != want {
			t.Errorf("%+v: %d shards, want %d", opts, n, want)
		}
	}
	if opts.MaxBytes == 1 && n != len(orig.Tensors) {
		t.Errorf("one tensor per shard: %d shards for %d tensors", n, len(orig.Tensors))
	}
	for i := range paths {
		b, err := os.ReadFile(paths[i])
		if err != nil {
			t.Fatal(err)
		}
		sh, err := parseBytes(b) // this shard alone
		if err != nil {
			t.Fatal(err)
		}
		if no, _ := sh.Uint(KeySplitNo); no != uint64(i) {
			t.Errorf("shard %d: split.no %d", i, no)
		}
		want := 3 // the split keys, and the alignment when set
		if _, ok := orig.Value(KeyAlignment); ok {
			want++
			if sh.Alignment != orig.Alignment {
				t.Errorf("shard %d: alignment %d, want %d", i, sh.Alignment, orig.Alignment)
			}
		}
		if i > 0 && len(sh.KVs) != want {
			t.Errorf("shard %d: %d keys, want %d", i, len(sh.KVs), want)
		}
		if opts.MaxBytes > 1 && len(sh.Tensors) > 1 {
			var data uint64
			for _, ti := range sh.Tensors {
				data += pad(ti.Size, sh.Alignment)
			}
			if data > uint64(opts.MaxBytes) {
				t.Errorf("shard %d holds %d bytes of tensors, limit %d", i, data, opts.MaxBytes)
			}
		}
	}
	f, err := Open(paths[0])
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if len(f.KVs) != len(orig.KVs)+3 || !reflect.DeepEqual(f.KVs[:len(orig.KVs)], orig.KVs) {
		t.Errorf("metadata differs")
	}
	if no, _ := f.Uint(KeySplitNo); no != 0 {
		t.Errorf("split.no %d", no)
	}
	if c, _ := f.Uint(KeySplitCount); c != uint64(n) {
		t.Errorf("split.count %d, want %d", c, n)
	}
	if len(f.Tensors) != len(orig.Tensors) {
		t.Fatalf("%d tensors, want %d", len(f.Tensors), len(orig.Tensors))
	}
	shards := map[int]bool{}
	for i, ti := range f.Tensors {
		o := orig.Tensors[i]
		if ti.Name != o.Name || ti.Type != o.Type || !reflect.DeepEqual(ti.Dims, o.Dims) || ti.Size != o.Size {
			t.Fatalf("tensor %d: %+v, want %+v", i, ti, o)
		}
		shards[ti.Shard] = true
		a, err := f.TensorData(ti.Name)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := orig.TensorData(ti.Name)
		if !bytes.Equal(a, b) {
			t.Fatalf("%s: data differs", ti.Name)
		}
	}
	if len(shards) != n {
		t.Errorf("tensors in %d shards, want %d", len(shards), n)
	}
	// Any shard's name opens the whole set.
	g, err := Open(paths[n-1])
	if err != nil {
		t.Fatal(err)
	}
	if len(g.Tensors) != len(f.Tensors) {
		t.Errorf("opening the last shard: %d tensors", len(g.Tensors))
	}
	g.Close()
}

// TestSplitSmall splits the sample file one tensor per shard by size.
func TestSplitSmall(t *testing.T) {
	orig, err := parseBytes(sampleFile(t))
	if err != nil {
		t.Fatal(err)
	}
	for _, opts := range []SplitOptions{{MaxBytes: 1}, {MaxTensors: 2}, {}} {
		paths, err := rewrite(t, orig).WriteSplit(filepath.Join(t.TempDir(), "s"), opts)
		if err != nil {
			t.Fatal(err)
		}
		checkSplit(t, orig, paths, opts)
	}
	if _, err := NewWriter().WriteSplit(filepath.Join(t.TempDir(), "s"), SplitOptions{MaxTensors: -1}); err == nil {
		t.Error("negative limit accepted")
	}
}

func TestSplitErrors(t *testing.T) {
	mk := func(t *testing.T) (string, []string) {
		w := NewWriter()
		w.Set("general.architecture", "llama")
		for i := range 3 {
			if err := w.AddTensor(string(rune('a'+i)), F32, []uint64{1}, []byte{byte(i), 0, 0, 0}); err != nil {
				t.Fatal(err)
			}
		}
		dir := t.TempDir()
		paths, err := w.WriteSplit(filepath.Join(dir, "m"), SplitOptions{MaxTensors: 1})
		if err != nil || len(paths) != 3 {
			t.Fatal(paths, err)
		}
		return dir, paths
	}
	t.Run("missing shard", func(t *testing.T) {
		_, paths := mk(t)
		os.Remove(paths[1])
		_, err := Open(paths[0])
		if !errors.Is(err, os.ErrNotExist) || !strings.Contains(err.Error(), "shard 2 of 3") {
			t.Errorf("got %v", err)
		}
	})
	t.Run("shard alone", func(t *testing.T) {
		dir, paths := mk(t)
		lone := filepath.Join(dir, "lone.gguf")
		os.Rename(paths[0], lone)
		_, err := Open(lone)
		if err == nil || !strings.Contains(err.Error(), "split.count") {
			t.Errorf("got %v", err)
		}
	})
	t.Run("renamed shard", func(t *testing.T) {
		_, paths := mk(t)
		// swap shards 2 and 3: their split.no no longer matches the names
		tmp := paths[1] + ".tmp"
		os.Rename(paths[1], tmp)
		os.Rename(paths[2], paths[1])
		os.Rename(tmp, paths[2])
		_, err := Open(paths[0])
		if err == nil || !strings.Contains(err.Error(), "split.no=2") {
			t.Errorf("got %v", err)
		}
	})
	t.Run("wrong tensor count", func(t *testing.T) {
		dir, _ := mk(t)
		w := NewWriter()
		w.Set(KeySplitNo, uint16(0))
		w.Set(KeySplitCount, uint16(2))
		w.Set(KeySplitTensorsCount, int32(5))
		w.AddTensor("x", F32, []uint64{1}, make([]byte, 4))
		w.WriteFile(filepath.Join(dir, "n-00001-of-00002.gguf"))
		w = NewWriter()
		w.Set(KeySplitNo, uint16(1))
		w.Set(KeySplitCount, uint16(2))
		w.Set(KeySplitTensorsCount, int32(5))
		w.AddTensor("y", F32, []uint64{1}, make([]byte, 4))
		w.WriteFile(filepath.Join(dir, "n-00002-of-00002.gguf"))
		_, err := Open(filepath.Join(dir, "n-00001-of-00002.gguf"))
		if err == nil || !strings.Contains(err.Error(), "hold 2 tensors") {
			t.Errorf("got %v", err)
		}
	})
	t.Run("duplicate across shards", func(t *testing.T) {
		dir, _ := mk(t)
		for i := range 2 {
			w := NewWriter()
			w.Set(KeySplitNo, uint16(i))
			w.Set(KeySplitCount, uint16(2))
			w.Set(KeySplitTensorsCount, int32(2))
			w.AddTensor("x", F32, []uint64{1}, make([]byte, 4))
			w.WriteFile(SplitPath(filepath.Join(dir, "d"), i, 2))
		}
		_, err := Open(SplitPath(filepath.Join(dir, "d"), 0, 2))
		if err == nil || !strings.Contains(err.Error(), "duplicate tensor") || !strings.Contains(err.Error(), `"x"`) {
			t.Errorf("got %v", err)
		}
	})
	t.Run("bad shard name", func(t *testing.T) {
		_, err := Open(filepath.Join(t.TempDir(), "m-00004-of-00003.gguf"))
		if err == nil || !strings.Contains(err.Error(), "not valid") {
			t.Errorf("got %v", err)
		}
	})
}

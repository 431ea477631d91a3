package safetensors

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"testing"
)

// stTensor is a tensor to write into a test safetensors file.
type stTensor struct {
	name  string
	dtype DType
	shape []uint64
	data  []byte
}

// encodeFile builds a safetensors file the way the Python library lays it
// out: the JSON header padded with spaces to a multiple of 8 bytes, then
// the tensors in name order.
func encodeFile(ts []stTensor, meta map[string]string) []byte {
	sort.Slice(ts, func(i, j int) bool { return ts[i].name < ts[j].name })
	hdr := map[string]any{}
	if meta != nil {
		hdr["__metadata__"] = meta
	}
	var off uint64
	for _, t := range ts {
		hdr[t.name] = map[string]any{"dtype": t.dtype, "shape": t.shape, "data_offsets": []uint64{off, off + uint64(len(t.data))}}
		off += uint64(len(t.data))
	}
	js, err := json.Marshal(hdr)
	if err != nil {
		panic(err)
	}
	for len(js)%8 != 0 {
		js = append(js, ' ')
	}
	var b bytes.Buffer
	binary.Write(&b, binary.LittleEndian, uint64(len(js)))
	b.Write(js)
	for _, t := range ts {
		b.Write(t.data)
	}
	return b.Bytes()
}

// writeModelDir writes ts into dir as model.safetensors, or as shards
// with an index when shards > 1.
func writeModelDir(t testing.TB, dir string, ts []stTensor, shards int) {
	t.Helper()
	if shards <= 1 {
		if err := os.WriteFile(filepath.Join(dir, SingleName), encodeFile(ts, map[string]string{"format": "pt"}), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	wm := map[string]string{}
	for s := range shards {
		name := fmt.Sprintf("model-%05d-of-%05d.safetensors", s+1, shards)
		var part []stTensor
		for i := s; i < len(ts); i += shards {
			part = append(part, ts[i])
			wm[ts[i].name] = name
		}
		if err := os.WriteFile(filepath.Join(dir, name), encodeFile(part, nil), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	idx, _ := json.Marshal(map[string]any{"metadata": map[string]any{"total_size": 0}, "weight_map": wm})
	if err := os.WriteFile(filepath.Join(dir, IndexName), idx, 0o644); err != nil {
		t.Fatal(err)
	}
}

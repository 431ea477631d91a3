package gguf

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/batuta-go/stack/internal/testdata"
)

// fuzzDataCap bounds the tensor bytes one fuzz input may copy.
const fuzzDataCap = 1 << 20

// fuzzSeedCap bounds the seeds taken from shared files, so that each
// input stays fast to parse.
const fuzzSeedCap = 64 << 10

// FuzzParse parses arbitrary bytes. Whatever parses must describe tensors
// inside the input, and must survive a round trip through the Writer:
// writing the parsed file and parsing that again reproduces the same
// bytes when written once more.
func FuzzParse(f *testing.F) {
	f.Add(sampleFile(f))
	f.Add(tinyFile(3, 0))
	f.Add(tinyFile(2, 64))
	f.Add(tensorFile([]tinfo{{"a", []uint64{16}, 0, 0}, {"b", []uint64{32}, uint32(Q4_0), 64}}, 128))
	f.Add([]byte("GGUF"))
	if root, err := testdata.Root(); err == nil {
		for _, sub := range []string{"models", "models/arch", "tokenizer"} {
			files, _ := filepath.Glob(filepath.Join(root, sub, "*.gguf"))
			for _, p := range files {
				if seed := headerSeed(p); seed != nil {
					f.Add(seed)
				}
			}
		}
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		g, err := parseBytes(b)
		if err != nil {
			return
		}
		var total uint64
		for _, ti := range g.Tensors {
			if ti.Offset+ti.Size > uint64(len(b)) || ti.Offset%g.Alignment != 0 {
				t.Fatalf("tensor %q at [%d,+%d) in a %d-byte input", ti.Name, ti.Offset, ti.Size, len(b))
			}
			total += ti.Size
		}
		if total > fuzzDataCap {
			return
		}
		w1 := writeBack(t, g)
		g2, err := parseBytes(w1)
		if err != nil {
			t.Fatalf("re-written file does not parse: %v", err)
		}
		if w2 := writeBack(t, g2); !bytes.Equal(w1, w2) {
			t.Fatal("write(parse(write(parse(x)))) != write(parse(x))")
		}
	})
}

func writeBack(t *testing.T, g *File) []byte {
	w := NewWriter()
	for _, kv := range g.KVs {
		w.Set(kv.Key, kv.Value)
	}
	for _, ti := range g.Tensors {
		d, err := g.TensorData(ti.Name)
		if err != nil {
			t.Fatal(err)
		}
		if err := w.AddTensor(ti.Name, ti.Type, ti.Dims, d); err != nil {
			t.Fatalf("parsed tensor rejected by the Writer: %v", err)
		}
	}
	var buf bytes.Buffer
	if _, err := w.WriteTo(&buf); err != nil {
		t.Fatalf("parsed file cannot be written: %v", err)
	}
	return buf.Bytes()
}

// headerSeed returns the header of a shared GGUF (the bytes before its
// data section), or its first fuzzSeedCap bytes when the header is larger.
func headerSeed(path string) []byte {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil
	}
	f, err := parseBytes(b)
	if err != nil {
		return nil
	}
	end := uint64(len(b))
	for _, ti := range f.Tensors {
		end = min(end, ti.Offset)
	}
	return b[:min(end, fuzzSeedCap)]
}

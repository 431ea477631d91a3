package gguf

import (
	"bytes"
	"encoding/binary"
	"math"
	"path/filepath"
	"testing"

	"github.com/batuta-go/stack/internal/testdata"
)

// raw assembles GGUF bytes field by field, so tests can write files the
// Writer would refuse to produce.
type raw struct{ bytes.Buffer }

func (r *raw) u8(v uint8)   { r.WriteByte(v) }
func (r *raw) u32(v uint32) { binary.Write(r, binary.LittleEndian, v) }
func (r *raw) u64(v uint64) { binary.Write(r, binary.LittleEndian, v) }
func (r *raw) f32(v float32) {
	r.u32(math.Float32bits(v))
}
func (r *raw) str(s string) { r.u64(uint64(len(s))); r.WriteString(s) }
func (r *raw) header(version uint32, tensors, kvs uint64) {
	r.WriteString("GGUF")
	r.u32(version)
	r.u64(tensors)
	r.u64(kvs)
}
func (r *raw) pad(align int) {
	for r.Len()%align != 0 {
		r.WriteByte(0)
	}
}

// parseBytes parses b through the io.ReaderAt path.
func parseBytes(b []byte) (*File, error) { return Parse(bytes.NewReader(b), int64(len(b))) }

// sharedGGUFs lists every GGUF file of the shared test data: models,
// architecture models and tokenizer vocabularies.
func sharedGGUFs(t testing.TB) []string {
	t.Helper()
	var files []string
	for _, sub := range []string{"models", "models/arch", "tokenizer"} {
		d := testdata.Dir(t, sub)
		m, err := filepath.Glob(filepath.Join(d, "*.gguf"))
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, m...)
	}
	if len(files) == 0 {
		t.Fatal("no GGUF files in the shared test data")
	}
	return files
}

package meta_test

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/batuta-go/stack/internal/testdata"
	"github.com/batuta-go/stack/pacha/meta"
)

// ggufBuilder writes GGUF headers for tests.
type ggufBuilder struct {
	bytes.Buffer
	order binary.ByteOrder
}

func (b *ggufBuilder) u32(v uint32) { binary.Write(b, b.order, v) }
func (b *ggufBuilder) u64(v uint64) { binary.Write(b, b.order, v) }
func (b *ggufBuilder) str(s string) { b.u64(uint64(len(s))); b.WriteString(s) }
func (b *ggufBuilder) kvStr(k, v string) {
	b.str(k)
	b.u32(8)
	b.str(v)
}
func (b *ggufBuilder) kvU32(k string, v uint32) {
	b.str(k)
	b.u32(4)
	b.u32(v)
}

func synthGGUF(order binary.ByteOrder, version uint32) []byte {
	b := &ggufBuilder{order: order}
	b.WriteString("GGUF")
	b.u32(version)
	b.u64(2) // tensors
	b.u64(6) // keys
	b.kvStr("general.architecture", "qwen2")
	b.kvStr("general.name", "tiny")
	b.kvStr("general.license", "apache-2.0")
	b.kvU32("general.file_type", 15)
	b.kvU32("qwen2.context_length", 32768)
	// tokenizer.ggml.tokens: array of 3 strings (skipped, not kept)
	b.str("tokenizer.ggml.tokens")
	b.u32(9)
	b.u32(8)
	b.u64(3)
	for _, s := range []string{"a", "bb", "ccc"} {
		b.str(s)
	}
	b.str("token_embd.weight")
	b.u32(2)
	b.u64(64)
	b.u64(100)
	b.u32(12) // Q4_K
	b.u64(0)
	b.str("output_norm.weight")
	b.u32(1)
	b.u64(64)
	b.u32(0) // F32
	b.u64(4096)
	return b.Bytes()
}

func TestReadGGUFSynthetic(t *testing.T) {
	for _, tc := range []struct {
		order   binary.ByteOrder
		version uint32
	}{{binary.LittleEndian, 3}, {binary.LittleEndian, 2}, {binary.BigEndian, 3}} {
		data := synthGGUF(tc.order, tc.version)
		h, err := meta.ReadGGUFHeader(bytes.NewReader(data))
		if err != nil {
			t.Fatalf("%v v%d: %v", tc.order, tc.version, err)
		}
		m := h.Metadata()
		want := meta.Metadata{Format: "gguf", Name: "tiny", Architecture: "qwen2", Parameters: 6464, Quantization: "Q4_K_M",
			ContextLength: 32768, License: "apache-2.0", Tensors: 2, GGUFVersion: int(tc.version)}
		if m != want {
			t.Errorf("%v v%d: metadata %+v\nwant %+v", tc.order, tc.version, m, want)
		}
		if h.HeaderSize != int64(len(data)) || h.BigEndian != (tc.order == binary.BigEndian) {
			t.Errorf("header size %d (want %d), big-endian %v", h.HeaderSize, len(data), h.BigEndian)
		}
		if _, ok := h.KV["tokenizer.ggml.tokens"]; ok {
			t.Errorf("array value kept")
		}
		// Every truncation is an error, never a panic or a success.
		for n := 0; n < len(data); n++ {
			if _, err := meta.ReadGGUFHeader(bytes.NewReader(data[:n])); err == nil {
				t.Fatalf("truncated to %d bytes: no error", n)
			}
		}
	}
}

func TestReadGGUFRejects(t *testing.T) {
	if _, err := meta.ReadGGUF(strings.NewReader("PK\x03\x04 not a gguf")); !errors.Is(err, meta.ErrNotGGUF) {
		t.Errorf("zip: %v", err)
	}
	v1 := synthGGUF(binary.LittleEndian, 3)
	v1[4] = 1
	if _, err := meta.ReadGGUF(bytes.NewReader(v1)); err == nil || !strings.Contains(err.Error(), "version 1") {
		t.Errorf("v1: %v", err)
	}
	huge := synthGGUF(binary.LittleEndian, 3)
	binary.LittleEndian.PutUint64(huge[8:], 1<<40)
	if _, err := meta.ReadGGUF(bytes.NewReader(huge)); err == nil {
		t.Errorf("2^40 tensors accepted")
	}
}

// The shared GGUF models: each must parse; f16 and f32 variants of one
// architecture hold the same parameters; for all-F32 files the tensor
// data (file size minus aligned header) is 4 bytes per parameter.
func TestReadGGUFSharedModels(t *testing.T) {
	dir := testdata.Dir(t, "models")
	files, _ := filepath.Glob(filepath.Join(dir, "*.gguf"))
	arch, _ := filepath.Glob(filepath.Join(dir, "arch", "*.gguf"))
	files = append(files, arch...)
	if len(files) == 0 {
		t.Skip("no GGUF files in " + dir)
	}
	params := map[string]int64{}
	for _, p := range files {
		f, err := os.Open(p)
		if err != nil {
			t.Fatal(err)
		}
		h, err := meta.ReadGGUFHeader(f)
		st, _ := f.Stat()
		f.Close()
		if err != nil {
			t.Errorf("%s: %v", p, err)
			continue
		}
		m := h.Metadata()
		base := filepath.Base(p)
		t.Logf("%s: %+v", base, m)
		if m.Architecture == "" || m.Parameters == 0 || m.ContextLength == 0 || m.Quantization == "" {
			t.Errorf("%s: incomplete metadata %+v", base, m)
		}
		if a, _, ok := strings.Cut(base, "-"); ok && strings.Contains(p, "arch") {
			if m.Architecture != a {
				t.Errorf("%s: architecture %q", base, m.Architecture)
			}
			if m.ContextLength != 256 {
				t.Errorf("%s: context length %d, want 256", base, m.ContextLength)
			}
			if prev, ok := params[a]; ok && prev != m.Parameters {
				t.Errorf("%s: %d parameters, other variant has %d", base, m.Parameters, prev)
			}
			params[a] = m.Parameters
		}
		if len(h.TypeElements) == 1 && h.TypeElements["F32"] > 0 {
			align := int64(32)
			if a, ok := h.KV["general.alignment"].(uint64); ok {
				align = int64(a)
			}
			data := st.Size() - (h.HeaderSize+align-1)/align*align
			// Tensors are padded to the alignment; allow that slack.
			if data < 4*m.Parameters || data > 4*m.Parameters+align*m.Tensors {
				t.Errorf("%s: %d data bytes for %d F32 parameters", base, data, m.Parameters)
			}
		}
	}
}

func FuzzReadGGUFHeader(f *testing.F) {
	f.Add(synthGGUF(binary.LittleEndian, 3))
	f.Add(synthGGUF(binary.BigEndian, 2))
	f.Fuzz(func(t *testing.T, data []byte) {
		h, err := meta.ReadGGUFHeader(bytes.NewReader(data))
		if err != nil {
			return
		}
		if h.HeaderSize > int64(len(data)) || h.Parameters < 0 {
			t.Fatalf("header size %d of %d bytes, %d parameters", h.HeaderSize, len(data), h.Parameters)
		}
		_ = h.Metadata()
	})
}

func FuzzReadSafeTensorsHeader(f *testing.F) {
	hdr := `{"a":{"dtype":"F16","shape":[2,3],"data_offsets":[0,12]}}`
	var b bytes.Buffer
	binary.Write(&b, binary.LittleEndian, uint64(len(hdr)))
	b.WriteString(hdr)
	f.Add(b.Bytes())
	f.Fuzz(func(t *testing.T, data []byte) {
		h, err := meta.ReadSafeTensorsHeader(io.LimitReader(bytes.NewReader(data), 1<<20))
		if err == nil && (h.Parameters < 0 || h.HeaderSize > int64(len(data))) {
			t.Fatalf("bad header %+v", h)
		}
	})
}

func TestDetectSumsShards(t *testing.T) {
	shard := synthGGUF(binary.LittleEndian, 3)
	open := func(b []byte) func() (io.ReadCloser, error) {
		return func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(b)), nil }
	}
	m, err := meta.Detect([]meta.File{
		{Path: "m-00002-of-00002.gguf", Open: open(shard)},
		{Path: "m-00001-of-00002.gguf", Open: open(shard)},
		{Path: "README.md", Open: open([]byte("---\nlicense: other\n---\n"))},
	})
	if err != nil || m.Parameters != 2*6464 || m.Tensors != 4 || m.Architecture != "qwen2" || m.License != "apache-2.0" {
		t.Errorf("Detect = %+v, %v", m, err)
	}
}

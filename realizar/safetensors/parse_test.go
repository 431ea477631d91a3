package safetensors

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"testing"
)

func parseBytes(b []byte) (*File, error) { return Parse(bytes.NewReader(b), int64(len(b))) }

// rawFile is a header length, the JSON text and data bytes.
func rawFile(js string, data int) []byte {
	var b bytes.Buffer
	binary.Write(&b, binary.LittleEndian, uint64(len(js)))
	b.WriteString(js)
	b.Write(make([]byte, data))
	return b.Bytes()
}

func sample() []byte {
	return encodeFile([]stTensor{
		{"a", F32, []uint64{2, 3}, bytes.Repeat([]byte{1, 0, 0x80, 0x3f}, 6)},
		{"b", F16, []uint64{5}, make([]byte, 10)},
		{"c", BF16, []uint64{}, []byte{0x80, 0x3f}},
		{"d", "I64", []uint64{1}, make([]byte, 8)},
	}, map[string]string{"format": "pt"})
}

func TestParse(t *testing.T) {
	b := sample()
	f, err := parseBytes(b)
	if err != nil {
		t.Fatal(err)
	}
	if f.Metadata["format"] != "pt" || len(f.Tensors) != 4 {
		t.Fatalf("metadata %v, %d tensors", f.Metadata, len(f.Tensors))
	}
	a, ok := f.Tensor("a")
	if !ok || a.DType != F32 || !reflect.DeepEqual(a.Shape, []uint64{2, 3}) || a.Size != 24 || a.Elements() != 6 {
		t.Errorf("a = %+v", a)
	}
	d, err := f.TensorData("a")
	if err != nil || !bytes.Equal(d, bytes.Repeat([]byte{1, 0, 0x80, 0x3f}, 6)) {
		t.Errorf("data of a: %x, %v", d, err)
	}
	if c, _ := f.Tensor("c"); c.Elements() != 1 || c.Size != 2 {
		t.Errorf("scalar c = %+v", c)
	}
	if _, err := f.TensorData("zz"); !errors.Is(err, ErrTensorNotFound) {
		t.Errorf("absent tensor: %v", err)
	}
	if _, err := F32.GGUF(); err != nil {
		t.Error(err)
	}
	if _, err := DType("I64").GGUF(); err == nil || !strings.Contains(err.Error(), "I64") {
		t.Errorf("I64 as a weight: %v", err)
	}

	// The mapped file agrees with the parsed one.
	path := filepath.Join(t.TempDir(), "x.safetensors")
	os.WriteFile(path, b, 0o644)
	g, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(g.Tensors, f.Tensors) {
		t.Error("Open and Parse disagree")
	}
	for _, ti := range f.Tensors {
		x, _ := f.TensorData(ti.Name)
		y, err := g.TensorData(ti.Name)
		if err != nil || !bytes.Equal(x, y) {
			t.Errorf("%s: mapped data differs (%v)", ti.Name, err)
		}
	}
	g.Close()
	if _, err := g.TensorData("a"); err == nil {
		t.Error("TensorData after Close")
	}
}

func TestTruncation(t *testing.T) {
	b := sample()
	for n := range len(b) {
		_, err := parseBytes(b[:n])
		var fe *FormatError
		if !errors.As(err, &fe) {
			t.Fatalf("cut at %d: %v", n, err)
		}
	}
}

func TestHostile(t *testing.T) {
	cases := []struct {
		name   string
		b      []byte
		want   string
		tensor string
	}{
		{"short", []byte{1, 2, 3}, "too short", ""},
		{"huge header length", func() []byte { b := rawFile("{}", 0); binary.LittleEndian.PutUint64(b, 1<<62); return b }(), "exceeds", ""},
		{"over the limit", func() []byte {
			b := make([]byte, 8+MaxHeaderSize+1)
			binary.LittleEndian.PutUint64(b, MaxHeaderSize+1)
			return b
		}(), "limit", ""},
		{"not an object", rawFile(`[1]`, 0), "not a JSON object", ""},
		{"bad JSON", rawFile(`{"a":`, 0), "JSON", "a"},
		{"trailing", rawFile(`{} x`, 0), "after the header", ""},
		{"duplicate", rawFile(`{"a":{"dtype":"U8","shape":[1],"data_offsets":[0,1]},"a":{"dtype":"U8","shape":[1],"data_offsets":[1,2]}}`, 2), "duplicate", "a"},
		{"unknown dtype", rawFile(`{"a":{"dtype":"F7","shape":[1],"data_offsets":[0,1]}}`, 1), `unknown dtype "F7"`, "a"},
		{"no shape", rawFile(`{"a":{"dtype":"U8","data_offsets":[0,1]}}`, 1), "no shape", "a"},
		{"negative dim", rawFile(`{"a":{"dtype":"U8","shape":[-1],"data_offsets":[0,1]}}`, 1), "non-negative", "a"},
		{"fractional dim", rawFile(`{"a":{"dtype":"U8","shape":[1.5],"data_offsets":[0,1]}}`, 1), "non-negative", "a"},
		{"element overflow", rawFile(`{"a":{"dtype":"U8","shape":[4294967296,4294967296],"data_offsets":[0,1]}}`, 1), "2^63 elements", "a"},
		{"byte overflow", rawFile(`{"a":{"dtype":"F64","shape":[4294967296,1073741824],"data_offsets":[0,1]}}`, 1), "2^63 bytes", "a"},
		{"offsets count", rawFile(`{"a":{"dtype":"U8","shape":[1],"data_offsets":[0]}}`, 1), "2", "a"},
		{"reversed offsets", rawFile(`{"a":{"dtype":"U8","shape":[0],"data_offsets":[1,0]}}`, 1), "outside", "a"},
		{"past the end", rawFile(`{"a":{"dtype":"U8","shape":[2],"data_offsets":[0,2]}}`, 1), "outside", "a"},
		{"huge offset", rawFile(`{"a":{"dtype":"U8","shape":[1],"data_offsets":[18446744073709551615,18446744073709551615]}}`, 1), "outside", "a"},
		{"size mismatch", rawFile(`{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,4]}}`, 8), "has 8", "a"},
		{"overlap", rawFile(`{"a":{"dtype":"U8","shape":[4],"data_offsets":[0,4]},"b":{"dtype":"U8","shape":[2],"data_offsets":[2,4]}}`, 4), "overlaps", "b"},
		{"bad metadata", rawFile(`{"__metadata__":{"a":1}}`, 0), "__metadata__", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			_, err := parseBytes(c.b)
			runtime.ReadMemStats(&after)
			var fe *FormatError
			if !errors.As(err, &fe) || !strings.Contains(err.Error(), c.want) || fe.Tensor != c.tensor {
				t.Errorf("want %q (tensor %q), got %v", c.want, c.tensor, err)
			}
			if got := after.TotalAlloc - before.TotalAlloc; got > uint64(len(c.b))+1<<20 {
				t.Errorf("allocated %d bytes rejecting a %d-byte file", got, len(c.b))
			}
		})
	}
	if _, err := parseBytes(rawFile(`{"a":{"dtype":"U8","shape":[2],"data_offsets":[0,2]}}`, 1)); !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Errorf("data past the end should wrap io.ErrUnexpectedEOF: %v", err)
	}
}

func TestIndex(t *testing.T) {
	ts := []stTensor{
		{"x", F32, []uint64{1}, make([]byte, 4)},
		{"y", F16, []uint64{2}, make([]byte, 4)},
		{"z", BF16, []uint64{3}, make([]byte, 6)},
	}
	dir := t.TempDir()
	writeModelDir(t, dir, ts, 2)
	for _, p := range []string{dir, filepath.Join(dir, IndexName)} {
		f, err := Open(p)
		if err != nil {
			t.Fatal(err)
		}
		if len(f.Tensors) != 3 {
			t.Errorf("%d tensors", len(f.Tensors))
		}
		for _, x := range ts {
			ti, ok := f.Tensor(x.name)
			d, err := f.TensorData(x.name)
			if !ok || ti.DType != x.dtype || err != nil || len(d) != len(x.data) {
				t.Errorf("%s: %+v %v", x.name, ti, err)
			}
		}
		f.Close()
	}

	write := func(t *testing.T, idx string) string {
		d := t.TempDir()
		writeModelDir(t, d, ts, 2)
		os.WriteFile(filepath.Join(d, IndexName), []byte(idx), 0o644)
		return d
	}
	for _, c := range []struct{ name, idx, want string }{
		{"missing shard", `{"weight_map":{"x":"nope.safetensors"}}`, "no such file"},
		{"path escape", `{"weight_map":{"x":"../model-00001-of-00002.safetensors"}}`, "plain file name"},
		{"wrong shard", `{"weight_map":{"x":"model-00002-of-00002.safetensors","y":"model-00002-of-00002.safetensors"}}`, `tensor "x": not in shard`},
		{"empty", `{"weight_map":{}}`, "weight_map"},
		{"bad JSON", `{"weight_map":`, "EOF"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := Open(write(t, c.idx))
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("want %q, got %v", c.want, err)
			}
		})
	}
	t.Run("same tensor in two shards", func(t *testing.T) {
		d := t.TempDir()
		os.WriteFile(filepath.Join(d, "a.safetensors"), encodeFile(ts[:1], nil), 0o644)
		os.WriteFile(filepath.Join(d, "b.safetensors"), encodeFile(ts[:2], nil), 0o644)
		os.WriteFile(filepath.Join(d, IndexName), []byte(`{"weight_map":{"x":"a.safetensors","y":"b.safetensors"}}`), 0o644)
		_, err := Open(d)
		if err == nil || !strings.Contains(err.Error(), `"x"`) || !strings.Contains(err.Error(), "also in") {
			t.Errorf("got %v", err)
		}
	})
}

// FuzzParse parses arbitrary bytes as a safetensors file; whatever parses
// must describe non-overlapping tensors inside the input.
func FuzzParse(f *testing.F) {
	f.Add(sample())
	f.Add(rawFile(`{}`, 0))
	f.Add(rawFile(`{"__metadata__":{"k":"v"},"a":{"dtype":"BF16","shape":[2,1],"data_offsets":[0,4]}}`, 4))
	f.Add(rawFile(`{"a":{"dtype":"U8","shape":[4],"data_offsets":[0,4]},"b":{"dtype":"U8","shape":[2],"data_offsets":[2,4]}}`, 4))
	f.Fuzz(func(t *testing.T, b []byte) {
		g, err := parseBytes(b)
		if err != nil {
			var fe *FormatError
			if !errors.As(err, &fe) {
				t.Fatalf("error is not a FormatError: %v", err)
			}
			return
		}
		var end uint64
		for _, ti := range g.Tensors {
			if ti.Offset < end || ti.Offset+ti.Size > uint64(len(b)) || ti.Size != ti.Elements()*uint64(ti.DType.Size()) {
				t.Fatalf("tensor %q at [%d,+%d) (previous end %d) in %d bytes", ti.Name, ti.Offset, ti.Size, end, len(b))
			}
			end = ti.Offset + ti.Size
		}
	})
}

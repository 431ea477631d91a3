package gguf

import (
	"bytes"
	"errors"
	"io"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// rewrite copies f into a new Writer: metadata in order, tensors streamed
// from f at write time.
func rewrite(t testing.TB, f *File) *Writer {
	t.Helper()
	w := NewWriter()
	for _, kv := range f.KVs {
		w.Set(kv.Key, kv.Value)
	}
	for _, ti := range f.Tensors {
		name := ti.Name
		err := w.AddTensorFunc(name, ti.Type, ti.Dims, func(out io.Writer) error {
			b, err := f.TensorData(name)
			if err != nil {
				return err
			}
			_, err = out.Write(b)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	return w
}

// TestRewriteShared re-writes every shared GGUF from its parsed contents
// and requires the very same bytes: key order, value types, tensor
// directory, alignment and padding all reproduced.
func TestRewriteShared(t *testing.T) {
	for _, path := range sharedGGUFs(t) {
		t.Run(filepath.Base(path), func(t *testing.T) {
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			f, err := Open(path)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			if f.Version != 3 {
				t.Skipf("version %d file: the Writer writes version 3", f.Version)
			}
			var buf bytes.Buffer
			n, err := rewrite(t, f).WriteTo(&buf)
			if err != nil {
				t.Fatal(err)
			}
			got := buf.Bytes()
			if n != int64(len(got)) {
				t.Errorf("WriteTo returned %d, wrote %d", n, len(got))
			}
			if !bytes.Equal(got, want) {
				i := 0
				for i < len(got) && i < len(want) && got[i] == want[i] {
					i++
				}
				t.Fatalf("re-written file differs at byte %d (got %d bytes, want %d)", i, len(got), len(want))
			}
		})
	}
}

func TestWriterRoundTrip(t *testing.T) {
	w := NewWriter()
	values := []KV{
		{"general.architecture", "llama"},
		{"general.alignment", uint32(64)},
		{"u8", uint8(200)}, {"i8", int8(-100)}, {"u16", uint16(60000)}, {"i16", int16(-30000)},
		{"u32", uint32(4e9)}, {"i32", int32(-2e9)}, {"u64", uint64(1 << 60)}, {"i64", int64(-1 << 60)},
		{"f32", float32(math.Pi)}, {"f64", math.E}, {"t", true}, {"f", false}, {"s", "ünïcode"}, {"empty", ""},
		{"a.u8", []uint8{1, 2}}, {"a.i8", []int8{-1}}, {"a.u16", []uint16{3}}, {"a.i16", []int16{-4}},
		{"a.u32", []uint32{5}}, {"a.i32", []int32{-6, 7}}, {"a.u64", []uint64{8}}, {"a.i64", []int64{-9}},
		{"a.f32", []float32{1.5, float32(math.Inf(-1))}}, {"a.f64", []float64{2.5}}, {"a.bool", []bool{true, false}},
		{"a.str", []string{"x", "", "yz"}}, {"a.empty", []int32{}},
		{"a.nested", []any{[]uint8{1}, []string{"a"}, []any{[]float32{2}}, []any{}}},
	}
	for _, kv := range values {
		w.Set(kv.Key, kv.Value)
	}
	w.Set("u8", uint8(201)) // replaces in place
	values[2].Value = uint8(201)

	f32 := make([]byte, 4*5*3)
	for i := range f32 {
		f32[i] = byte(i)
	}
	q := make([]byte, Q4_0.RowBytes(64)*2)
	for i := range q {
		q[i] = byte(3 * i)
	}
	if err := w.AddTensor("w.f32", F32, []uint64{5, 3}, f32); err != nil {
		t.Fatal(err)
	}
	if err := w.AddTensorFunc("w.q4", Q4_0, []uint64{64, 2}, func(out io.Writer) error {
		// in two parts, as a streaming producer would
		if _, err := out.Write(q[:10]); err != nil {
			return err
		}
		_, err := out.Write(q[10:])
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if err := w.AddTensor("w.4d", I8, []uint64{1, 2, 1, 3}, []byte{1, 2, 3, 4, 5, 6}); err != nil {
		t.Fatal(err)
	}

	path := filepath.Join(t.TempDir(), "rt.gguf")
	if err := w.WriteFile(path); err != nil {
		t.Fatal(err)
	}
	var again bytes.Buffer
	if _, err := w.WriteTo(&again); err != nil {
		t.Fatal(err)
	}
	onDisk, _ := os.ReadFile(path)
	if !bytes.Equal(onDisk, again.Bytes()) {
		t.Error("two writes of the same Writer differ")
	}
	f, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if f.Version != 3 || f.Alignment != 64 {
		t.Errorf("version %d alignment %d", f.Version, f.Alignment)
	}
	if !reflect.DeepEqual(f.KVs, values) {
		for i := range values {
			if i < len(f.KVs) && !reflect.DeepEqual(f.KVs[i], values[i]) {
				t.Errorf("KV %d: got %#v, want %#v", i, f.KVs[i], values[i])
			}
		}
		t.Fatalf("%d KVs, want %d", len(f.KVs), len(values))
	}
	for _, c := range []struct {
		name string
		typ  TensorType
		dims []uint64
		data []byte
	}{{"w.f32", F32, []uint64{5, 3}, f32}, {"w.q4", Q4_0, []uint64{64, 2}, q}, {"w.4d", I8, []uint64{1, 2, 1, 3}, []byte{1, 2, 3, 4, 5, 6}}} {
		ti, ok := f.Tensor(c.name)
		if !ok || ti.Type != c.typ || !reflect.DeepEqual(ti.Dims, c.dims) || ti.Offset%64 != 0 {
			t.Errorf("%s: %+v", c.name, ti)
			continue
		}
		d, err := f.TensorData(c.name)
		if err != nil || !bytes.Equal(d, c.data) {
			t.Errorf("%s: data differs (%v)", c.name, err)
		}
	}
}

func TestWriterErrors(t *testing.T) {
	w := NewWriter()
	cases := []struct {
		err  error
		want string
	}{
		{w.AddTensor("a", F32, []uint64{2}, make([]byte, 7)), "7 bytes"},
		{w.AddTensor("a", Q4_0, []uint64{16}, make([]byte, 9)), "block"},
		{w.AddTensor("a", TensorType(4), []uint64{1}, nil), "unknown tensor type"},
		{w.AddTensor("a", F32, nil, nil), "no dimensions"},
		{w.AddTensor("a", F32, []uint64{1, 1, 1, 1, 1}, make([]byte, 4)), "5 dimensions"},
		{w.AddTensor("a", F32, []uint64{4, 0}, nil), "zero"},
		{w.AddTensor("a", F32, []uint64{1 << 32, 1 << 32}, nil), "2^63"},
		{w.AddTensorFunc("a", F32, []uint64{1}, nil), "nil write"},
	}
	for _, c := range cases {
		if c.err == nil || !strings.Contains(c.err.Error(), c.want) || !strings.Contains(c.err.Error(), `"a"`) {
			t.Errorf("want an error about %q naming the tensor, got %v", c.want, c.err)
		}
	}
	if err := w.AddTensor("a", F32, []uint64{1}, make([]byte, 4)); err != nil {
		t.Fatal(err)
	}
	if err := w.AddTensor("a", F32, []uint64{1}, make([]byte, 4)); err == nil || !strings.Contains(err.Error(), "twice") {
		t.Errorf("duplicate tensor: %v", err)
	}

	for _, c := range []struct {
		key  string
		v    any
		want string
	}{
		{"bad", 3, "int"},
		{"bad", []any{uint8(1)}, "array element 0"},
		{"bad", map[string]int{}, "unsupported"},
		{KeyAlignment, uint32(24), "power of two"},
	} {
		w := NewWriter()
		w.Set(c.key, c.v)
		_, err := w.WriteTo(io.Discard)
		if err == nil || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), c.key) {
			t.Errorf("Set(%q, %#v): want an error with %q, got %v", c.key, c.v, c.want, err)
		}
	}

	for _, c := range []struct {
		produce func(io.Writer) error
		want    string
	}{
		{func(out io.Writer) error { _, err := out.Write(make([]byte, 3)); return err }, "wrote 3 bytes, want 4"},
		{func(out io.Writer) error { _, err := out.Write(make([]byte, 5)); return err }, "more than"},
		{func(io.Writer) error { return errors.New("boom") }, "boom"},
	} {
		w := NewWriter()
		w.AddTensorFunc("t", F32, []uint64{1}, c.produce)
		_, err := w.WriteTo(io.Discard)
		if err == nil || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), `"t"`) {
			t.Errorf("want an error with %q, got %v", c.want, err)
		}
	}

	w = NewWriter()
	w.Set("a", uint8(1))
	w.Set("b", uint8(2))
	w.Set("c", uint8(3))
	w.Delete("b")
	w.Delete("absent")
	w.Set("c", uint8(4))
	var buf bytes.Buffer
	if _, err := w.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	f, err := parseBytes(buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(f.KVs, []KV{{"a", uint8(1)}, {"c", uint8(4)}}) {
		t.Errorf("after Delete: %v", f.KVs)
	}
}

// TestWriteFileAtomic checks that a failed write leaves the old file.
func TestWriteFileAtomic(t *testing.T) {
	path := filepath.Join(t.TempDir(), "m.gguf")
	os.WriteFile(path, []byte("old"), 0o644)
	w := NewWriter()
	w.AddTensorFunc("t", F32, []uint64{1}, func(io.Writer) error { return errors.New("producer failed") })
	if err := w.WriteFile(path); err == nil {
		t.Fatal("WriteFile succeeded")
	}
	if b, _ := os.ReadFile(path); string(b) != "old" {
		t.Errorf("file now holds %q", b)
	}
	ents, _ := os.ReadDir(filepath.Dir(path))
	if len(ents) != 1 {
		t.Errorf("temporary files left: %v", ents)
	}
}

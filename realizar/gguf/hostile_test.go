package gguf

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"runtime"
	"strings"
	"testing"
)

// sampleFile is a small file with every value type, nested arrays and
// tensors of several types, written by the Writer.
func sampleFile(t testing.TB) []byte {
	t.Helper()
	w := NewWriter()
	w.Set("general.architecture", "llama")
	w.Set(KeyAlignment, uint32(16))
	w.Set("u8", uint8(1))
	w.Set("i8", int8(-1))
	w.Set("u16", uint16(2))
	w.Set("i16", int16(-2))
	w.Set("u32", uint32(3))
	w.Set("i32", int32(-3))
	w.Set("u64", uint64(4))
	w.Set("i64", int64(-4))
	w.Set("f32", float32(0.5))
	w.Set("f64", 0.25)
	w.Set("b", true)
	w.Set("strs", []string{"a", "bc"})
	w.Set("f32s", []float32{1, 2})
	w.Set("bools", []bool{true})
	w.Set("nested", []any{[]int16{1, 2}, []any{[]string{"x"}}})
	must(t, w.AddTensor("t.f32", F32, []uint64{3, 2}, make([]byte, 24)))
	must(t, w.AddTensor("t.q8", Q8_0, []uint64{32}, make([]byte, 34)))
	must(t, w.AddTensor("t.f16", F16, []uint64{2, 1, 1, 2}, make([]byte, 8)))
	var buf bytes.Buffer
	if _, err := w.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// TestTruncation cuts the sample file at every byte up to the end of the
// last tensor's data: each prefix must fail with a FormatError wrapping
// io.ErrUnexpectedEOF, never panic.
func TestTruncation(t *testing.T) {
	b := sampleFile(t)
	f, err := parseBytes(b)
	if err != nil {
		t.Fatal(err)
	}
	var end uint64
	for _, ti := range f.Tensors {
		end = max(end, ti.Offset+ti.Size)
	}
	for n := range int(end) {
		_, err := parseBytes(b[:n])
		var fe *FormatError
		if !errors.As(err, &fe) || !errors.Is(err, io.ErrUnexpectedEOF) {
			t.Fatalf("cut at %d: %v", n, err)
		}
		if fe.Offset < 0 || fe.Offset > int64(n) {
			t.Fatalf("cut at %d: error offset %d", n, fe.Offset)
		}
	}
	// Only padding after the last tensor may go.
	if _, err := parseBytes(b[:end]); err != nil {
		t.Errorf("file without its final padding: %v", err)
	}
}

// hdr starts a v3 file with the given counts.
func hdr(tensors, kvs uint64) *raw {
	r := &raw{}
	r.header(3, tensors, kvs)
	return r
}

// tensorFile is a file with one metadata entry and the given tensor infos
// (name, dims, type, relative offset) and data bytes.
type tinfo struct {
	name string
	dims []uint64
	typ  uint32
	off  uint64
}

func tensorFile(infos []tinfo, data int) []byte {
	r := hdr(uint64(len(infos)), 1)
	r.str("general.architecture")
	r.u32(uint32(typeString))
	r.str("llama")
	for _, ti := range infos {
		r.str(ti.name)
		r.u32(uint32(len(ti.dims)))
		for _, d := range ti.dims {
			r.u64(d)
		}
		r.u32(ti.typ)
		r.u64(ti.off)
	}
	r.pad(DefaultAlignment)
	r.Write(make([]byte, data))
	return r.Bytes()
}

func TestHostile(t *testing.T) {
	huge := uint64(1) << 60
	cases := []struct {
		name   string
		b      []byte
		want   string // in the message
		key    string // FormatError.Key
		tensor string // FormatError.Tensor
	}{
		{"2^60 tensors", hdr(huge, 0).Bytes(), "count 1152921504606846976", "", ""},
		{"2^60 keys", hdr(0, huge).Bytes(), "count 1152921504606846976", "", ""},
		{"huge key length", func() []byte { r := hdr(0, 1); r.u64(1 << 62); r.Write(make([]byte, 20)); return r.Bytes() }(), "exceeds", "", ""},
		{"2^60 strings", func() []byte {
			r := hdr(0, 1)
			r.str("tokenizer.ggml.tokens")
			r.u32(uint32(typeArray))
			r.u32(uint32(typeString))
			r.u64(huge)
			r.Write(make([]byte, 64))
			return r.Bytes()
		}(), "count 1152921504606846976", "tokenizer.ggml.tokens", ""},
		{"2^61 uint64s (size overflows)", func() []byte {
			r := hdr(0, 1)
			r.str("k")
			r.u32(uint32(typeArray))
			r.u32(uint32(typeUint64))
			r.u64(1 << 61)
			r.Write(make([]byte, 64))
			return r.Bytes()
		}(), "count 2305843009213693952", "k", ""},
		{"2^63 string", func() []byte {
			r := hdr(0, 1)
			r.str("k")
			r.u32(uint32(typeString))
			r.u64(1 << 63)
			return r.Bytes()
		}(), "exceeds", "k", ""},
		{"unknown value type", func() []byte { r := hdr(0, 1); r.str("k"); r.u32(13); r.u64(0); return r.Bytes() }(), "unknown value type 13", "k", ""},
		{"array of unknown type", func() []byte {
			r := hdr(0, 1)
			r.str("k")
			r.u32(uint32(typeArray))
			r.u32(99)
			r.u64(1)
			return r.Bytes()
		}(), "unknown value type 99", "k", ""},
		{"bool byte 2", func() []byte { r := hdr(0, 1); r.str("k"); r.u32(uint32(typeBool)); r.u8(2); return r.Bytes() }(), "not 0 or 1", "k", ""},
		{"deep nesting", func() []byte {
			r := hdr(0, 1)
			r.str("k")
			r.u32(uint32(typeArray))
			for range 40 {
				r.u32(uint32(typeArray))
				r.u64(1)
			}
			r.u32(uint32(typeUint8))
			r.u64(0)
			return r.Bytes()
		}(), "nested", "k", ""},
		{"empty key", func() []byte { r := hdr(0, 1); r.str(""); r.u32(uint32(typeUint8)); r.u8(1); return r.Bytes() }(), "empty key", "", ""},
		{"duplicate key", func() []byte {
			r := hdr(0, 2)
			for range 2 {
				r.str("k")
				r.u32(uint32(typeUint8))
				r.u8(1)
			}
			return r.Bytes()
		}(), "duplicate key", "k", ""},
		{"alignment not a power of two", func() []byte {
			r := hdr(0, 1)
			r.str(KeyAlignment)
			r.u32(uint32(typeUint32))
			r.u32(0)
			return r.Bytes()
		}(), "power of two", KeyAlignment, ""},
		{"alignment a string", func() []byte {
			r := hdr(0, 1)
			r.str(KeyAlignment)
			r.u32(uint32(typeString))
			r.str("32")
			return r.Bytes()
		}(), "power of two", KeyAlignment, ""},
		{"duplicate tensor", tensorFile([]tinfo{{"w", []uint64{8}, 0, 0}, {"w", []uint64{8}, 0, 32}}, 64), "duplicate tensor", "", "w"},
		{"unknown tensor type", tensorFile([]tinfo{{"w", []uint64{8}, 4, 0}}, 64), "unknown tensor type id 4", "", "w"},
		{"type id past the table", tensorFile([]tinfo{{"w", []uint64{8}, 39, 0}}, 64), "unknown tensor type id 39", "", "w"},
		{"5 dims", tensorFile([]tinfo{{"w", []uint64{1, 1, 1, 1, 1}, 0, 0}}, 64), "5 dimensions", "", "w"},
		{"0 dims", tensorFile([]tinfo{{"w", nil, 0, 0}}, 64), "0 dimensions", "", "w"},
		{"zero dim", tensorFile([]tinfo{{"w", []uint64{8, 0}, 0, 0}}, 64), "dimension 1 is zero", "", "w"},
		{"element count overflow", tensorFile([]tinfo{{"w", []uint64{1 << 32, 1 << 31, 4}, 0, 0}}, 64), "2^63 elements", "", "w"},
		{"byte count overflow", tensorFile([]tinfo{{"w", []uint64{1 << 31, 1 << 31}, 0, 0}}, 64), "2^63 bytes", "", "w"},
		{"partial block", tensorFile([]tinfo{{"w", []uint64{16, 2}, uint32(Q4_0), 0}}, 64), "whole number of 32-element blocks", "", "w"},
		{"unaligned offset", tensorFile([]tinfo{{"w", []uint64{8}, 0, 4}}, 64), "not a multiple of the alignment", "", "w"},
		{"outside the file", tensorFile([]tinfo{{"w", []uint64{8}, 0, 64}}, 64), "past the end", "", "w"},
		{"offset+size overflows", tensorFile([]tinfo{{"w", []uint64{8}, 0, 1<<64 - 32}}, 64), "past the end", "", "w"},
		{"huge tensor", tensorFile([]tinfo{{"w", []uint64{1 << 40}, 0, 0}}, 64), "past the end", "", "w"},
		{"overlap", tensorFile([]tinfo{{"a", []uint64{16}, 0, 0}, {"b", []uint64{8}, 0, 32}}, 128), `overlaps tensor "a"`, "", "b"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			_, err := parseBytes(c.b)
			runtime.ReadMemStats(&after)
			var fe *FormatError
			if !errors.As(err, &fe) {
				t.Fatalf("want a FormatError, got %v", err)
			}
			if !strings.Contains(err.Error(), c.want) || fe.Key != c.key || fe.Tensor != c.tensor {
				t.Errorf("want %q (key %q, tensor %q), got %v", c.want, c.key, c.tensor, err)
			}
			if fe.Offset < 0 || fe.Offset > int64(len(c.b)) {
				t.Errorf("offset %d outside the %d-byte file", fe.Offset, len(c.b))
			}
			if got := after.TotalAlloc - before.TotalAlloc; got > 1<<20 {
				t.Errorf("allocated %d bytes rejecting a %d-byte file", got, len(c.b))
			}
		})
	}
}

// TestLyingSize parses through a reader that holds far less than the
// size it is said to have: counts pass the size check, so memory must
// grow only with the bytes actually read.
func TestLyingSize(t *testing.T) {
	for _, elem := range []valueType{typeString, typeUint32, typeArray} {
		r := hdr(1<<30, 1<<30)
		r.str("k")
		r.u32(uint32(typeArray))
		r.u32(uint32(elem))
		r.u64(1 << 34)
		r.Write(make([]byte, 100))
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		_, err := Parse(bytes.NewReader(r.Bytes()), 1<<40)
		runtime.ReadMemStats(&after)
		if !errors.Is(err, io.ErrUnexpectedEOF) {
			t.Errorf("%s: %v", elem, err)
		}
		if got := after.TotalAlloc - before.TotalAlloc; got > 16<<20 {
			t.Errorf("%s: allocated %d bytes", elem, got)
		}
	}
}

// TestErrorOffsets checks that errors point at the offending field.
func TestErrorOffsets(t *testing.T) {
	b := tensorFile([]tinfo{{"w", []uint64{8}, 4, 0}}, 64)
	_, err := parseBytes(b)
	var fe *FormatError
	if !errors.As(err, &fe) {
		t.Fatal(err)
	}
	// The tensor info starts right after the one metadata entry.
	want := int64(4 + 4 + 8 + 8 + 8 + len("general.architecture") + 4 + 8 + len("llama"))
	if fe.Offset != want {
		t.Errorf("offset %d, want %d (the tensor's entry)", fe.Offset, want)
	}
	if binary.LittleEndian.Uint64(b[want:]) != 1 || b[want+8] != 'w' {
		t.Errorf("test layout is off")
	}
}

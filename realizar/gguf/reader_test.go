package gguf

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/batuta-go/stack/internal/testdata"
)

// TestSharedFiles opens every shared GGUF both ways (mmap and ReaderAt)
// and checks that they agree and that the directory is self-consistent.
func TestSharedFiles(t *testing.T) {
	for _, path := range sharedGGUFs(t) {
		t.Run(filepath.Base(path), func(t *testing.T) {
			f, err := Open(path)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			fd, err := os.Open(path)
			if err != nil {
				t.Fatal(err)
			}
			defer fd.Close()
			st, _ := fd.Stat()
			g, err := Parse(fd, st.Size())
			if err != nil {
				t.Fatal(err)
			}
			if f.Version != 3 && f.Version != 2 {
				t.Errorf("version %d", f.Version)
			}
			if !reflect.DeepEqual(f.KVs, g.KVs) || !reflect.DeepEqual(f.Tensors, g.Tensors) {
				t.Fatal("Open and Parse disagree")
			}
			arch, err := f.String("general.architecture")
			if err != nil || arch == "" {
				t.Errorf("general.architecture: %q, %v", arch, err)
			}
			toks, err := f.Strings("tokenizer.ggml.tokens")
			if err != nil || len(toks) == 0 {
				t.Errorf("tokenizer.ggml.tokens: %d, %v", len(toks), err)
			}
			if types, err := f.Int32s("tokenizer.ggml.token_type"); err == nil && len(types) != len(toks) {
				t.Errorf("%d token types for %d tokens", len(types), len(toks))
			}
			var prevEnd uint64
			for i, ti := range f.Tensors {
				if ti.Offset%f.Alignment != 0 {
					t.Errorf("%s: offset %d not aligned to %d", ti.Name, ti.Offset, f.Alignment)
				}
				if ti.Offset < prevEnd || ti.Offset+ti.Size > uint64(st.Size()) {
					t.Errorf("%s: [%d,+%d) out of place (previous end %d, file %d)", ti.Name, ti.Offset, ti.Size, prevEnd, st.Size())
				}
				prevEnd = ti.Offset + ti.Size
				if want := uint64(ti.Type.RowBytes(int(ti.Dims[0]))) * (ti.Elements() / ti.Dims[0]); want != ti.Size {
					t.Errorf("%s: size %d, want %d", ti.Name, ti.Size, want)
				}
				p, ok := f.Tensor(ti.Name)
				if !ok || p != &f.Tensors[i] {
					t.Errorf("Tensor(%q) does not find it", ti.Name)
				}
				a, err := f.TensorData(ti.Name)
				if err != nil {
					t.Fatal(err)
				}
				b, err := g.TensorData(ti.Name)
				if err != nil {
					t.Fatal(err)
				}
				if uint64(len(a)) != ti.Size || !bytes.Equal(a, b) {
					t.Fatalf("%s: mapped and read data differ", ti.Name)
				}
				if ti.Type == F32 {
					for k := 0; k+4 <= len(a); k += 4 {
						if v := math.Float32frombits(binary.LittleEndian.Uint32(a[k:])); math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
							t.Fatalf("%s: element %d is %v", ti.Name, k/4, v)
						}
					}
				}
			}
			if err := f.Close(); err != nil {
				t.Fatal(err)
			}
			if _, err := f.TensorData("token_embd.weight"); err == nil && len(f.Tensors) > 0 {
				t.Error("TensorData after Close succeeded")
			}
		})
	}
}

// TestLlama2cWeights compares the tensors of each GGUF in models/ that has
// a llama2.c checkpoint beside it (same name, .bin) with the checkpoint's
// float32 arrays: the data the reader returns is the right data.
func TestLlama2cWeights(t *testing.T) {
	dir := testdata.Dir(t, "models")
	ggufs, _ := filepath.Glob(filepath.Join(dir, "*.gguf"))
	n := 0
	for _, path := range ggufs {
		bin, err := os.ReadFile(strings.TrimSuffix(path, ".gguf") + ".bin")
		if err != nil {
			continue
		}
		n++
		t.Run(filepath.Base(path), func(t *testing.T) {
			f, err := Open(path)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			var hdr [7]int32
			if err := binary.Read(bytes.NewReader(bin), binary.LittleEndian, &hdr); err != nil {
				t.Fatal(err)
			}
			dim, hidden, layers, vocab := int(hdr[0]), int(hdr[1]), int(hdr[2]), int(hdr[5])
			if vocab < 0 {
				vocab = -vocab
			}
			arch, _ := f.String("general.architecture")
			for key, want := range map[string]int{".embedding_length": dim, ".feed_forward_length": hidden, ".block_count": layers, ".attention.head_count": int(hdr[3]), ".attention.head_count_kv": int(hdr[4])} {
				if got, err := f.Uint(arch + key); err != nil || got != uint64(want) {
					t.Errorf("%s%s = %d, %v; want %d", arch, key, got, err, want)
				}
			}
			floats := bin[28:]
			next := func(n int) []byte { b := floats[:4*n]; floats = floats[4*n:]; return b }
			check := func(name string, want []byte) {
				got, err := f.TensorData(name)
				if err != nil {
					t.Fatal(err)
				}
				if !bytes.Equal(got, want) {
					t.Errorf("%s differs from the checkpoint", name)
				}
			}
			check("token_embd.weight", next(vocab*dim))
			for l := range layers {
				check(blk(l, "attn_norm"), floats[4*dim*l:4*dim*(l+1)])
			}
		})
	}
	if n == 0 {
		t.Skip("no GGUF with a llama2.c checkpoint beside it")
	}
}

func blk(l int, name string) string {
	return "blk." + string(rune('0'+l)) + "." + name + ".weight"
}

func TestAccessors(t *testing.T) {
	var r raw
	r.header(3, 0, 13)
	r.str("u8")
	r.u32(uint32(typeUint8))
	r.u8(7)
	r.str("i16")
	r.u32(uint32(typeInt16))
	binary.Write(&r, binary.LittleEndian, int16(-3))
	r.str("u64big")
	r.u32(uint32(typeUint64))
	r.u64(1 << 63)
	r.str("f32")
	r.u32(uint32(typeFloat32))
	r.f32(0.5)
	r.str("f64")
	r.u32(uint32(typeFloat64))
	r.u64(math.Float64bits(-2.25))
	r.str("b")
	r.u32(uint32(typeBool))
	r.u8(1)
	r.str("s")
	r.u32(uint32(typeString))
	r.str("héllo")
	r.str("strs")
	r.u32(uint32(typeArray))
	r.u32(uint32(typeString))
	r.u64(2)
	r.str("a")
	r.str("")
	r.str("u32s")
	r.u32(uint32(typeArray))
	r.u32(uint32(typeUint32))
	r.u64(3)
	r.u32(1)
	r.u32(2)
	r.u32(math.MaxUint32)
	r.str("i8s")
	r.u32(uint32(typeArray))
	r.u32(uint32(typeInt8))
	r.u64(2)
	r.u8(0xff)
	r.u8(5)
	r.str("f64s")
	r.u32(uint32(typeArray))
	r.u32(uint32(typeFloat64))
	r.u64(1)
	r.u64(math.Float64bits(1.5))
	r.str("nested")
	r.u32(uint32(typeArray))
	r.u32(uint32(typeArray))
	r.u64(2)
	r.u32(uint32(typeInt32))
	r.u64(1)
	r.u32(42)
	r.u32(uint32(typeString))
	r.u64(1)
	r.str("x")
	r.str("bools")
	r.u32(uint32(typeArray))
	r.u32(uint32(typeBool))
	r.u64(2)
	r.u8(0)
	r.u8(1)
	f, err := parseBytes(r.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if u, err := f.Uint("u8"); err != nil || u != 7 {
		t.Errorf("Uint(u8) = %d, %v", u, err)
	}
	if i, err := f.Int("i16"); err != nil || i != -3 {
		t.Errorf("Int(i16) = %d, %v", i, err)
	}
	if _, err := f.Uint("i16"); err == nil || !strings.Contains(err.Error(), `"i16"`) {
		t.Errorf("Uint of a negative value: %v", err)
	}
	if u, err := f.Uint("u64big"); err != nil || u != 1<<63 {
		t.Errorf("Uint(u64big) = %d, %v", u, err)
	}
	if _, err := f.Int("u64big"); err == nil {
		t.Error("Int of 2^63 succeeded")
	}
	if v, err := f.Float("f32"); err != nil || v != 0.5 {
		t.Errorf("Float(f32) = %v, %v", v, err)
	}
	if v, err := f.Float("f64"); err != nil || v != -2.25 {
		t.Errorf("Float(f64) = %v, %v", v, err)
	}
	if v, err := f.Float("u8"); err != nil || v != 7 {
		t.Errorf("Float(u8) = %v, %v", v, err)
	}
	if v, err := f.Bool("b"); err != nil || !v {
		t.Errorf("Bool = %v, %v", v, err)
	}
	if v, err := f.String("s"); err != nil || v != "héllo" {
		t.Errorf("String = %q, %v", v, err)
	}
	if _, err := f.String("u8"); err == nil || !strings.Contains(err.Error(), "uint8") || !strings.Contains(err.Error(), `"u8"`) {
		t.Errorf("String of a uint8: %v", err)
	}
	if _, err := f.String("absent"); !errors.Is(err, ErrKeyNotFound) {
		t.Errorf("absent key: %v", err)
	}
	for _, get := range []func(string) error{
		func(k string) error { _, err := f.Uint(k); return err },
		func(k string) error { _, err := f.Int(k); return err },
		func(k string) error { _, err := f.Float(k); return err },
		func(k string) error { _, err := f.Bool(k); return err },
		func(k string) error { _, err := f.Strings(k); return err },
		func(k string) error { _, err := f.Float32s(k); return err },
		func(k string) error { _, err := f.Int32s(k); return err },
	} {
		if err := get("absent"); !errors.Is(err, ErrKeyNotFound) {
			t.Errorf("absent key: %v", err)
		}
		if err := get("nested"); err == nil || errors.Is(err, ErrKeyNotFound) {
			t.Errorf("wrong type: %v", err)
		}
	}
	if v, err := f.Strings("strs"); err != nil || !reflect.DeepEqual(v, []string{"a", ""}) {
		t.Errorf("Strings = %q, %v", v, err)
	}
	if _, err := f.Int32s("u32s"); err == nil || !strings.Contains(err.Error(), "element 2") {
		t.Errorf("Int32s of a uint32 beyond int32: %v", err)
	}
	if v, err := f.Int32s("i8s"); err != nil || !reflect.DeepEqual(v, []int32{-1, 5}) {
		t.Errorf("Int32s(i8s) = %v, %v", v, err)
	}
	if v, err := f.Float32s("f64s"); err != nil || !reflect.DeepEqual(v, []float32{1.5}) {
		t.Errorf("Float32s(f64s) = %v, %v", v, err)
	}
	if v, _ := f.Value("nested"); !reflect.DeepEqual(v, []any{[]int32{42}, []string{"x"}}) {
		t.Errorf("nested = %#v", v)
	}
	if v, _ := f.Value("bools"); !reflect.DeepEqual(v, []bool{false, true}) {
		t.Errorf("bools = %#v", v)
	}
	if len(f.KVs) != 13 || f.KVs[0].Key != "u8" || f.KVs[12].Key != "bools" {
		t.Errorf("KVs out of order: %v", f.KVs)
	}
}

// tinyFile builds a v3 (or v2) file with one F32 tensor of 3 elements at
// the given alignment (0: no general.alignment key).
func tinyFile(version uint32, align uint32) []byte {
	var r raw
	nkv := uint64(1)
	if align != 0 {
		nkv = 2
	}
	r.header(version, 2, nkv)
	r.str("general.architecture")
	r.u32(uint32(typeString))
	r.str("llama")
	a := DefaultAlignment
	if align != 0 {
		r.str(KeyAlignment)
		r.u32(uint32(typeUint32))
		r.u32(align)
		a = int(align)
	}
	r.str("a")
	r.u32(1)
	r.u64(3)
	r.u32(uint32(F32))
	r.u64(0)
	r.str("b")
	r.u32(2)
	r.u64(2)
	r.u64(1)
	r.u32(uint32(F16))
	r.u64(uint64((12 + a - 1) / a * a))
	r.pad(a)
	for i := range 3 {
		r.f32(float32(i + 1))
	}
	r.pad(a)
	r.u32(0x3c003c00) // two F16 ones
	return r.Bytes()
}

func TestVersionsAndAlignment(t *testing.T) {
	for _, tc := range []struct {
		version, align uint32
	}{{3, 0}, {2, 0}, {3, 64}, {3, 1}, {2, 8}} {
		f, err := parseBytes(tinyFile(tc.version, tc.align))
		if err != nil {
			t.Fatalf("v%d align %d: %v", tc.version, tc.align, err)
		}
		want := uint64(tc.align)
		if want == 0 {
			want = DefaultAlignment
		}
		if f.Version != tc.version || f.Alignment != want {
			t.Errorf("version %d alignment %d", f.Version, f.Alignment)
		}
		a, _ := f.Tensor("a")
		if a.Offset%want != 0 || a.Size != 12 {
			t.Errorf("tensor a at %d size %d", a.Offset, a.Size)
		}
		d, err := f.TensorData("b")
		if err != nil || !bytes.Equal(d, []byte{0, 0x3c, 0, 0x3c}) {
			t.Errorf("b = %x, %v", d, err)
		}
		if _, err := f.TensorData("c"); !errors.Is(err, ErrTensorNotFound) {
			t.Errorf("absent tensor: %v", err)
		}
	}
	for _, tc := range []struct {
		b    []byte
		want string
	}{
		{tinyFile(1, 0), "version 1"},
		{tinyFile(4, 0), "version 4"},
		{tinyFile(3<<24, 0), "big-endian"},
		{tinyFile(3, 48), "power of two"},
		{append([]byte("GGUX"), tinyFile(3, 0)[4:]...), "not a GGUF file"},
	} {
		_, err := parseBytes(tc.b)
		var fe *FormatError
		if err == nil || !strings.Contains(err.Error(), tc.want) || !errors.As(err, &fe) {
			t.Errorf("want an error with %q, got %v", tc.want, err)
		}
	}
}

func TestOpenErrors(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "trunc.gguf")
	b := tinyFile(3, 0)
	if err := os.WriteFile(p, b[:len(b)-1], 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := Open(p)
	var fe *FormatError
	if !errors.As(err, &fe) || fe.Path != p || fe.Tensor != "b" || !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Errorf("truncated data: %v", err)
	}
	empty := filepath.Join(dir, "empty.gguf")
	os.WriteFile(empty, nil, 0o644)
	if _, err := Open(empty); !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Errorf("empty file: %v", err)
	}
	if _, err := Open(filepath.Join(dir, "absent.gguf")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("absent file: %v", err)
	}
}

// BenchmarkOpen opens (maps and parses) each shared GGUF.
func BenchmarkOpen(b *testing.B) {
	for _, path := range sharedGGUFs(b) {
		b.Run(filepath.Base(path), func(b *testing.B) {
			for b.Loop() {
				f, err := Open(path)
				if err != nil {
					b.Fatal(err)
				}
				f.Close()
			}
		})
	}
}

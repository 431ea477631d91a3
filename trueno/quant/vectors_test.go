package quant

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/batuta-go/stack/internal/testdata"
	"github.com/batuta-go/stack/trueno"
)

// The shared vectors from ggml's reference (see the README beside them).

type vecFile struct {
	File   string `json:"file"`
	Bytes  int    `json:"bytes"`
	SHA256 string `json:"sha256"`
}

type vecEntry struct {
	Type  string             `json:"type"`
	Input string             `json:"input"`
	Files map[string]vecFile `json:"files"`
	Dot   *struct {
		N       int `json:"n"`
		Generic struct {
			Value float64 `json:"value"`
			Bits  string  `json:"bits"`
		} `json:"generic"`
		AbsSum float64 `json:"abs_sum"`
	} `json:"dot"`
	Unspecified map[string][][2]int `json:"unspecified_byte_ranges"`
}

type vecManifest struct {
	N     int `json:"n"`
	Types map[string]struct {
		BlockSize     int    `json:"block_size"`
		BytesPerBlock int    `json:"bytes_per_block"`
		VecDotType    string `json:"vec_dot_type"`
	} `json:"types"`
	Entries []vecEntry `json:"entries"`
}

type vectors struct {
	dir string
	m   vecManifest
}

func loadVectors(t testing.TB) *vectors {
	t.Helper()
	dir := testdata.Dir(t, "quant")
	raw, err := os.ReadFile(filepath.Join(dir, "manifest.json"))
	if err != nil {
		t.Fatal(err)
	}
	v := &vectors{dir: dir}
	if err := json.Unmarshal(raw, &v.m); err != nil {
		t.Fatal(err)
	}
	if len(v.m.Entries) == 0 {
		t.Fatal("manifest lists no entries")
	}
	return v
}

// file reads the named file of e, checking its size and SHA-256.
func (v *vectors) file(t testing.TB, e vecEntry, kind string) []byte {
	t.Helper()
	f, ok := e.Files[kind]
	if !ok {
		t.Fatalf("%s/%s: no %s file", e.Type, e.Input, kind)
	}
	b, err := os.ReadFile(filepath.Join(v.dir, f.File))
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(b)
	if len(b) != f.Bytes || hex.EncodeToString(sum[:]) != f.SHA256 {
		t.Fatalf("%s: size or SHA-256 differs from the manifest", f.File)
	}
	return b
}

func floats(b []byte) []float32 {
	out := make([]float32, len(b)/4)
	for i := range out {
		out[i] = math.Float32frombits(binary.LittleEndian.Uint32(b[4*i:]))
	}
	return out
}

// sameBytes compares got with want outside the unspecified ranges and
// reports the first differing block.
func sameBytes(t *testing.T, what string, blockBytes int, got, want []byte, skip [][2]int) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d bytes, want %d", what, len(got), len(want))
	}
	masked := func(i int) bool {
		for _, r := range skip {
			if i >= r[0] && i < r[1] {
				return true
			}
		}
		return false
	}
	bad := 0
	for i := range got {
		if got[i] != want[i] && !masked(i) {
			if bad == 0 {
				b := i / blockBytes
				t.Errorf("%s: byte %d (block %d, offset %d) = %#02x, want %#02x\n got block  %x\n want block %x",
					what, i, b, i%blockBytes, got[i], want[i], got[b*blockBytes:(b+1)*blockBytes], want[b*blockBytes:(b+1)*blockBytes])
			}
			bad++
		}
	}
	if bad > 0 {
		t.Errorf("%s: %d bytes differ", what, bad)
	}
}

func TestVectorsQuantize(t *testing.T) {
	v := loadVectors(t)
	for _, e := range v.m.Entries {
		t.Run(e.Type+"/"+e.Input, func(t *testing.T) {
			typ, err := ParseType(e.Type)
			if err != nil {
				t.Fatal(err)
			}
			info := v.m.Types[e.Type]
			if typ.BlockSize() != info.BlockSize || typ.BlockBytes() != info.BytesPerBlock {
				t.Fatalf("layout %d/%d, manifest %d/%d", typ.BlockSize(), typ.BlockBytes(), info.BlockSize, info.BytesPerBlock)
			}
			x := floats(v.file(t, e, "f32in"))
			want := v.file(t, e, "quant")
			got := make([]byte, typ.RowBytes(len(x)))
			Quantize(typ, got, x)
			sameBytes(t, "quant", typ.BlockBytes(), got, want, e.Unspecified["quant"])
			if _, ok := e.Files["quant_fromfloatref"]; ok && typ == IQ4_NL {
				want := v.file(t, e, "quant_fromfloatref")
				quantizeIQ4NLTry(got, x, -1)
				sameBytes(t, "quant_fromfloatref", typ.BlockBytes(), got, want, e.Unspecified["quant_fromfloatref"])
			}
			if _, ok := e.Files["dotother"]; ok {
				dt, err := ParseType(info.VecDotType)
				if err != nil || dt != typ.DotType() {
					t.Fatalf("vec_dot_type %s, ours %s", info.VecDotType, typ.DotType())
				}
				y := floats(v.file(t, e, "dotf32in"))
				want := v.file(t, e, "dotother")
				got := make([]byte, dt.RowBytes(len(y)))
				Quantize(dt, got, y)
				sameBytes(t, "dotother", dt.BlockBytes(), got, want, e.Unspecified["dotother"])
			}
		})
	}
}

func TestVectorsDequantize(t *testing.T) {
	v := loadVectors(t)
	for _, e := range v.m.Entries {
		t.Run(e.Type+"/"+e.Input, func(t *testing.T) {
			typ, err := ParseType(e.Type)
			if err != nil {
				t.Fatal(err)
			}
			q := v.file(t, e, "quant")
			want := floats(v.file(t, e, "dequant"))
			forEachISA(t, func(t *testing.T) {
				got := make([]float32, len(want))
				Dequantize(typ, got, q)
				bad := 0
				for i := range got {
					if math.Float32bits(got[i]) != math.Float32bits(want[i]) {
						if bad == 0 {
							t.Errorf("value %d = %g (%#08x), want %g (%#08x)", i, got[i], math.Float32bits(got[i]), want[i], math.Float32bits(want[i]))
						}
						bad++
					}
				}
				if bad > 0 {
					t.Errorf("%d values differ", bad)
				}
			})
		})
	}
}

func TestVectorsDot(t *testing.T) {
	v := loadVectors(t)
	for _, e := range v.m.Entries {
		if e.Dot == nil {
			continue
		}
		t.Run(e.Type+"/"+e.Input, func(t *testing.T) {
			typ, err := ParseType(e.Type)
			if err != nil {
				t.Fatal(err)
			}
			x, y := v.file(t, e, "quant"), v.file(t, e, "dotother")
			want := e.Dot.Generic.Value
			tol := 1e-6 * e.Dot.AbsSum
			forEachISA(t, func(t *testing.T) {
				got := Dot(typ, e.Dot.N, x, y)
				if d := math.Abs(float64(got) - want); !(d <= tol) {
					t.Errorf("Dot = %.9g, want %.9g ± %.3g (off by %.3g·abs_sum)", got, want, tol, d/e.Dot.AbsSum)
				}
				if trueno.Active() == trueno.Generic {
					// The reference keeps ggml's plain-C order for the
					// 32-value formats and F16/BF16: bit for bit. The
					// K-quants sum each super-block exactly in integers,
					// which ggml's C does not.
					bits := fmt.Sprintf("%#08x", math.Float32bits(got))
					if typ.BlockSize() < QK && bits != e.Dot.Generic.Bits {
						t.Errorf("generic Dot bits %s, ggml generic %s", bits, e.Dot.Generic.Bits)
					}
				}
				xf := floats(v.file(t, e, "f32in"))
				yf := floats(v.file(t, e, "dotf32in"))
				q := make([]byte, typ.RowBytes(len(xf)))
				Quantize(typ, q, xf)
				if got2 := DotF32(typ, q, yf); math.Abs(float64(got2)-want) > tol {
					t.Errorf("DotF32 = %.9g, want %.9g ± %.3g", got2, want, tol)
				}
			})
		})
	}
}

package b3

import (
	"bytes"
	"encoding/hex"
	"fmt"
	"math/rand/v2"
	"testing"
	"unsafe"

	"lukechampine.com/blake3"
)

// Official BLAKE3 test vectors: input byte i is i mod 251.
var vectors = map[int]string{
	0:      "af1349b9f5f9a1a6a0404dea36dcc9499bcb25c9adc112b7cc9a93cae41f3262",
	1:      "2d3adedff11b61f14c886e35afa036736dcd87a74d27b5c1510225d0f592e213",
	1023:   "10108970eeda3eb932baac1428c7a2163b0e924c9a9e25b35bba72b28f70bd11",
	1024:   "42214739f095a406f3fc83deb889744ac00df831c10daa55189b5d121c855af7",
	1025:   "d00278ae47eb27b34faecf67b4fe263f82d5412916c1ffd97c8cb7fb814b8444",
	2048:   "e776b6028c7cd22a4d0ba182a8bf62205d2ef576467e838ed6f2529b85fba24a",
	2049:   "5f4d72f40d7a5f82b15ca2b2e44b1de3c2ef86c426c95c1af0b6879522563030",
	3072:   "b98cb0ff3623be03326b373de6b9095218513e64f1ee2edd2525c7ad1e5cffd2",
	3073:   "7124b49501012f81cc7f11ca069ec9226cecb8a2c850cfe644e327d22d3e1cd3",
	4096:   "015094013f57a5277b59d8475c0501042c0b642e531b0a1c8f58d2163229e969",
	4097:   "9b4052b38f1c5fc8b1f9ff7ac7b27cd242487b3d890d15c96a1c25b8aa0fb995",
	5120:   "9cadc15fed8b5d854562b26a9536d9707cadeda9b143978f319ab34230535833",
	5121:   "628bd2cb2004694adaab7bbd778a25df25c47b9d4155a55f8fbd79f2fe154cff",
	6144:   "3e2e5b74e048f3add6d21faab3f83aa44d3b2278afb83b80b3c35164ebeca205",
	6145:   "f1323a8631446cc50536a9f705ee5cb619424d46887f3c376c695b70e0f0507f",
	7168:   "61da957ec2499a95d6b8023e2b0e604ec7f6b50e80a9678b89d2628e99ada77a",
	7169:   "a003fc7a51754a9b3c7fae0367ab3d782dccf28855a03d435f8cfe74605e7817",
	8192:   "aae792484c8efe4f19e2ca7d371d8c467ffb10748d8a5a1ae579948f718a2a63",
	8193:   "bab6c09cb8ce8cf459261398d2e7aef35700bf488116ceb94a36d0f5f1b7bc3b",
	16384:  "f875d6646de28985646f34ee13be9a576fd515f76b5b0a26bb324735041ddde4",
	31744:  "62b6960e1a44bcc1eb1a611a8d6235b6b4b78f32e7abc4fb4c6cdcce94895c47",
	102400: "bc3e3d41a1146b069abffad3c0d44860cf664390afce4d9661f7902e7943e085",
}

func input(n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(i % 251)
	}
	return b
}

func TestVectors(t *testing.T) {
	for n, want := range vectors {
		got := Sum256(input(n))
		if hex.EncodeToString(got[:]) != want {
			t.Errorf("len %d: %x, want %s", n, got, want)
		}
	}
}

// TestAgainstReference: every length around the group and chunk sizes, and
// every way of splitting the input into writes, gives the reference digest.
func TestAgainstReference(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	data := make([]byte, 300*1024+77)
	for i := range data {
		data[i] = byte(r.Uint32())
	}
	var lengths []int
	for _, base := range []int{0, 1024, group, 2 * group, 17 * group, 64 * group} {
		for d := -2; d <= 2; d++ {
			if base+d >= 0 && base+d <= len(data) {
				lengths = append(lengths, base+d)
			}
		}
	}
	for k := 0; k < 40; k++ {
		lengths = append(lengths, r.IntN(len(data)))
	}
	for _, n := range lengths {
		want := blake3.Sum256(data[:n])
		for _, step := range []int{1 << 30, 1, 63, 1024, group - 1, group, group + 1, 100000} {
			if step == 1 && n > 40000 {
				continue
			}
			h := New()
			for off := 0; off < n; off += step {
				h.Write(data[off:min(off+step, n)])
			}
			if got := h.Sum(nil); !bytes.Equal(got, want[:]) {
				t.Fatalf("len %d in writes of %d: %x, want %x", n, step, got, want)
			}
		}
	}
}

func BenchmarkHash(b *testing.B) {
	data := make([]byte, 64<<20)
	for i := range data {
		data[i] = byte(i * 7)
	}
	for _, w := range []int{64 << 10, 1 << 20} {
		b.Run(fmt.Sprintf("b3/write=%d", w), func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			for b.Loop() {
				h := New()
				for off := 0; off < len(data); off += w {
					h.Write(data[off : off+w])
				}
				h.Sum(nil)
			}
		})
		b.Run(fmt.Sprintf("lukechampine/write=%d", w), func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			for b.Loop() {
				h := blake3.New(32, nil)
				for off := 0; off < len(data); off += w {
					h.Write(data[off : off+w])
				}
				h.Sum(nil)
			}
		})
	}
}

func TestParamsLayout(t *testing.T) {
	var p params
	got := []uintptr{unsafe.Offsetof(p.in), unsafe.Offsetof(p.stride), unsafe.Offsetof(p.nblocks),
		unsafe.Offsetof(p.ctrLo), unsafe.Offsetof(p.ctrHi), unsafe.Offsetof(p.flags), unsafe.Offsetof(p.out)}
	want := []uintptr{0, 8, 16, 24, 88, 152, 216}
	for i := range got {
		if got[i] != want[i] {
			t.Fatalf("params field %d at offset %d, gen.go assumes %d", i, got[i], want[i])
		}
	}
}

// TestPaths runs the digest tests once per path this CPU can take:
// AVX-512, AVX2, and lukechampine.com/blake3/guts.
func TestPaths(t *testing.T) {
	a512, a2 := haveAVX512, haveAVX2
	defer func() { haveAVX512, haveAVX2 = a512, a2 }()
	for _, c := range []struct {
		name       string
		avx512, v2 bool
	}{{"avx512", true, false}, {"avx2", false, true}, {"guts", false, false}} {
		if (c.avx512 && !a512) || (c.v2 && !a2) {
			t.Logf("%s: not on this CPU", c.name)
			continue
		}
		haveAVX512, haveAVX2 = c.avx512, c.v2
		t.Run(c.name, func(t *testing.T) {
			TestVectors(t)
			TestAgainstReference(t)
			TestLarge(t)
		})
	}
}

// TestLarge covers the 1024-chunk runs and their parent levels.
func TestLarge(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	data := make([]byte, 5<<20+12345)
	for i := range data {
		data[i] = byte(r.Uint32())
	}
	for _, n := range []int{1 << 20, 1<<20 + 1, 2<<20 + 16384, 3<<20 - 1, len(data)} {
		want := blake3.Sum256(data[:n])
		for _, step := range []int{1 << 20, 1<<20 + 1024, 777777, 64 << 10, n} {
			h := New()
			for off := 0; off < n; off += step {
				h.Write(data[off:min(off+step, n)])
			}
			if got := h.Sum(nil); !bytes.Equal(got, want[:]) {
				t.Fatalf("len %d in writes of %d: digest differs", n, step)
			}
		}
	}
}

// TestKernelAgainstGeneric runs the kernel and its reference on random
// lanes, strides, block counts, counters (crossing 2^32) and flags.
func TestKernelAgainstGeneric(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	data := make([]byte, 16*2048+64)
	for i := range data {
		data[i] = byte(r.Uint32())
	}
	for k := 0; k < 200; k++ {
		var p params
		p.stride = []uintptr{64, 1024, 2048}[r.IntN(3)]
		p.nblocks = uintptr(1 + r.IntN(int(min(16, p.stride/64))))
		p.in = &data[r.IntN(64)]
		base := r.Uint64N(1 << 33)
		for j := range 16 {
			c := base + uint64(j)
			p.ctrLo[j], p.ctrHi[j] = uint32(c), uint32(c>>32)
		}
		for b := range p.flags {
			p.flags[b] = r.Uint32N(16)
		}
		for i := range p.out {
			for j := range p.out[i] {
				p.out[i][j] = r.Uint32()
			}
		}
		q := p
		compress16Generic(&q)
		for name, kernel := range variants() {
			v := p
			kernel(&v)
			if v.out != q.out {
				t.Fatalf("%s, case %d (stride %d, blocks %d): kernel differs from the reference", name, k, p.stride, p.nblocks)
			}
		}
	}
}

package crypt

import (
	"bytes"
	"errors"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
)

// fastPassword keeps Argon2id cheap in tests; the format and code paths
// are the same as with the default parameters.
func fastPassword(s string) *Password {
	return &Password{Secret: []byte(s), Params: Argon2Params{Time: 1, MemoryKiB: 64, Threads: 1}}
}

func randomBytes(n int, seed uint64) []byte {
	r := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	return b
}

func encrypt(t testing.TB, pt []byte, opts *Options, rs ...Recipient) []byte {
	t.Helper()
	var out bytes.Buffer
	if err := Encrypt(&out, bytes.NewReader(pt), int64(len(pt)), opts, rs...); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

func decrypt(ct []byte, opts *Options, ids ...Identity) ([]byte, error) {
	var out bytes.Buffer
	_, err := Decrypt(&out, bytes.NewReader(ct), opts, ids...)
	return out.Bytes(), err
}

func TestRoundTrip(t *testing.T) {
	pw := fastPassword("correct horse")
	for _, cs := range []int{4096, 65536} {
		for _, n := range []int{0, 1, cs - 1, cs, cs + 1, 3*cs - 1, 3 * cs, 3*cs + 17, batchBytes + cs + 5} {
			for _, conc := range []int{1, 3} {
				pt := randomBytes(n, uint64(n))
				opts := &Options{ChunkSize: cs, Concurrency: conc}
				ct := encrypt(t, pt, opts, pw)
				chunks := max(1, (n+cs-1)/cs)
				hdr := len(ct) - n - 16*chunks
				if hdr <= 0 {
					t.Fatalf("cs=%d n=%d: ciphertext %d bytes, expected payload %d", cs, n, len(ct), n+16*chunks)
				}
				got, err := decrypt(ct, &Options{Concurrency: 4 - conc}, pw)
				if err != nil {
					t.Fatalf("cs=%d n=%d conc=%d: %v", cs, n, conc, err)
				}
				if !bytes.Equal(got, pt) {
					t.Fatalf("cs=%d n=%d conc=%d: plaintext differs", cs, n, conc)
				}
			}
		}
	}
}

func TestX25519Recipients(t *testing.T) {
	a, _ := GenerateX25519()
	b, _ := GenerateX25519()
	c, _ := GenerateX25519()
	pt := randomBytes(100000, 1)
	ct := encrypt(t, pt, nil, a.Recipient(), b.Recipient())
	for _, id := range []*X25519Identity{a, b} {
		got, err := decrypt(ct, nil, id)
		if err != nil || !bytes.Equal(got, pt) {
			t.Fatalf("decrypt with a recipient's key: %v", err)
		}
	}
	if _, err := decrypt(ct, nil, c); !errors.Is(err, ErrNoIdentityMatched) {
		t.Fatalf("third key: got %v, want ErrNoIdentityMatched", err)
	}
	if _, err := decrypt(ct, nil, fastPassword("x")); !errors.Is(err, ErrNoIdentityMatched) {
		t.Fatalf("password on a key-encrypted file: got %v", err)
	}
	// Keys survive their PEM encodings.
	priv, err := MarshalX25519Identity(a)
	if err != nil {
		t.Fatal(err)
	}
	a2, err := ParseX25519Identity(priv)
	if err != nil {
		t.Fatal(err)
	}
	pub, _ := MarshalX25519Recipient(b.Recipient())
	b2, err := ParseX25519Recipient(pub)
	if err != nil {
		t.Fatal(err)
	}
	ct2 := encrypt(t, pt, nil, b2)
	if _, err := decrypt(ct2, nil, b); err != nil {
		t.Fatal(err)
	}
	if _, err := decrypt(ct, nil, a2); err != nil {
		t.Fatal(err)
	}
}

func TestPasswordMustBeAlone(t *testing.T) {
	a, _ := GenerateX25519()
	err := Encrypt(io.Discard, bytes.NewReader(nil), 0, nil, fastPassword("p"), a.Recipient())
	if err == nil {
		t.Fatal("password with another recipient accepted")
	}
}

func TestWrongPassword(t *testing.T) {
	ct := encrypt(t, randomBytes(5000, 2), nil, fastPassword("right"))
	out, err := decrypt(ct, nil, fastPassword("wrong"))
	if !errors.Is(err, ErrNoIdentityMatched) {
		t.Fatalf("got %v, want ErrNoIdentityMatched", err)
	}
	if len(out) != 0 {
		t.Fatal("plaintext written with a wrong password")
	}
}

func TestKDFLimits(t *testing.T) {
	p := &Password{Secret: []byte("p"), Params: Argon2Params{Time: 1, MemoryKiB: 4096, Threads: 1}}
	ct := encrypt(t, []byte("hello"), nil, p)
	_, err := decrypt(ct, nil, &Password{Secret: []byte("p"), MaxMemoryKiB: 1024})
	if !errors.Is(err, ErrKDFLimits) {
		t.Fatalf("got %v, want ErrKDFLimits", err)
	}
	if _, err := decrypt(ct, nil, &Password{Secret: []byte("p")}); err != nil {
		t.Fatal(err)
	}
}

func TestTruncation(t *testing.T) {
	pw := fastPassword("p")
	const cs = 4096
	pt := randomBytes(5*cs+100, 3)
	ct := encrypt(t, pt, &Options{ChunkSize: cs}, pw)
	hdr := len(ct) - len(pt) - 6*16
	cuts := []int{len(ct) - 1, len(ct) - 116, hdr + 3*(cs+16), hdr + 1, hdr}
	for _, cut := range cuts {
		_, err := decrypt(ct[:cut], nil, pw)
		if !errors.Is(err, ErrTruncated) {
			t.Errorf("cut at %d: got %v, want ErrTruncated", cut, err)
		}
		if _, err := NewReaderAt(bytes.NewReader(ct[:cut]), int64(cut), pw); !errors.Is(err, ErrTruncated) {
			t.Errorf("ReaderAt cut at %d: got %v, want ErrTruncated", cut, err)
		}
	}
	// Inside the header.
	for _, cut := range []int{0, 5, 13, hdr - 1} {
		if _, err := decrypt(ct[:cut], nil, pw); err == nil {
			t.Errorf("header cut at %d accepted", cut)
		}
	}
	_, err := decrypt(append(append([]byte{}, ct...), 0), nil, pw)
	if !errors.Is(err, ErrTrailingData) {
		t.Errorf("extra byte: got %v, want ErrTrailingData", err)
	}
}

func TestEveryBitFlipFails(t *testing.T) {
	pw := fastPassword("p")
	pt := randomBytes(3*4096+10, 4)
	ct := encrypt(t, pt, &Options{ChunkSize: 4096}, pw)
	for i := range ct {
		bad := append([]byte{}, ct...)
		bad[i] ^= 1 << (i % 8)
		got, err := decrypt(bad, &Options{Concurrency: 1}, pw)
		if err == nil {
			t.Fatalf("flip in byte %d accepted", i)
		}
		// No chunk that failed may reach the output: what was written is
		// a prefix of the true plaintext.
		if !bytes.HasPrefix(pt, got) {
			t.Fatalf("flip in byte %d: output is not a prefix of the plaintext", i)
		}
	}
}

func TestReorderedChunks(t *testing.T) {
	pw := fastPassword("p")
	const cs = 4096
	pt := randomBytes(4*cs, 5)
	ct := encrypt(t, pt, &Options{ChunkSize: cs}, pw)
	hdr := len(ct) - len(pt) - 4*16
	st := cs + 16
	bad := append([]byte{}, ct...)
	copy(bad[hdr:hdr+st], ct[hdr+st:hdr+2*st])
	copy(bad[hdr+st:hdr+2*st], ct[hdr:hdr+st])
	_, err := decrypt(bad, &Options{Concurrency: 1}, pw)
	var ce *ChunkError
	if !errors.As(err, &ce) || !errors.Is(err, ErrChunkAuth) || ce.Index != 0 {
		t.Fatalf("swapped chunks 0 and 1: got %v", err)
	}
	// Dropping a whole middle chunk and fixing nothing else is truncation.
	drop := append(append([]byte{}, ct[:hdr+st]...), ct[hdr+2*st:]...)
	if _, err := decrypt(drop, nil, pw); !errors.Is(err, ErrTruncated) {
		t.Fatalf("dropped chunk: got %v", err)
	}
}

func TestHeaderTamper(t *testing.T) {
	pw := fastPassword("p")
	ct := encrypt(t, randomBytes(100, 6), nil, pw)
	// Stream nonce byte: parses fine, key unwraps, MAC fails.
	bad := append([]byte{}, ct...)
	bad[prefixSize+10] ^= 1
	if _, err := decrypt(bad, nil, pw); !errors.Is(err, ErrHeaderTampered) {
		t.Fatalf("nonce changed: got %v", err)
	}
	bad = append([]byte{}, ct...)
	bad[9] = 2
	if _, err := decrypt(bad, nil, pw); !errors.Is(err, ErrUnsupportedVersion) {
		t.Fatalf("version 2: got %v", err)
	}
	bad = append([]byte{}, ct...)
	bad[prefixSize+1] = 30
	if _, err := decrypt(bad, nil, pw); !errors.Is(err, ErrMalformedHeader) {
		t.Fatalf("chunk size 2^30: got %v", err)
	}
	if _, err := decrypt([]byte("GGUF\x03\x00\x00\x00 not encrypted"), nil, pw); !errors.Is(err, ErrNotEncrypted) {
		t.Fatalf("plain file: got %v", err)
	}
}

func TestReaderAt(t *testing.T) {
	pw := fastPassword("p")
	const cs = 4096
	pt := randomBytes(7*cs+123, 7)
	ct := encrypt(t, pt, &Options{ChunkSize: cs}, pw)
	ra, err := NewReaderAt(bytes.NewReader(ct), int64(len(ct)), pw)
	if err != nil {
		t.Fatal(err)
	}
	if ra.Size() != int64(len(pt)) {
		t.Fatalf("Size %d, want %d", ra.Size(), len(pt))
	}
	r := rand.New(rand.NewPCG(1, 2))
	for k := 0; k < 500; k++ {
		off := r.IntN(len(pt) + 10)
		n := r.IntN(3 * cs)
		buf := make([]byte, n)
		got, err := ra.ReadAt(buf, int64(off))
		want := 0
		if off < len(pt) {
			want = min(n, len(pt)-off)
		}
		if got != want {
			t.Fatalf("ReadAt(%d, %d) = %d, want %d (%v)", n, off, got, want, err)
		}
		if got < n && err != io.EOF {
			t.Fatalf("short read without io.EOF: %v", err)
		}
		if got == n && err != nil {
			t.Fatalf("full read with error %v", err)
		}
		if !bytes.Equal(buf[:got], pt[off:off+got]) {
			t.Fatalf("ReadAt(%d, %d): wrong bytes", n, off)
		}
	}
	// io.SectionReader over it streams the whole plaintext back.
	all, err := io.ReadAll(io.NewSectionReader(ra, 0, ra.Size()))
	if err != nil || !bytes.Equal(all, pt) {
		t.Fatalf("sequential read: %v", err)
	}
	// A flipped bit in chunk 3 fails reads of chunk 3 only.
	bad := append([]byte{}, ct...)
	hdr := len(ct) - len(pt) - 8*16
	bad[hdr+3*(cs+16)+7] ^= 4
	ra2, err := NewReaderAt(bytes.NewReader(bad), int64(len(bad)), pw)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ra2.ReadAt(make([]byte, 10), 2*cs); err != nil {
		t.Fatalf("intact chunk: %v", err)
	}
	var ce *ChunkError
	if _, err := ra2.ReadAt(make([]byte, 10), 3*cs+5); !errors.As(err, &ce) || ce.Index != 3 || !errors.Is(err, ErrChunkAuth) {
		t.Fatalf("tampered chunk: got %v", err)
	}
}

func TestDecryptFileLeavesNothingOnError(t *testing.T) {
	dir := t.TempDir()
	pw := fastPassword("p")
	src := filepath.Join(dir, "model.gguf")
	pt := randomBytes(300000, 8)
	if err := os.WriteFile(src, pt, 0o644); err != nil {
		t.Fatal(err)
	}
	enc := src + ".enc"
	if err := EncryptFile(enc, src, false, &Options{ChunkSize: 4096}, pw); err != nil {
		t.Fatal(err)
	}
	if err := EncryptFile(enc, src, false, nil, pw); !errors.Is(err, os.ErrExist) {
		t.Fatalf("encrypt over an existing file: got %v", err)
	}
	ct, _ := os.ReadFile(enc)
	out := filepath.Join(dir, "out.gguf")
	// Corruption near the end: most chunks decrypt before the failure.
	ct[len(ct)-50] ^= 1
	os.WriteFile(enc, ct, 0o644)
	if err := DecryptFile(out, enc, false, nil, pw); !errors.Is(err, ErrChunkAuth) {
		t.Fatalf("got %v, want ErrChunkAuth", err)
	}
	ct[len(ct)-50] ^= 1
	os.WriteFile(enc, ct[:len(ct)-1], 0o644)
	if err := DecryptFile(out, enc, false, nil, pw); !errors.Is(err, ErrTruncated) {
		t.Fatalf("got %v, want ErrTruncated", err)
	}
	if err := DecryptFile(out, enc, false, nil, fastPassword("no")); !errors.Is(err, ErrTruncated) && !errors.Is(err, ErrNoIdentityMatched) {
		t.Fatalf("got %v", err)
	}
	ents, _ := os.ReadDir(dir)
	for _, e := range ents {
		if e.Name() != "model.gguf" && e.Name() != "model.gguf.enc" {
			t.Fatalf("left behind: %s", e.Name())
		}
	}
	os.WriteFile(enc, ct, 0o644)
	if err := DecryptFile(out, enc, false, nil, pw); err != nil {
		t.Fatal(err)
	}
	ef, err := OpenFile(enc, pw)
	if err != nil {
		t.Fatal(err)
	}
	mid := make([]byte, 1000)
	if _, err := ef.ReadAt(mid, 150000); err != nil || !bytes.Equal(mid, pt[150000:151000]) || ef.Size() != int64(len(pt)) {
		t.Fatalf("OpenFile: %v", err)
	}
	ef.Close()
	got, _ := os.ReadFile(out)
	if !bytes.Equal(got, pt) {
		t.Fatal("round trip through files differs")
	}
	if err := DecryptFile(out, enc, false, nil, pw); !errors.Is(err, os.ErrExist) {
		t.Fatalf("decrypt over an existing file: got %v", err)
	}
	if err := DecryptFile(out, enc, true, nil, pw); err != nil {
		t.Fatalf("with replace: %v", err)
	}
}

func TestEncryptSizeMismatch(t *testing.T) {
	pw := fastPassword("p")
	if err := Encrypt(io.Discard, bytes.NewReader(make([]byte, 10)), 11, nil, pw); err == nil {
		t.Fatal("short source accepted")
	}
	if err := Encrypt(io.Discard, bytes.NewReader(make([]byte, 10)), 9, nil, pw); err == nil {
		t.Fatal("long source accepted")
	}
}

type failingWriter struct{ left int }

func (w *failingWriter) Write(p []byte) (int, error) {
	if len(p) > w.left {
		n := w.left
		w.left = 0
		return n, errors.New("disk full")
	}
	w.left -= len(p)
	return len(p), nil
}

// TestPipelineFailures: with parallel workers, a failure in a late batch
// (tampering, truncation, a failing writer) stops cleanly, and what was
// written is exactly a prefix of the plaintext.
func TestPipelineFailures(t *testing.T) {
	pw := fastPassword("p")
	const cs = 4096
	pt := randomBytes(5*batchBytes+3*cs+7, 10)
	opts := &Options{ChunkSize: cs, Concurrency: 3}
	ct := encrypt(t, pt, opts, pw)
	hdr := len(ct) - len(pt) - 16*((len(pt)+cs-1)/cs)
	perBatch := batchBytes / cs
	bad := bytes.Clone(ct)
	bad[hdr+(3*perBatch+5)*(cs+16)+9] ^= 2
	out, err := decrypt(bad, opts, pw)
	var ce *ChunkError
	if !errors.As(err, &ce) || ce.Index != uint64(3*perBatch+5) || !errors.Is(err, ErrChunkAuth) {
		t.Fatalf("tampered chunk: %v", err)
	}
	if !bytes.HasPrefix(pt, out) || len(out) > 3*batchBytes {
		t.Fatalf("wrote %d bytes past the failing batch", len(out))
	}
	out, err = decrypt(ct[:len(ct)-2*batchBytes], opts, pw)
	if !errors.Is(err, ErrTruncated) || !bytes.HasPrefix(pt, out) {
		t.Fatalf("truncated: %v", err)
	}
	if _, err := Decrypt(&failingWriter{left: 2*batchBytes + 100}, bytes.NewReader(ct), opts, pw); err == nil || err.Error() != "disk full" {
		t.Fatalf("failing writer: %v", err)
	}
	if err := Encrypt(&failingWriter{left: batchBytes + 100}, bytes.NewReader(pt), int64(len(pt)), opts, pw); err == nil {
		t.Fatal("encrypt to a failing writer succeeded")
	}
	if err := Encrypt(io.Discard, bytes.NewReader(pt[:len(pt)-batchBytes]), int64(len(pt)), opts, pw); err == nil {
		t.Fatal("short source accepted")
	}
}

func TestReaderAtChecksLastChunk(t *testing.T) {
	pw := fastPassword("p")
	for _, n := range []int{0, 5000} {
		ct := encrypt(t, randomBytes(n, 12), &Options{ChunkSize: 4096}, pw)
		if _, err := NewReaderAt(bytes.NewReader(ct), int64(len(ct)), pw); err != nil {
			t.Fatal(err)
		}
		ct[len(ct)-3] ^= 1
		if _, err := NewReaderAt(bytes.NewReader(ct), int64(len(ct)), pw); !errors.Is(err, ErrChunkAuth) {
			t.Fatalf("%d bytes, tampered last tag: %v", n, err)
		}
	}
}

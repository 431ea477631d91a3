package b3

import (
	"bytes"
	"errors"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	"lukechampine.com/blake3"
)

func TestSumFile(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	data := make([]byte, 2*readBufSize+5000)
	for i := range data {
		data[i] = byte(r.Uint32())
	}
	dir := t.TempDir()
	for _, n := range []int{0, 100, readBufSize - 1, readBufSize, readBufSize + 1, len(data)} {
		name := filepath.Join(dir, "f")
		os.WriteFile(name, data[:n], 0o644)
		f, err := os.Open(name)
		if err != nil {
			t.Fatal(err)
		}
		size, sum, err := SumFile(f)
		f.Close()
		want := blake3.Sum256(data[:n])
		if err != nil || size != int64(n) || !bytes.Equal(sum[:], want[:]) {
			t.Fatalf("SumFile of %d bytes: %d, %v", n, size, err)
		}
		size, sum, err = SumReader(bytes.NewReader(data[:n]))
		if err != nil || size != int64(n) || !bytes.Equal(sum[:], want[:]) {
			t.Fatalf("SumReader of %d bytes: %d, %v", n, size, err)
		}
	}
}

func TestCopy(t *testing.T) {
	data := make([]byte, 3*readBufSize+17)
	for i := range data {
		data[i] = byte(i * 13)
	}
	h := New()
	if n, err := io.Copy(h, bytes.NewBuffer(data)); err != nil || n != int64(len(data)) {
		t.Fatalf("io.Copy: %d, %v", n, err)
	}
	want := blake3.Sum256(data)
	if !bytes.Equal(h.Sum(nil), want[:]) {
		t.Fatal("digest through io.Copy differs")
	}
}

type trickleReader struct {
	data []byte
	max  int
}

func (r *trickleReader) Read(p []byte) (int, error) {
	if len(r.data) == 0 {
		return 0, io.EOF
	}
	n := copy(p[:min(len(p), r.max)], r.data)
	r.data = r.data[n:]
	return n, nil
}

func TestSumReaderConcurrent(t *testing.T) {
	data := make([]byte, 3*readBufSize+runBytes+5)
	r := rand.New(rand.NewPCG(9, 10))
	for i := range data {
		data[i] = byte(r.Uint32())
	}
	for _, n := range []int{0, 1, runBytes, readBufSize - 1, readBufSize, readBufSize + 1, 2 * readBufSize, 3*readBufSize + runBytes, len(data)} {
		want := blake3.Sum256(data[:n])
		for _, w := range []int{1, 2, 3, 8} {
			size, got, err := SumReaderConcurrent(bytes.NewReader(data[:n]), w)
			if err != nil || size != int64(n) || got != want {
				t.Fatalf("%d bytes, %d workers: %d, %v, digest ok=%v", n, w, size, err, got == want)
			}
		}
		_, got, _ := SumReaderConcurrent(&trickleReader{data: data[:n], max: 100000}, 2)
		if got != want {
			t.Fatalf("%d bytes in short reads: digest differs", n)
		}
	}
	_, _, err := SumReaderConcurrent(io.MultiReader(bytes.NewReader(data[:readBufSize+10]), &errReader{}), 2)
	if err == nil || err.Error() != "read failed" {
		t.Fatalf("read error: %v", err)
	}
}

type errReader struct{}

func (errReader) Read([]byte) (int, error) { return 0, errors.New("read failed") }

package mmap

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"testing"
)

func TestOpen(t *testing.T) {
	dir := t.TempDir()
	for _, want := range [][]byte{{}, []byte("weights"), bytes.Repeat([]byte{7}, 1<<20+3)} {
		p := filepath.Join(dir, "f")
		if err := os.WriteFile(p, want, 0o644); err != nil {
			t.Fatal(err)
		}
		f, err := Open(p)
		if err != nil {
			t.Fatal(err)
		}
		got := f.Data
		if f.ReaderAt != nil {
			got = make([]byte, f.Size)
			if _, err := f.ReaderAt.ReadAt(got, 0); err != nil && err != io.EOF {
				t.Fatal(err)
			}
		} else if got == nil {
			t.Fatal("neither Data nor ReaderAt set")
		}
		if f.Size != int64(len(want)) || !bytes.Equal(got, want) {
			t.Errorf("%d bytes: got %d bytes (Size %d)", len(want), len(got), f.Size)
		}
		if err := f.Close(); err != nil {
			t.Fatal(err)
		}
		if err := f.Close(); err != nil {
			t.Errorf("second Close: %v", err)
		}
	}
	if _, err := Open(filepath.Join(dir, "absent")); !os.IsNotExist(err) {
		t.Errorf("absent file: %v, want a not-exist error", err)
	}
}

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

func TestSection(t *testing.T) {
	p := filepath.Join(t.TempDir(), "f")
	data := []byte("0123456789")
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	mapped, err := Open(p)
	if err != nil {
		t.Fatal(err)
	}
	defer mapped.Close()
	for _, f := range []*File{mapped, Reader(bytes.NewReader(data), int64(len(data)))} {
		b, err := f.Section(3, 4)
		if err != nil || string(b) != "3456" {
			t.Errorf("Section(3, 4) = %q, %v", b, err)
		}
		if cap(b) != 4 {
			t.Errorf("Section(3, 4) has capacity %d: appending would write past it", cap(b))
		}
		for _, r := range [][2]uint64{{8, 3}, {11, 0}, {1, ^uint64(0)}} {
			if _, err := f.Section(r[0], r[1]); err == nil {
				t.Errorf("Section(%d, %d) outside the file: no error", r[0], r[1])
			}
		}
		var buf [3]byte
		if n, err := f.ReadAt(buf[:], 8); n != 2 || err != io.EOF {
			t.Errorf("ReadAt at the end = %d, %v; want 2, EOF", n, err)
		}
	}
}

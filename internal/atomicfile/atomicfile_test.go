package atomicfile

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
)

func TestCommitAbort(t *testing.T) {
	dir := t.TempDir()
	name := filepath.Join(dir, "out")
	f, err := Create(name, NoReplace)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString("partial")
	if _, err := os.Stat(name); !errors.Is(err, fs.ErrNotExist) {
		t.Fatal("final name visible before Commit")
	}
	f.Abort()
	if ents, _ := os.ReadDir(dir); len(ents) != 0 {
		t.Fatalf("Abort left %d entries", len(ents))
	}

	f, _ = Create(name, NoReplace)
	f.WriteString("one")
	if err := f.Commit(); err != nil {
		t.Fatal(err)
	}
	f.Abort() // no-op after Commit
	if b, _ := os.ReadFile(name); string(b) != "one" {
		t.Fatalf("content %q", b)
	}
	if _, err := Create(name, NoReplace); !errors.Is(err, fs.ErrExist) {
		t.Fatalf("NoReplace over an existing file: %v", err)
	}

	// The existing file appears between Create and Commit: Commit still
	// refuses, atomically.
	other := filepath.Join(dir, "late")
	g, _ := Create(other, NoReplace)
	g.WriteString("mine")
	os.WriteFile(other, []byte("theirs"), 0o644)
	if err := g.Commit(); !errors.Is(err, fs.ErrExist) {
		t.Fatalf("Commit over a file created meanwhile: %v", err)
	}
	if b, _ := os.ReadFile(other); string(b) != "theirs" {
		t.Fatal("NoReplace replaced a file")
	}

	r, _ := Create(name, Replace)
	r.WriteString("two")
	if err := r.Commit(); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(name); string(b) != "two" {
		t.Fatalf("Replace: content %q", b)
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 2 {
		t.Fatalf("temporary files left: %d entries", len(ents))
	}
}

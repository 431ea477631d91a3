// Package atomicfile writes a file so that readers see either nothing or the
// whole, synced content: data goes to a temporary file in the destination's
// directory, is fsynced, and only then renamed (or hard-linked, when an
// existing file must not be replaced) to its final name. A process killed at
// any moment leaves at most a temporary file whose name starts with ".tmp-",
// never a partial file under the final name.
//
//	f, err := atomicfile.Create("model.gguf", atomicfile.NoReplace)
//	if err != nil { return err }
//	defer f.Abort() // no-op after Commit
//	if _, err := io.Copy(f, src); err != nil { return err }
//	return f.Commit()
package atomicfile

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// Mode says what Commit does when the destination already exists.
type Mode int

const (
	// NoReplace makes Commit fail with an error wrapping fs.ErrExist.
	NoReplace Mode = iota
	// Replace atomically replaces the existing file.
	Replace
)

// File is a temporary file that becomes Path on Commit.
type File struct {
	*os.File
	Path string
	mode Mode
	done bool
}

// Create opens a temporary file beside path. With NoReplace it fails early
// when path exists, so no work is wasted; Commit checks again atomically.
func Create(path string, mode Mode) (*File, error) {
	if mode == NoReplace {
		if _, err := os.Lstat(path); err == nil {
			return nil, fmt.Errorf("%s: %w", path, fs.ErrExist)
		}
	}
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	f, err := os.CreateTemp(dir, ".tmp-"+base+"-*")
	if err != nil {
		return nil, err
	}
	return &File{File: f, Path: path, mode: mode}, nil
}

// Commit syncs the data, closes the file and moves it to Path, then syncs
// the directory so the new name survives a crash.
func (f *File) Commit() error {
	if f.done {
		return errors.New("atomicfile: already committed or aborted")
	}
	tmp := f.Name()
	if err := f.Sync(); err != nil {
		f.Abort()
		return err
	}
	if err := f.Close(); err != nil {
		f.Abort()
		return err
	}
	f.done = true
	var err error
	if f.mode == Replace {
		err = os.Rename(tmp, f.Path)
	} else {
		// link(2) fails when the target exists, which rename(2) would
		// silently replace.
		err = os.Link(tmp, f.Path)
		os.Remove(tmp)
		if errors.Is(err, fs.ErrExist) {
			err = fmt.Errorf("%s: %w", f.Path, fs.ErrExist)
		}
	}
	if err != nil {
		os.Remove(tmp)
		return err
	}
	return syncDir(filepath.Dir(f.Path))
}

// Abort removes the temporary file. It is safe to call after Commit.
func (f *File) Abort() {
	if f.done {
		return
	}
	f.done = true
	f.Close()
	os.Remove(f.Name())
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.Sync(); err != nil && !errors.Is(err, os.ErrInvalid) {
		return err
	}
	return nil
}

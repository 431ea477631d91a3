// Package mmap opens a whole file for reading without copying it: mapped
// read-only into memory where the platform allows it (the model loaders
// hand out weights as slices of the mapping), read through the descriptor
// elsewhere.
package mmap

import (
	"errors"
	"fmt"
	"io"
	"math"
)

// File is a file opened by Open. Exactly one of Data and ReaderAt is set:
// Data is the read-only mapping (never write to it: the process faults),
// ReaderAt reads from the open descriptor where files are not mapped.
type File struct {
	Data     []byte
	ReaderAt io.ReaderAt
	Size     int64
	close    func() error
}

// Reader wraps r, size bytes long, as a File that reads through r; its
// Close does not close r.
func Reader(r io.ReaderAt, size int64) *File {
	return &File{ReaderAt: r, Size: size}
}

// Close unmaps the file or closes its descriptor. Slices of Data must not
// be used afterwards.
func (f *File) Close() error {
	f.Data = nil
	if f.close == nil {
		return nil
	}
	c := f.close
	f.close = nil
	return c()
}

// ReadAt reads from the mapping or through ReaderAt (File is an
// io.ReaderAt either way).
func (f *File) ReadAt(p []byte, off int64) (int, error) {
	if f.Data == nil {
		if f.ReaderAt == nil {
			return 0, errors.New("mmap: read after Close")
		}
		return f.ReaderAt.ReadAt(p, off)
	}
	if off < 0 || off > int64(len(f.Data)) {
		return 0, io.EOF
	}
	n := copy(p, f.Data[off:])
	if n < len(p) {
		return n, io.EOF
	}
	return n, nil
}

// Section returns the n bytes at off: a slice of the mapping (its
// capacity clipped to n) when mapped, else a new slice read through
// ReaderAt. A range outside the file is an error.
func (f *File) Section(off, n uint64) ([]byte, error) {
	if off > uint64(f.Size) || n > uint64(f.Size)-off {
		return nil, fmt.Errorf("bytes [%d, +%d) lie outside the file's %d", off, n, f.Size)
	}
	if f.Data != nil {
		end := off + n
		return f.Data[off:end:end], nil
	}
	if n > math.MaxInt {
		return nil, fmt.Errorf("%d bytes do not fit in memory", n)
	}
	b := make([]byte, n)
	if err := ReadFull(f, b, int64(off)); err != nil {
		return nil, fmt.Errorf("reading %d bytes: %w", n, err)
	}
	return b, nil
}

// ReadFull reads len(b) bytes at off from r; a short read is
// io.ErrUnexpectedEOF.
func ReadFull(r io.ReaderAt, b []byte, off int64) error {
	n, err := r.ReadAt(b, off)
	if n == len(b) {
		return nil
	}
	if err == nil || errors.Is(err, io.EOF) {
		err = io.ErrUnexpectedEOF
	}
	return err
}

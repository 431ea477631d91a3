// Package mmap opens a whole file for reading without copying it: mapped
// read-only into memory where the platform allows it (the model loaders
// hand out weights as slices of the mapping), read through the descriptor
// elsewhere.
package mmap

import "io"

// File is a file opened by Open. Exactly one of Data and ReaderAt is set:
// Data is the read-only mapping (never write to it: the process faults),
// ReaderAt reads from the open descriptor where files are not mapped.
type File struct {
	Data     []byte
	ReaderAt io.ReaderAt
	Size     int64
	close    func() error
}

// Close unmaps the file or closes its descriptor. Slices of Data must not
// be used afterwards.
func (f *File) Close() error {
	if f.close == nil {
		return nil
	}
	c := f.close
	f.close = nil
	return c()
}

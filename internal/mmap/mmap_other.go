//go:build !unix

package mmap

import "os"

// Open opens the file at path for reading through ReaderAt (files are not
// mapped on this platform).
func Open(path string) (*File, error) {
	fd, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	st, err := fd.Stat()
	if err != nil {
		fd.Close()
		return nil, err
	}
	return &File{ReaderAt: fd, Size: st.Size(), close: fd.Close}, nil
}

package b3

import (
	"io"
	"os"
)

// readBufSize: large reads amortise system calls; a multiple of the
// 1024-chunk run so that every run is hashed straight from the buffer.
const readBufSize = 4 << 20

// SumReader hashes everything r yields and returns the byte count.
func SumReader(r io.Reader) (int64, [Size]byte, error) {
	h := New()
	buf := make([]byte, readBufSize)
	var n int64
	for {
		k, err := io.ReadFull(r, buf)
		h.Write(buf[:k])
		n += int64(k)
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			break
		}
		if err != nil {
			return n, [Size]byte{}, err
		}
	}
	var out [Size]byte
	h.Sum(out[:0])
	return n, out, nil
}

// SumFile hashes an open file from its current offset to the end. On
// Linux and other Unix systems it maps the file a window at a time, which
// saves copying the data out of the page cache while keeping resident
// memory bounded by the window; elsewhere, or if mapping fails, it reads.
func SumFile(f *os.File) (int64, [Size]byte, error) {
	if n, sum, ok, err := sumMapped(f); ok || err != nil {
		return n, sum, err
	}
	return SumReader(f)
}

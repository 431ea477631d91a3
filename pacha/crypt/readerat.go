package crypt

import (
	"crypto/cipher"
	"fmt"
	"io"
	"os"
	"sync"

	"golang.org/x/crypto/chacha20poly1305"
)

// ReaderAt gives random access to the plaintext of an encrypted file:
// ReadAt reads and authenticates only the chunks that overlap the request,
// so a loader can read tensors of an encrypted model without writing the
// plaintext anywhere. It is safe for concurrent use.
type ReaderAt struct {
	r      io.ReaderAt
	h      *header
	aead   cipher.AEAD
	hdrLen int64

	mu       sync.Mutex
	cacheIdx uint64 // chunk held in cache; valid when cacheLen >= 0
	cacheLen int
	cache    []byte
	scratch  sync.Pool
}

// NewReaderAt opens the encrypted file in r, whose total size is size. It
// checks the header MAC, that size matches the header exactly, and the
// last chunk, so a truncated or extended file fails here rather than on
// some later read.
func NewReaderAt(r io.ReaderAt, size int64, identities ...Identity) (*ReaderAt, error) {
	h, fileKey, err := open(io.NewSectionReader(r, 0, size), identities)
	if err != nil {
		return nil, err
	}
	switch want := h.totalSize(); {
	case uint64(size) < want:
		return nil, fmt.Errorf("%w: file is %d bytes, header declares %d", ErrTruncated, size, want)
	case uint64(size) > want:
		return nil, fmt.Errorf("%w: file is %d bytes, header declares %d", ErrTrailingData, size, want)
	}
	ra := &ReaderAt{r: r, h: h, aead: payloadAEAD(fileKey, h), hdrLen: int64(len(h.raw) + macSize), cacheLen: -1}
	ra.cache = make([]byte, h.chunkSize()+tagSize)
	ra.scratch.New = func() any { b := make([]byte, h.chunkSize()+tagSize); return &b }
	// Authenticate the last chunk now: its flag proves the end is the
	// true end, and an empty file's only chunk is otherwise never read.
	if _, err := ra.readChunk(h.chunks()-1, 0, nil); err != nil {
		return nil, err
	}
	return ra, nil
}

// Size is the plaintext size.
func (ra *ReaderAt) Size() int64 { return int64(ra.h.size) }

// ChunkSize is the plaintext bytes per chunk: reads aligned to it decrypt
// each chunk once.
func (ra *ReaderAt) ChunkSize() int { return ra.h.chunkSize() }

// ReadAt implements io.ReaderAt over the plaintext.
func (ra *ReaderAt) ReadAt(p []byte, off int64) (int, error) {
	if off < 0 {
		return 0, fmt.Errorf("crypt: negative offset %d", off)
	}
	size := int64(ra.h.size)
	if off >= size {
		if len(p) == 0 {
			return 0, nil
		}
		return 0, io.EOF
	}
	c := int64(ra.h.chunkSize())
	n := 0
	for n < len(p) && off < size {
		idx := uint64(off / c)
		within := int(off % c)
		k, err := ra.readChunk(idx, within, p[n:])
		n += k
		off += int64(k)
		if err != nil {
			return n, err
		}
	}
	if n < len(p) {
		return n, io.EOF
	}
	return n, nil
}

// readChunk copies plaintext of chunk idx from offset within into p. The
// most recently used chunk is cached so that small sequential reads do not
// decrypt a chunk again for every call.
func (ra *ReaderAt) readChunk(idx uint64, within int, p []byte) (int, error) {
	ra.mu.Lock()
	if ra.cacheLen >= 0 && ra.cacheIdx == idx {
		n := copy(p, ra.cache[within:ra.cacheLen])
		ra.mu.Unlock()
		return n, nil
	}
	ra.mu.Unlock()

	bp := ra.scratch.Get().(*[]byte)
	defer ra.scratch.Put(bp)
	c := ra.h.chunkSize()
	ptLen := c
	last := idx == ra.h.chunks()-1
	if last {
		ptLen = int(ra.h.size - idx*uint64(c))
	}
	off := ra.hdrLen + int64(idx)*int64(c+tagSize)
	ct := (*bp)[:ptLen+tagSize]
	if _, err := ra.r.ReadAt(ct, off); err != nil {
		if err == io.EOF {
			err = ErrTruncated
		}
		return 0, &ChunkError{Index: idx, Offset: off, Err: err}
	}
	var nonce [chacha20poly1305.NonceSize]byte
	chunkNonce(&nonce, idx, last)
	pt, err := ra.aead.Open(ct[:0], nonce[:], ct, nil)
	if err != nil {
		return 0, &ChunkError{Index: idx, Offset: off, Err: ErrChunkAuth}
	}
	n := copy(p, pt[within:])
	ra.mu.Lock()
	ra.cacheIdx, ra.cacheLen = idx, copy(ra.cache, pt)
	ra.mu.Unlock()
	return n, nil
}

// File is an encrypted file opened for random access to its plaintext.
type File struct {
	*ReaderAt
	f *os.File
}

// OpenFile opens the encrypted file name for random access (see
// NewReaderAt); Close closes the underlying file.
func OpenFile(name string, identities ...Identity) (*File, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, err
	}
	ra, err := NewReaderAt(f, st.Size(), identities...)
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return &File{ReaderAt: ra, f: f}, nil
}

// Close closes the underlying file.
func (f *File) Close() error { return f.f.Close() }

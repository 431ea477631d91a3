package crypt

import (
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"runtime"
	"sync"

	"golang.org/x/crypto/chacha20poly1305"
)

// Options tune encryption and decryption; the zero value is the default.
type Options struct {
	// ChunkSize is the plaintext bytes per chunk for encryption, a power
	// of two from 4 KiB to 16 MiB; 0 means 64 KiB. Decryption takes the
	// chunk size from the header.
	ChunkSize int
	// Concurrency is how many goroutines seal or open the chunks of a
	// batch; 0 means GOMAXPROCS, 1 keeps everything on the caller's
	// goroutine. The output is the same for any value.
	Concurrency int
}

// batchBytes is the plaintext processed per read/seal/write round: large
// enough to amortise system calls and goroutine hand-off, small enough to
// keep memory flat (two buffers of this size at most).
const batchBytes = 1 << 20

func (o *Options) logChunk() (uint8, error) {
	if o == nil || o.ChunkSize == 0 {
		return defaultLogChunk, nil
	}
	for l := uint8(minLogChunk); l <= maxLogChunk; l++ {
		if o.ChunkSize == 1<<l {
			return l, nil
		}
	}
	return 0, fmt.Errorf("crypt: chunk size %d is not a power of two from 4 KiB to 16 MiB", o.ChunkSize)
}

func (o *Options) workers() int {
	if o == nil || o.Concurrency <= 0 {
		return runtime.GOMAXPROCS(0)
	}
	return o.Concurrency
}

// chunkNonce is the STREAM nonce: an 88-bit big-endian chunk counter and a
// final byte that is 1 for the last chunk and 0 otherwise.
func chunkNonce(n *[chacha20poly1305.NonceSize]byte, i uint64, last bool) {
	*n = [chacha20poly1305.NonceSize]byte{}
	for j := 10; j >= 3; j-- {
		n[j] = byte(i)
		i >>= 8
	}
	if last {
		n[11] = 1
	}
}

func payloadAEAD(fileKey []byte, h *header) cipher.AEAD {
	a, err := chacha20poly1305.New(deriveKey(fileKey, h.nonce[:], "pacha-enc/v1 payload"))
	if err != nil {
		panic("crypt: " + err.Error())
	}
	return a
}

// Encrypt reads exactly size bytes from src and writes the encrypted file
// to dst: header, then chunks. It fails if src ends early or holds more
// than size bytes.
func Encrypt(dst io.Writer, src io.Reader, size int64, opts *Options, recipients ...Recipient) error {
	if size < 0 {
		return errors.New("crypt: negative size")
	}
	if len(recipients) == 0 || len(recipients) > maxStanzas {
		return fmt.Errorf("crypt: %d recipients (want 1..%d)", len(recipients), maxStanzas)
	}
	lc, err := opts.logChunk()
	if err != nil {
		return err
	}
	h := &header{aead: aeadChaCha20Poly1305, logChunk: lc, size: uint64(size)}
	fileKey := make([]byte, fileKeySize)
	if _, err := rand.Read(fileKey); err != nil {
		return err
	}
	if _, err := rand.Read(h.nonce[:]); err != nil {
		return err
	}
	for _, r := range recipients {
		s, err := r.wrap(fileKey)
		if err != nil {
			return err
		}
		if s.typ == stanzaArgon2id && len(recipients) != 1 {
			return errors.New("crypt: a password must be the only recipient")
		}
		h.stanzas = append(h.stanzas, s)
	}
	h.marshal()
	mac := h.computeMAC(fileKey)
	if _, err := dst.Write(append(h.raw[:len(h.raw):len(h.raw)], mac[:]...)); err != nil {
		return err
	}

	p := newPipe(h, payloadAEAD(fileKey, h), opts.workers())
	c := h.chunkSize()
	for first := uint64(0); first < h.chunks(); first += uint64(p.perBatch) {
		n := p.layout(first)
		for j := 0; j < n; j++ {
			if _, err := io.ReadFull(src, p.buf[j*(c+tagSize):][:p.ptLen[j]]); err != nil {
				if err == io.EOF {
					err = io.ErrUnexpectedEOF
				}
				return fmt.Errorf("crypt: reading plaintext (declared %d bytes): %w", size, err)
			}
		}
		p.run(first, n, true)
		if _, err := dst.Write(p.buf[:p.batchCT(n)]); err != nil {
			return err
		}
	}
	var one [1]byte
	if n, _ := io.ReadFull(src, one[:]); n != 0 {
		return fmt.Errorf("crypt: plaintext is longer than the declared %d bytes", size)
	}
	return nil
}

// Decrypt reads an encrypted file from src and writes the plaintext to dst,
// returning the number of plaintext bytes written.
//
// Plaintext is written chunk by chunk as each is authenticated, so on error
// dst may hold a prefix of the plaintext; DecryptFile writes to a temporary
// file and renames it only on success.
func Decrypt(dst io.Writer, src io.Reader, opts *Options, identities ...Identity) (int64, error) {
	h, fileKey, err := open(src, identities)
	if err != nil {
		return 0, err
	}
	p := newPipe(h, payloadAEAD(fileKey, h), opts.workers())
	c := h.chunkSize()
	hdrLen := int64(len(h.raw) + macSize)
	var written int64
	for first := uint64(0); first < h.chunks(); first += uint64(p.perBatch) {
		n := p.layout(first)
		ct := p.buf[:p.batchCT(n)]
		if k, err := io.ReadFull(src, ct); err != nil {
			if err == io.EOF || err == io.ErrUnexpectedEOF {
				idx := first + uint64(k/(c+tagSize))
				return written, &ChunkError{Index: idx, Offset: hdrLen + int64(idx)*int64(c+tagSize), Err: ErrTruncated}
			}
			return written, err
		}
		if err := p.run(first, n, false); err != nil {
			return written, err
		}
		for j := 0; j < n; j++ {
			m, err := dst.Write(p.buf[j*(c+tagSize):][:p.ptLen[j]])
			written += int64(m)
			if err != nil {
				return written, err
			}
		}
	}
	var one [1]byte
	if n, _ := io.ReadFull(src, one[:]); n != 0 {
		return written, fmt.Errorf("%w (header declares %d plaintext bytes)", ErrTrailingData, h.size)
	}
	return written, nil
}

// open parses the header, recovers the file key with the first identity
// that fits, and checks the header MAC.
func open(src io.Reader, identities []Identity) (*header, []byte, error) {
	h, err := readHeader(src)
	if err != nil {
		return nil, nil, err
	}
	fileKey, err := unwrapAny(h, identities)
	if err != nil {
		return nil, nil, err
	}
	if mac := h.computeMAC(fileKey); !hmac.Equal(mac[:], h.mac[:]) {
		return nil, nil, ErrHeaderTampered
	}
	return h, fileKey, nil
}

func unwrapAny(h *header, identities []Identity) ([]byte, error) {
	if len(identities) == 0 {
		return nil, fmt.Errorf("%w: no identity given", ErrNoIdentityMatched)
	}
	var limitErr error
	for _, id := range identities {
		for _, s := range h.stanzas {
			k, err := id.unwrap(s)
			switch {
			case err == nil:
				return k, nil
			case errors.Is(err, ErrKDFLimits):
				limitErr = err
			}
		}
	}
	if limitErr != nil {
		return nil, limitErr
	}
	kinds := ""
	for i, s := range h.stanzas {
		if i > 0 {
			kinds += ", "
		}
		kinds += stanzaName(s.typ)
	}
	return nil, fmt.Errorf("%w (file is encrypted to: %s)", ErrNoIdentityMatched, kinds)
}

func stanzaName(t byte) string {
	switch t {
	case stanzaArgon2id:
		return "password"
	case stanzaX25519:
		return "X25519 key"
	}
	return fmt.Sprintf("type %d", t)
}

// pipe holds one batch of chunks laid out back to back at a stride of
// chunk size + tag, so a sealed batch is contiguous and can be written,
// or a ciphertext batch read, with one call.
type pipe struct {
	h        *header
	aead     cipher.AEAD
	workers  int
	perBatch int
	buf      []byte
	ptLen    []int // plaintext length of each chunk in the batch
	errs     []error
}

func newPipe(h *header, a cipher.AEAD, workers int) *pipe {
	c := h.chunkSize()
	per := batchBytes / c
	if per < 1 {
		per = 1
	}
	if uint64(per) > h.chunks() {
		per = int(h.chunks())
	}
	if workers > per {
		workers = per
	}
	return &pipe{h: h, aead: a, workers: workers, perBatch: per,
		buf: make([]byte, per*(c+tagSize)), ptLen: make([]int, per), errs: make([]error, workers)}
}

// layout fills ptLen for the batch starting at chunk first and returns its
// chunk count.
func (p *pipe) layout(first uint64) int {
	c := uint64(p.h.chunkSize())
	n := 0
	for j := 0; j < p.perBatch && first+uint64(j) < p.h.chunks(); j++ {
		i := first + uint64(j)
		l := c
		if i == p.h.chunks()-1 {
			l = p.h.size - i*c
		}
		p.ptLen[j] = int(l)
		n++
	}
	return n
}

func (p *pipe) batchCT(n int) int {
	t := 0
	for j := 0; j < n; j++ {
		t += p.ptLen[j] + tagSize
	}
	return t
}

// run seals (or opens) chunks [first, first+n) in place, spreading them
// over the workers.
func (p *pipe) run(first uint64, n int, seal bool) error {
	w := p.workers
	if w > n {
		w = n
	}
	if w <= 1 {
		return p.span(first, 0, n, seal)
	}
	var wg sync.WaitGroup
	for k := 0; k < w; k++ {
		lo, hi := k*n/w, (k+1)*n/w
		wg.Add(1)
		go func() {
			defer wg.Done()
			p.errs[k] = p.span(first, lo, hi, seal)
		}()
	}
	wg.Wait()
	for _, err := range p.errs[:w] {
		if err != nil {
			return err
		}
	}
	return nil
}

func (p *pipe) span(first uint64, lo, hi int, seal bool) error {
	c := p.h.chunkSize()
	last := p.h.chunks() - 1
	var nonce [chacha20poly1305.NonceSize]byte
	for j := lo; j < hi; j++ {
		i := first + uint64(j)
		chunkNonce(&nonce, i, i == last)
		b := p.buf[j*(c+tagSize):]
		if seal {
			p.aead.Seal(b[:0], nonce[:], b[:p.ptLen[j]], nil)
			continue
		}
		if _, err := p.aead.Open(b[:0], nonce[:], b[:p.ptLen[j]+tagSize], nil); err != nil {
			off := int64(len(p.h.raw)+macSize) + int64(i)*int64(c+tagSize)
			return &ChunkError{Index: i, Offset: off, Err: ErrChunkAuth}
		}
	}
	return nil
}

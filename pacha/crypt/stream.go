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
	"sync/atomic"

	"golang.org/x/crypto/chacha20poly1305"
)

// Options tune encryption and decryption; the zero value is the default.
type Options struct {
	// ChunkSize is the plaintext bytes per chunk for encryption, a power
	// of two from 4 KiB to 16 MiB; 0 means 64 KiB. Decryption takes the
	// chunk size from the header.
	ChunkSize int
	// Concurrency is how many goroutines seal or open batches of chunks
	// while the caller's goroutine reads the next and another writes the
	// previous; 0 means GOMAXPROCS, 1 keeps everything on the caller's
	// goroutine. The output is the same for any value.
	Concurrency int
}

// batchBytes is the plaintext per batch: large enough to amortise system
// calls and goroutine hand-off, small enough to keep memory flat
// (Concurrency + 2 batches at most).
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
	fill := func(b *batch) error {
		for j := 0; j < b.n; j++ {
			if _, err := io.ReadFull(src, b.buf[j*(c+tagSize):][:b.ptLen[j]]); err != nil {
				if err == io.EOF {
					err = io.ErrUnexpectedEOF
				}
				return fmt.Errorf("crypt: reading plaintext (declared %d bytes): %w", size, err)
			}
		}
		return nil
	}
	drain := func(b *batch) error {
		_, err := dst.Write(b.buf[:b.ctLen()])
		return err
	}
	if err := p.run(fill, drain, true); err != nil {
		return err
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
	fill := func(b *batch) error {
		if k, err := io.ReadFull(src, b.buf[:b.ctLen()]); err != nil {
			if err == io.EOF || err == io.ErrUnexpectedEOF {
				idx := b.first + uint64(k/(c+tagSize))
				return &ChunkError{Index: idx, Offset: hdrLen + int64(idx)*int64(c+tagSize), Err: ErrTruncated}
			}
			return err
		}
		return nil
	}
	drain := func(b *batch) error {
		for j := 0; j < b.n; j++ {
			m, err := dst.Write(b.buf[j*(c+tagSize):][:b.ptLen[j]])
			written += int64(m)
			if err != nil {
				return err
			}
		}
		return nil
	}
	if err := p.run(fill, drain, false); err != nil {
		return written, err
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

// A batch is a run of consecutive chunks laid out back to back at a
// stride of chunk size + tag, so that a sealed batch is contiguous and can
// be written, or a ciphertext batch read, with one call.
type batch struct {
	first uint64 // index of its first chunk
	n     int    // chunks in it
	buf   []byte
	ptLen []int // plaintext length of each chunk
	err   error // from sealing or opening
	done  chan struct{}
}

func (b *batch) ctLen() int {
	t := 0
	for _, l := range b.ptLen[:b.n] {
		t += l + tagSize
	}
	return t
}

// pipe moves batches through fill (read), seal or open, and drain (write).
type pipe struct {
	h        *header
	aead     cipher.AEAD
	workers  int
	perBatch int
}

func newPipe(h *header, a cipher.AEAD, workers int) *pipe {
	per := batchBytes / h.chunkSize()
	if per < 1 {
		per = 1
	}
	if uint64(per) > h.chunks() {
		per = int(h.chunks())
	}
	if workers < 1 {
		workers = 1
	}
	return &pipe{h: h, aead: a, workers: workers, perBatch: per}
}

func (p *pipe) newBatch() *batch {
	return &batch{buf: make([]byte, p.perBatch*(p.h.chunkSize()+tagSize)), ptLen: make([]int, p.perBatch)}
}

// layout prepares b for the batch starting at chunk first.
func (p *pipe) layout(b *batch, first uint64) {
	c := uint64(p.h.chunkSize())
	last := p.h.chunks() - 1
	b.first, b.n, b.err = first, 0, nil
	for j := 0; j < p.perBatch && first+uint64(j) <= last; j++ {
		l := c
		if first+uint64(j) == last {
			l = p.h.size - last*c
		}
		b.ptLen[j] = int(l)
		b.n++
	}
}

// run processes every chunk in order. fill runs on the caller's goroutine
// and drain sees batches in order; with more than one worker, batches are
// sealed or opened in parallel while the next is read and the previous
// written, and drain never sees a batch after one that failed, so only
// authenticated plaintext is ever written.
func (p *pipe) run(fill, drain func(*batch) error, seal bool) error {
	chunks := p.h.chunks()
	if p.workers == 1 {
		b := p.newBatch()
		for first := uint64(0); first < chunks; first += uint64(p.perBatch) {
			p.layout(b, first)
			if err := fill(b); err != nil {
				return err
			}
			if err := p.span(b, seal); err != nil {
				return err
			}
			if err := drain(b); err != nil {
				return err
			}
		}
		return nil
	}
	nb := p.workers + 2
	free := make(chan *batch, nb)
	for range nb {
		free <- p.newBatch()
	}
	work := make(chan *batch, nb)
	order := make(chan *batch, nb)
	var wg sync.WaitGroup
	for range p.workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for b := range work {
				b.err = p.span(b, seal)
				close(b.done)
			}
		}()
	}
	var failed atomic.Bool
	drained := make(chan error, 1)
	go func() {
		var err error
		for b := range order {
			<-b.done
			if err == nil {
				if err = b.err; err == nil {
					err = drain(b)
				}
				if err != nil {
					failed.Store(true)
				}
			}
			free <- b
		}
		drained <- err
	}()
	var err error
	for first := uint64(0); first < chunks && !failed.Load(); first += uint64(p.perBatch) {
		b := <-free
		p.layout(b, first)
		if err = fill(b); err != nil {
			break
		}
		b.done = make(chan struct{})
		order <- b
		work <- b
	}
	close(work)
	close(order)
	wg.Wait()
	if derr := <-drained; derr != nil {
		return derr
	}
	return err
}

// span seals or opens every chunk of b in place.
func (p *pipe) span(b *batch, seal bool) error {
	c := p.h.chunkSize()
	last := p.h.chunks() - 1
	var nonce [chacha20poly1305.NonceSize]byte
	for j := 0; j < b.n; j++ {
		i := b.first + uint64(j)
		chunkNonce(&nonce, i, i == last)
		buf := b.buf[j*(c+tagSize):]
		if seal {
			p.aead.Seal(buf[:0], nonce[:], buf[:b.ptLen[j]], nil)
			continue
		}
		if _, err := p.aead.Open(buf[:0], nonce[:], buf[:b.ptLen[j]+tagSize], nil); err != nil {
			off := int64(len(p.h.raw)+macSize) + int64(i)*int64(c+tagSize)
			return &ChunkError{Index: i, Offset: off, Err: ErrChunkAuth}
		}
	}
	return nil
}

package crypt

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"io"
)

const (
	magic         = "PACHAENC"
	formatVersion = 1
	prefixSize    = len(magic) + 2 + 4 // magic, version, body length
	macSize       = sha256.Size
	maxBodySize   = 16 << 10

	aeadChaCha20Poly1305 = 1

	minLogChunk     = 12 // 4 KiB
	maxLogChunk     = 24 // 16 MiB
	defaultLogChunk = 16 // 64 KiB

	streamNonceSize = 16
	fileKeySize     = 32
	tagSize         = 16
	maxStanzas      = 64

	stanzaArgon2id = 1
	stanzaX25519   = 2
)

type stanza struct {
	typ  byte
	body []byte
}

// header is the parsed, not yet authenticated, header.
type header struct {
	aead     byte
	logChunk uint8
	size     uint64 // plaintext bytes
	nonce    [streamNonceSize]byte
	stanzas  []stanza
	raw      []byte // prefix and body: the MAC input
	mac      [macSize]byte
}

func (h *header) chunkSize() int { return 1 << h.logChunk }

// chunks returns the number of chunks for the plaintext size: at least one,
// so that an empty file still carries an authenticated last chunk.
func (h *header) chunks() uint64 {
	c := uint64(h.chunkSize())
	n := (h.size + c - 1) / c
	if n == 0 {
		n = 1
	}
	return n
}

// payloadSize is the exact number of ciphertext bytes after the header.
func (h *header) payloadSize() uint64 { return h.size + h.chunks()*tagSize }

// totalSize is the exact size of the whole encrypted file.
func (h *header) totalSize() uint64 { return uint64(len(h.raw)+macSize) + h.payloadSize() }

// marshal fills h.raw from the fields.
func (h *header) marshal() {
	body := []byte{h.aead, h.logChunk}
	body = binary.BigEndian.AppendUint64(body, h.size)
	body = append(body, h.nonce[:]...)
	body = append(body, byte(len(h.stanzas)))
	for _, s := range h.stanzas {
		body = append(body, s.typ)
		body = binary.BigEndian.AppendUint16(body, uint16(len(s.body)))
		body = append(body, s.body...)
	}
	raw := append([]byte(magic), 0, 0, 0, 0, 0, 0)
	binary.BigEndian.PutUint16(raw[len(magic):], formatVersion)
	binary.BigEndian.PutUint32(raw[len(magic)+2:], uint32(len(body)))
	h.raw = append(raw, body...)
}

func (h *header) computeMAC(fileKey []byte) [macSize]byte {
	m := hmac.New(sha256.New, deriveKey(fileKey, nil, "pacha-enc/v1 header"))
	m.Write(h.raw)
	var out [macSize]byte
	m.Sum(out[:0])
	return out
}

// readHeader reads and parses the header and its MAC from r, consuming
// exactly the header's bytes. The MAC is not checked here: that needs the
// file key.
func readHeader(r io.Reader) (*header, error) {
	var prefix [prefixSize]byte
	if n, err := io.ReadFull(r, prefix[:]); err != nil {
		if n < len(magic) || string(prefix[:len(magic)]) != magic {
			if err == io.EOF || err == io.ErrUnexpectedEOF {
				return nil, ErrNotEncrypted
			}
			return nil, err
		}
		return nil, malformed("header cut short")
	}
	if string(prefix[:len(magic)]) != magic {
		return nil, ErrNotEncrypted
	}
	if v := binary.BigEndian.Uint16(prefix[len(magic):]); v != formatVersion {
		return nil, &versionError{v}
	}
	n := binary.BigEndian.Uint32(prefix[len(magic)+2:])
	if n > maxBodySize {
		return nil, malformed("header body of %d bytes exceeds %d", n, maxBodySize)
	}
	buf := make([]byte, prefixSize+int(n)+macSize)
	copy(buf, prefix[:])
	if _, err := io.ReadFull(r, buf[prefixSize:]); err != nil {
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			return nil, malformed("header cut short")
		}
		return nil, err
	}
	h, err := parseBody(buf[prefixSize : prefixSize+int(n)])
	if err != nil {
		return nil, err
	}
	h.raw = buf[:prefixSize+int(n)]
	copy(h.mac[:], buf[prefixSize+int(n):])
	return h, nil
}

type versionError struct{ v uint16 }

func (e *versionError) Error() string {
	return fmt.Sprintf("crypt: unsupported format version %d (this build reads version %d)", e.v, formatVersion)
}

func (e *versionError) Unwrap() error { return ErrUnsupportedVersion }

// parseBody decodes the header body strictly: every byte must belong to a
// known field, and every value must be in range.
func parseBody(b []byte) (*header, error) {
	h := new(header)
	const fixed = 1 + 1 + 8 + streamNonceSize + 1
	if len(b) < fixed {
		return nil, malformed("header body of %d bytes is shorter than its fixed part", len(b))
	}
	h.aead, h.logChunk = b[0], b[1]
	if h.aead != aeadChaCha20Poly1305 {
		return nil, malformed("unknown AEAD %d", h.aead)
	}
	if h.logChunk < minLogChunk || h.logChunk > maxLogChunk {
		return nil, malformed("chunk size 2^%d outside 2^%d..2^%d", h.logChunk, minLogChunk, maxLogChunk)
	}
	h.size = binary.BigEndian.Uint64(b[2:])
	if h.size > 1<<60 {
		return nil, malformed("plaintext size %d is implausible", h.size)
	}
	copy(h.nonce[:], b[10:])
	count := int(b[fixed-1])
	if count == 0 || count > maxStanzas {
		return nil, malformed("%d recipients (want 1..%d)", count, maxStanzas)
	}
	b = b[fixed:]
	for i := 0; i < count; i++ {
		if len(b) < 3 {
			return nil, malformed("recipient %d cut short", i)
		}
		typ, n := b[0], int(binary.BigEndian.Uint16(b[1:]))
		b = b[3:]
		if len(b) < n {
			return nil, malformed("recipient %d cut short", i)
		}
		s := stanza{typ: typ, body: b[:n:n]}
		b = b[n:]
		if err := checkStanza(s); err != nil {
			return nil, malformed("recipient %d: %v", i, err)
		}
		h.stanzas = append(h.stanzas, s)
	}
	if len(b) != 0 {
		return nil, malformed("%d unexpected bytes after the recipients", len(b))
	}
	for _, s := range h.stanzas {
		if s.typ == stanzaArgon2id && len(h.stanzas) != 1 {
			return nil, malformed("a password recipient must be the only recipient")
		}
	}
	return h, nil
}

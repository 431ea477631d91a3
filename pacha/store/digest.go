package store

import (
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"strings"

	"github.com/batuta-go/stack/pacha/internal/b3"
)

// Digest names a blob by its content: "blake3:" followed by the 64
// lower-case hex digits of its BLAKE3-256 hash.
type Digest string

const digestPrefix = "blake3:"

// NewHash returns the hash that addresses blobs (BLAKE3-256, unkeyed):
// pacha's own BLAKE3, whose AVX-512 kernel hashes at b3sum's speed on CPUs
// where lukechampine.com/blake3's gathers are slow.
func NewHash() hash.Hash { return b3.New() }

// DigestOf turns a finished BLAKE3-256 sum into a Digest.
func DigestOf(sum []byte) Digest { return Digest(digestPrefix + hex.EncodeToString(sum)) }

// ParseDigest checks s and returns it as a Digest. A bare 64-digit hex
// string is accepted as BLAKE3.
func ParseDigest(s string) (Digest, error) {
	h := strings.TrimPrefix(s, digestPrefix)
	if len(h) != 64 {
		return "", fmt.Errorf("pacha/store: digest %q: want blake3:<64 hex digits>", s)
	}
	for _, c := range h {
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return "", fmt.Errorf("pacha/store: digest %q: not lower-case hex", s)
		}
	}
	if s != h && !strings.HasPrefix(s, digestPrefix) {
		return "", errors.New("pacha/store: digest " + s + ": unknown algorithm")
	}
	return Digest(digestPrefix + h), nil
}

// Hex returns the hex digits without the algorithm prefix.
func (d Digest) Hex() string { return strings.TrimPrefix(string(d), digestPrefix) }

// Short returns the first 12 hex digits, for display.
func (d Digest) Short() string {
	h := d.Hex()
	if len(h) > 12 {
		return h[:12]
	}
	return h
}

func (d Digest) String() string { return string(d) }

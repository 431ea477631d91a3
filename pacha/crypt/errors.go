package crypt

import (
	"errors"
	"fmt"
)

// Errors a caller can branch on with errors.Is. Every failure to decrypt
// wraps exactly one of them.
var (
	// ErrNotEncrypted: the input does not start with the pacha-enc magic.
	ErrNotEncrypted = errors.New("crypt: not a pacha encrypted file")
	// ErrUnsupportedVersion: a format version this build does not know.
	ErrUnsupportedVersion = errors.New("crypt: unsupported format version")
	// ErrMalformedHeader: the header cannot be parsed, or holds a value
	// outside what the format allows (unknown algorithm or recipient type,
	// bad length, out-of-range chunk size or KDF parameters).
	ErrMalformedHeader = errors.New("crypt: malformed header")
	// ErrNoIdentityMatched: none of the given identities (password, X25519
	// key) opens the file: a wrong password or the wrong key.
	ErrNoIdentityMatched = errors.New("crypt: wrong password or key")
	// ErrHeaderTampered: the file key was recovered but the header MAC does
	// not match: a header field was changed after encryption.
	ErrHeaderTampered = errors.New("crypt: header authentication failed")
	// ErrTruncated: the payload is shorter than the header says.
	ErrTruncated = errors.New("crypt: truncated")
	// ErrTrailingData: the payload is longer than the header says.
	ErrTrailingData = errors.New("crypt: trailing data after the last chunk")
	// ErrChunkAuth: a chunk fails authentication: a flipped bit, a chunk
	// moved to another position, or a chunk taken from another file.
	ErrChunkAuth = errors.New("crypt: chunk authentication failed")
	// ErrKDFLimits: the password KDF parameters in the header ask for more
	// memory or time than the caller allows.
	ErrKDFLimits = errors.New("crypt: KDF parameters exceed the allowed limits")
)

// ChunkError reports which chunk failed and where its ciphertext starts.
type ChunkError struct {
	Index  uint64 // chunk number, from 0
	Offset int64  // byte offset of the chunk in the encrypted file
	Err    error  // ErrChunkAuth, ErrTruncated or an I/O error
}

func (e *ChunkError) Error() string {
	return fmt.Sprintf("chunk %d at offset %d: %v", e.Index, e.Offset, e.Err)
}

func (e *ChunkError) Unwrap() error { return e.Err }

func malformed(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrMalformedHeader, fmt.Sprintf(format, args...))
}

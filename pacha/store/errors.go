package store

import (
	"crypto/sha256"
	"encoding/hex"
	"hash"
)

// NotFoundError says a reference, manifest or blob is not in the store.
type NotFoundError struct{ What string }

func (e *NotFoundError) Error() string { return "pacha/store: " + e.What + " not found" }

// MismatchError says content did not hash (or measure) to what was expected;
// nothing was committed.
type MismatchError struct{ What, Want, Got string }

func (e *MismatchError) Error() string {
	return "pacha/store: " + e.What + " mismatch: want " + e.Want + ", got " + e.Got
}

type sha256Writer struct{ hash.Hash }

func newSHA256Writer() *sha256Writer { return &sha256Writer{sha256.New()} }

func (w *sha256Writer) hex() string { return hex.EncodeToString(w.Sum(nil)) }

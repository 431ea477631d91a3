package gguf

import (
	"errors"
	"fmt"
	"strings"
)

// ErrKeyNotFound is wrapped by the errors of the typed metadata accessors
// when the key is absent.
var ErrKeyNotFound = errors.New("gguf: key not found")

// ErrTensorNotFound is wrapped by the errors of TensorData (and of
// model sources built on a File) when no tensor has the name.
var ErrTensorNotFound = errors.New("gguf: tensor not found")

// FormatError reports a malformed, truncated or unsupported GGUF file: the
// file, the byte offset of the bad field, and the key or tensor it belongs
// to when there is one.
type FormatError struct {
	Path   string // file name, "" when parsed from an io.ReaderAt
	Offset int64  // byte offset of the offending field in the file
	Key    string // metadata key being read, if any
	Tensor string // tensor being read, if any
	Err    error  // what is wrong
}

func (e *FormatError) Error() string {
	var b strings.Builder
	b.WriteString("gguf: ")
	if e.Path != "" {
		b.WriteString(e.Path)
		b.WriteString(": ")
	}
	fmt.Fprintf(&b, "offset %d: ", e.Offset)
	if e.Key != "" {
		fmt.Fprintf(&b, "key %q: ", e.Key)
	}
	if e.Tensor != "" {
		fmt.Fprintf(&b, "tensor %q: ", e.Tensor)
	}
	b.WriteString(e.Err.Error())
	return b.String()
}

func (e *FormatError) Unwrap() error { return e.Err }

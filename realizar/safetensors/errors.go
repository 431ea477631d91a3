package safetensors

import (
	"fmt"
	"strings"
)

// FormatError reports a malformed or unsupported safetensors file: the
// file, the byte offset of the problem, and the tensor when there is one.
type FormatError struct {
	Path   string // file name, "" when parsed from an io.ReaderAt
	Offset int64  // byte offset in the file
	Tensor string // tensor concerned, if any
	Err    error  // what is wrong
}

func (e *FormatError) Error() string {
	var b strings.Builder
	b.WriteString("safetensors: ")
	if e.Path != "" {
		b.WriteString(e.Path)
		b.WriteString(": ")
	}
	fmt.Fprintf(&b, "offset %d: ", e.Offset)
	if e.Tensor != "" {
		fmt.Fprintf(&b, "tensor %q: ", e.Tensor)
	}
	b.WriteString(e.Err.Error())
	return b.String()
}

func (e *FormatError) Unwrap() error { return e.Err }

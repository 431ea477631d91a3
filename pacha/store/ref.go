package store

import (
	"fmt"
	"strings"
)

// Ref is a human name for a model: name:tag. Names are one or more
// slash-separated components of letters, digits, '.', '_' and '-'
// (for example "llama3-8b-q4" or "TheBloke/Llama-2-7B-GGUF"); the tag
// defaults to "latest".
type Ref struct {
	Name string
	Tag  string
}

// DefaultTag is the tag of a reference written without one.
const DefaultTag = "latest"

// ParseRef parses "name[:tag]".
func ParseRef(s string) (Ref, error) {
	name, tag, found := strings.Cut(s, ":")
	if !found {
		tag = DefaultTag
	}
	r := Ref{Name: name, Tag: tag}
	return r, r.Validate()
}

// MustParseRef is ParseRef for constants; it panics on a malformed ref.
func MustParseRef(s string) Ref {
	r, err := ParseRef(s)
	if err != nil {
		panic(err)
	}
	return r
}

func (r Ref) String() string { return r.Name + ":" + r.Tag }

// Validate reports whether the name and tag are well formed.
func (r Ref) Validate() error {
	if r.Name == "" || len(r.Name) > 256 {
		return fmt.Errorf("pacha/store: reference %q: name must have 1 to 256 characters", r.String())
	}
	for _, c := range strings.Split(r.Name, "/") {
		if !validComponent(c) {
			return fmt.Errorf("pacha/store: reference %q: bad name component %q (letters, digits, '.', '_', '-'; not starting with '.' or '-')", r.String(), c)
		}
	}
	if !validComponent(r.Tag) || len(r.Tag) > 128 {
		return fmt.Errorf("pacha/store: reference %q: bad tag %q", r.String(), r.Tag)
	}
	return nil
}

func validComponent(c string) bool {
	if c == "" || c[0] == '.' || c[0] == '-' {
		return false
	}
	for i := 0; i < len(c); i++ {
		b := c[i]
		if !('a' <= b && b <= 'z' || 'A' <= b && b <= 'Z' || '0' <= b && b <= '9' || b == '.' || b == '_' || b == '-') {
			return false
		}
	}
	return true
}

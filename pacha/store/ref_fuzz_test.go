package store

import (
	"path/filepath"
	"strings"
	"testing"
)

// Every reference ParseRef accepts maps to a file inside refs/, and
// prints back to what parses to itself.
func FuzzParseRef(f *testing.F) {
	for _, s := range []string{"a", "org/repo:tag", "../x", "a/../../b:c", "a:b/c", "x/@y:z", "..:..", "a/.b", "a\\b"} {
		f.Add(s)
	}
	s := &Store{root: "/store"}
	f.Fuzz(func(t *testing.T, in string) {
		r, err := ParseRef(in)
		if err != nil {
			return
		}
		p := s.refPath(r)
		rel, err := filepath.Rel("/store/refs", p)
		if err != nil || strings.HasPrefix(rel, "..") || !strings.HasPrefix(filepath.Base(p), "@") {
			t.Fatalf("%q → %s escapes refs/", in, p)
		}
		if r2, err := ParseRef(r.String()); err != nil || r2 != r {
			t.Fatalf("%q → %v does not round-trip: %v %v", in, r, r2, err)
		}
	})
}

func FuzzParseDigest(f *testing.F) {
	f.Add("blake3:" + strings.Repeat("a", 64))
	f.Add(strings.Repeat("0", 64))
	f.Fuzz(func(t *testing.T, in string) {
		d, err := ParseDigest(in)
		if err != nil {
			return
		}
		if h := d.Hex(); len(h) != 64 || strings.ContainsAny(h, "/.\\") || filepath.Base((&Store{root: "/s"}).BlobPath(d)) != h {
			t.Fatalf("%q → %q", in, d)
		}
	})
}

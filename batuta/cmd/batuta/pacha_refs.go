package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/batuta-go/stack/internal/atomicfile"
	"github.com/batuta-go/stack/pacha/sign"
	"github.com/batuta-go/stack/pacha/store"
)

// storeRefs lets sign and verify work on a store reference (name:tag).
// The files are the reference's blobs, hashed again from the store rather
// than copied from its manifest, so that verification sees what is really
// stored; the detached signature is kept in the store as
// signatures/HEX.sig, HEX being the manifest digest the reference points at.
type storeRefs struct{ pf *pachaFlags }

func (r storeRefs) lookup(ref string) (*store.Store, store.Digest, *store.Manifest, error) {
	rf, err := store.ParseRef(ref)
	if err != nil {
		return nil, "", nil, err
	}
	s, err := r.pf.open()
	if err != nil {
		return nil, "", nil, err
	}
	d, m, err := s.Lookup(rf)
	if err != nil {
		return nil, "", nil, err
	}
	return s, d, m, nil
}

func (r storeRefs) Files(ref string) (*sign.Manifest, error) {
	s, _, m, err := r.lookup(ref)
	if err != nil {
		return nil, err
	}
	out := &sign.Manifest{}
	for _, f := range m.Files {
		blob, err := s.OpenBlob(f.Digest)
		if err != nil {
			return nil, fmt.Errorf("%s: %s: %w", ref, f.Path, err)
		}
		n, digest, err := sign.HashReader(blob)
		blob.Close()
		if err != nil {
			return nil, fmt.Errorf("%s: %s: %w", ref, f.Path, err)
		}
		out.Files = append(out.Files, sign.File{Name: f.Path, Size: n, Digest: digest})
	}
	slices.SortFunc(out.Files, func(a, b sign.File) int { return strings.Compare(a.Name, b.Name) })
	return out, nil
}

func (r storeRefs) sigPath(ref string) (string, error) {
	s, d, _, err := r.lookup(ref)
	if err != nil {
		return "", err
	}
	return s.SignaturePath(d), nil
}

func (r storeRefs) ReadSignature(ref string) ([]byte, error) {
	p, err := r.sigPath(ref)
	if err != nil {
		return nil, err
	}
	data, err := os.ReadFile(p)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%s has no signature in the store (sign it with batuta pacha sign %s)", ref, ref)
	}
	return data, err
}

func (r storeRefs) WriteSignature(ref string, data []byte) error {
	p, err := r.sigPath(ref)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return err
	}
	f, err := atomicfile.Create(p, atomicfile.Replace)
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Abort()
		return err
	}
	return f.Commit()
}

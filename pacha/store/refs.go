package store

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

func (s *Store) refPath(r Ref) string {
	return filepath.Join(s.root, "refs", filepath.FromSlash(r.Name), "@"+r.Tag)
}

func (s *Store) refsLock(ctx context.Context) (*fileLock, error) {
	return lockFile(ctx, filepath.Join(s.root, "locks", "refs.lock"), true)
}

// SetRef points r at the manifest d, replacing what r pointed at. The
// manifest and every blob it lists must already be in the store.
func (s *Store) SetRef(ctx context.Context, r Ref, d Digest) error {
	if err := r.Validate(); err != nil {
		return err
	}
	m, err := s.Manifest(d)
	if err != nil {
		return err
	}
	for _, f := range m.Files {
		if !s.HasBlob(f.Digest) {
			return &NotFoundError{What: "blob " + string(f.Digest) + " of " + f.Path}
		}
	}
	l, err := s.refsLock(ctx)
	if err != nil {
		return err
	}
	defer l.Unlock()
	return s.writeFileAtomic(s.refPath(r), []byte(string(d)+"\n"))
}

// Resolve returns the manifest digest r points at.
func (s *Store) Resolve(r Ref) (Digest, error) {
	if err := r.Validate(); err != nil {
		return "", err
	}
	data, err := os.ReadFile(s.refPath(r))
	if errors.Is(err, fs.ErrNotExist) {
		return "", &NotFoundError{What: "model " + r.String()}
	}
	if err != nil {
		return "", err
	}
	return ParseDigest(strings.TrimSpace(string(data)))
}

// RefEntry is one reference and the manifest it points at.
type RefEntry struct {
	Ref    Ref
	Digest Digest
}

// Refs lists every reference, sorted by name and tag.
func (s *Store) Refs() ([]RefEntry, error) {
	var out []RefEntry
	base := filepath.Join(s.root, "refs")
	err := filepath.WalkDir(base, func(p string, de fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if de.IsDir() || !strings.HasPrefix(de.Name(), "@") {
			return nil
		}
		rel, err := filepath.Rel(base, filepath.Dir(p))
		if err != nil {
			return err
		}
		r := Ref{Name: filepath.ToSlash(rel), Tag: de.Name()[1:]}
		if r.Validate() != nil {
			return nil
		}
		d, err := s.Resolve(r)
		if err != nil {
			return fmt.Errorf("pacha/store: reference %s: %w", r, err)
		}
		out = append(out, RefEntry{Ref: r, Digest: d})
		return nil
	})
	slices.SortFunc(out, func(a, b RefEntry) int { return strings.Compare(a.Ref.String(), b.Ref.String()) })
	return out, err
}

// Remove deletes the reference r. Its blobs stay until GC finds nothing
// else references them.
func (s *Store) Remove(ctx context.Context, r Ref) error {
	if _, err := s.Resolve(r); err != nil {
		return err
	}
	l, err := s.refsLock(ctx)
	if err != nil {
		return err
	}
	defer l.Unlock()
	p := s.refPath(r)
	if err := os.Remove(p); err != nil {
		return fmt.Errorf("pacha/store: remove %s: %w", r, err)
	}
	// Drop now-empty name folders, up to refs/.
	base := filepath.Join(s.root, "refs")
	for dir := filepath.Dir(p); dir != base; dir = filepath.Dir(dir) {
		if os.Remove(dir) != nil {
			break
		}
	}
	return syncDir(base)
}

// Tag makes dst point at the manifest src points at.
func (s *Store) Tag(ctx context.Context, src, dst Ref) error {
	d, err := s.Resolve(src)
	if err != nil {
		return err
	}
	return s.SetRef(ctx, dst, d)
}

// Lookup resolves r and reads its manifest.
func (s *Store) Lookup(r Ref) (Digest, *Manifest, error) {
	d, err := s.Resolve(r)
	if err != nil {
		return "", nil, err
	}
	m, err := s.Manifest(d)
	return d, m, err
}

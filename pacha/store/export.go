package store

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

// ExportOptions configures Export. The zero value copies.
type ExportOptions struct {
	// Link hard-links the files to the store's blobs instead of copying
	// (same file system only). Blobs are read-only: do not chmod and edit
	// a linked file, or the store's copy changes with it (check finds it).
	Link bool
}

// Export writes the files of the model ref under dir, by their paths in
// the manifest, re-checking each copy's digest. Existing files are not
// overwritten. It returns the paths written.
func (s *Store) Export(ctx context.Context, ref Ref, dir string, opts *ExportOptions) ([]string, error) {
	if opts == nil {
		opts = &ExportOptions{}
	}
	_, m, err := s.Lookup(ref)
	if err != nil {
		return nil, err
	}
	for _, f := range m.Files {
		if _, err := os.Lstat(filepath.Join(dir, filepath.FromSlash(f.Path))); err == nil {
			return nil, fmt.Errorf("pacha/store: export: %s exists; not overwriting", filepath.Join(dir, f.Path))
		}
	}
	var out []string
	for _, f := range m.Files {
		dst := filepath.Join(dir, filepath.FromSlash(f.Path))
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			return out, err
		}
		if opts.Link {
			if err := os.Link(s.BlobPath(f.Digest), dst); err != nil {
				return out, fmt.Errorf("pacha/store: export %s: %w", f.Path, err)
			}
			out = append(out, dst)
			continue
		}
		if err := s.copyOut(ctx, f, dst); err != nil {
			return out, err
		}
		out = append(out, dst)
	}
	return out, nil
}

func (s *Store) copyOut(ctx context.Context, f File, dst string) error {
	src, err := s.OpenBlob(f.Digest)
	if err != nil {
		return err
	}
	defer src.Close()
	tmp, err := os.CreateTemp(filepath.Dir(dst), ".pacha-export-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	defer tmp.Close()
	h := NewHash()
	if _, err := io.CopyBuffer(io.MultiWriter(tmp, h), ctxReader{ctx, src}, make([]byte, 1<<20)); err != nil {
		return fmt.Errorf("pacha/store: export %s: %w", f.Path, err)
	}
	if got := DigestOf(h.Sum(nil)); got != f.Digest {
		return &MismatchError{What: "blake3 of stored " + f.Path + " (run check)", Want: string(f.Digest), Got: string(got)}
	}
	if err := tmp.Sync(); err != nil {
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	// Link, not rename, so that a file created meanwhile is not replaced.
	if err := os.Link(tmp.Name(), dst); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return fmt.Errorf("pacha/store: export: %s exists; not overwriting", dst)
		}
		return err
	}
	return nil
}

package store

import (
	"context"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/batuta-go/stack/pacha/lineage"
	"github.com/batuta-go/stack/pacha/meta"
)

// Lineage returns the store's lineage log.
func (s *Store) Lineage() *lineage.Log {
	return lineage.Open(filepath.Join(s.root, "lineage", "edges.jsonl"))
}

// Labels maps each manifest digest to the references pointing at it,
// for naming nodes of a lineage graph.
func (s *Store) Labels() map[string][]string {
	out := map[string][]string{}
	refs, _ := s.Refs()
	for _, e := range refs {
		out[string(e.Digest)] = append(out[string(e.Digest)], e.Ref.String())
	}
	return out
}

// Commit writes the manifest for files already stored as blobs (with
// metadata read from their headers and merged over m.Metadata), points
// ref at it and records a lineage edge from parent (a source address or
// a parent digest) with the operation. It returns the manifest digest.
func (s *Store) Commit(ctx context.Context, ref Ref, m *Manifest, parent, operation string, params map[string]string) (Digest, error) {
	if err := ref.Validate(); err != nil {
		return "", err
	}
	files := make([]meta.File, len(m.Files))
	for i, f := range m.Files {
		d := f.Digest
		files[i] = meta.File{Path: f.Path, Open: func() (io.ReadCloser, error) { return s.OpenBlob(d) }}
	}
	// A header that does not parse does not stop the import: the files
	// are stored as they are, with what metadata could be read.
	detected, _ := meta.Detect(files)
	m.Metadata.Merge(detected)
	if m.Metadata.Source == "" {
		m.Metadata.Source = m.Source
	}
	if m.Created.IsZero() {
		m.Created = time.Now().UTC().Truncate(time.Second)
	}
	slices.SortFunc(m.Files, func(a, b File) int { return strings.Compare(a.Path, b.Path) })
	d, err := s.PutManifest(ctx, m)
	if err != nil {
		return "", err
	}
	if err := s.SetRef(ctx, ref, d); err != nil {
		return "", err
	}
	if parent != "" {
		p := map[string]string{"ref": ref.String()}
		for k, v := range params {
			p[k] = v
		}
		if err := s.Lineage().Record(lineage.Edge{Parent: parent, Child: string(d), Operation: operation, Params: p}); err != nil {
			return d, fmt.Errorf("pacha/store: stored %s but could not record lineage: %w", ref, err)
		}
	}
	return d, nil
}

// Import stores the model at path — one file, or a folder whose regular
// files (not hidden ones) make up the model — under ref.
func (s *Store) Import(ctx context.Context, ref Ref, path string) (Digest, *Manifest, error) {
	if err := ref.Validate(); err != nil {
		return "", nil, err
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return "", nil, err
	}
	st, err := os.Stat(abs)
	if err != nil {
		return "", nil, fmt.Errorf("pacha/store: import: %w", err)
	}
	type item struct{ rel, full string }
	var items []item
	if st.IsDir() {
		err = filepath.WalkDir(abs, func(p string, de fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if p != abs && strings.HasPrefix(de.Name(), ".") {
				if de.IsDir() {
					return filepath.SkipDir
				}
				return nil
			}
			if de.Type().IsRegular() {
				rel, _ := filepath.Rel(abs, p)
				items = append(items, item{filepath.ToSlash(rel), p})
			}
			return nil
		})
		if err != nil {
			return "", nil, fmt.Errorf("pacha/store: import: %w", err)
		}
		if len(items) == 0 {
			return "", nil, fmt.Errorf("pacha/store: import: %s has no files", path)
		}
	} else if st.Mode().IsRegular() {
		items = []item{{filepath.Base(abs), abs}}
	} else {
		return "", nil, fmt.Errorf("pacha/store: import: %s is not a file or folder", path)
	}

	release, err := s.Session(ctx)
	if err != nil {
		return "", nil, err
	}
	defer release()
	m := &Manifest{Source: (&url.URL{Scheme: "file", Path: abs}).String()}
	for _, it := range items {
		f, err := os.Open(it.full)
		if err != nil {
			return "", nil, err
		}
		d, n, err := s.PutBlob(ctx, f)
		f.Close()
		if err != nil {
			return "", nil, fmt.Errorf("pacha/store: import %s: %w", it.rel, err)
		}
		m.Files = append(m.Files, File{Path: it.rel, MediaType: MediaTypeFor(it.rel), Size: n, Digest: d})
	}
	d, err := s.Commit(ctx, ref, m, m.Source, "import", nil)
	return d, m, err
}

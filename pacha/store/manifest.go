package store

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"path"
	"strings"
	"time"

	"github.com/batuta-go/stack/pacha/meta"
)

// ManifestMediaType identifies a pacha manifest blob.
const ManifestMediaType = "application/vnd.batuta.pacha.manifest.v1+json"

// Media types of the files a model is made of.
const (
	MediaGGUF        = "application/vnd.gguf"
	MediaSafeTensors = "application/vnd.safetensors"
	MediaJSON        = "application/json"
	MediaOctets      = "application/octet-stream"
	MediaText        = "text/plain"
)

// Manifest describes one model: its files (GGUF shards, or SafeTensors
// weights with config and tokenizer) and what their headers say.
type Manifest struct {
	SchemaVersion int           `json:"schemaVersion"`
	MediaType     string        `json:"mediaType"`
	Files         []File        `json:"files"`
	Metadata      meta.Metadata `json:"metadata"`
	Source        string        `json:"source,omitempty"`
	Created       time.Time     `json:"created"`
}

// File is one file of a model.
type File struct {
	Path      string `json:"path"` // relative, slash-separated
	MediaType string `json:"mediaType"`
	Size      int64  `json:"size"`
	Digest    Digest `json:"digest"`
	SHA256    string `json:"sha256,omitempty"` // as published by the source, when it published one
}

// Size returns the total size of the model's files.
func (m *Manifest) Size() int64 {
	var n int64
	for _, f := range m.Files {
		n += f.Size
	}
	return n
}

// Validate checks the manifest's shape: known schema, at least one file,
// unique clean relative paths, well-formed digests.
func (m *Manifest) Validate() error {
	if m.SchemaVersion != 1 || m.MediaType != ManifestMediaType {
		return fmt.Errorf("pacha/store: manifest: unknown schema %d %q", m.SchemaVersion, m.MediaType)
	}
	if len(m.Files) == 0 {
		return fmt.Errorf("pacha/store: manifest lists no files")
	}
	seen := map[string]bool{}
	for _, f := range m.Files {
		if err := ValidPath(f.Path); err != nil {
			return err
		}
		if seen[f.Path] {
			return fmt.Errorf("pacha/store: manifest lists %q twice", f.Path)
		}
		seen[f.Path] = true
		if _, err := ParseDigest(string(f.Digest)); err != nil {
			return err
		}
		if f.Size < 0 {
			return fmt.Errorf("pacha/store: manifest: %q has negative size", f.Path)
		}
	}
	return nil
}

// ValidPath checks that p is a clean, relative, slash-separated path that
// stays inside its folder.
func ValidPath(p string) error {
	if p == "" || path.IsAbs(p) || path.Clean(p) != p || p == "." || p == ".." || strings.HasPrefix(p, "../") || strings.Contains(p, "\\") {
		return fmt.Errorf("pacha/store: bad file path %q in manifest", p)
	}
	return nil
}

// MediaTypeFor guesses a file's media type from its name.
func MediaTypeFor(name string) string {
	switch ext := strings.ToLower(path.Ext(name)); ext {
	case ".gguf":
		return MediaGGUF
	case ".safetensors":
		return MediaSafeTensors
	case ".json":
		return MediaJSON
	case ".md", ".txt":
		return MediaText
	}
	return MediaOctets
}

// PutManifest validates m, stores it as a blob and returns its digest.
func (s *Store) PutManifest(ctx context.Context, m *Manifest) (Digest, error) {
	if m.SchemaVersion == 0 {
		m.SchemaVersion = 1
	}
	if m.MediaType == "" {
		m.MediaType = ManifestMediaType
	}
	if err := m.Validate(); err != nil {
		return "", err
	}
	for _, f := range m.Files {
		if !s.HasBlob(f.Digest) {
			return "", &NotFoundError{What: "blob " + string(f.Digest) + " of " + f.Path}
		}
	}
	data, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return "", err
	}
	d, _, err := s.PutBlob(ctx, bytes.NewReader(data))
	return d, err
}

// Manifest reads and validates the manifest blob d.
func (s *Store) Manifest(d Digest) (*Manifest, error) {
	f, err := s.OpenBlob(d)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, 16<<20))
	if err != nil {
		return nil, err
	}
	var m Manifest
	if err := json.Unmarshal(data, &m); err != nil {
		return nil, fmt.Errorf("pacha/store: manifest %s: %w", d.Short(), err)
	}
	if err := m.Validate(); err != nil {
		return nil, fmt.Errorf("manifest %s: %w", d.Short(), err)
	}
	return &m, nil
}

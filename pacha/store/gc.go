package store

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// GCReport says what GC removed.
type GCReport struct {
	Blobs      int   `json:"blobs"`      // unreferenced blobs removed
	Bytes      int64 `json:"bytes"`      // their total size
	TempFiles  int   `json:"tempFiles"`  // leftovers of interrupted writes
	Partials   int   `json:"partials"`   // stale partial downloads
	Signatures int   `json:"signatures"` // detached signatures of manifests no longer stored
	Kept       int   `json:"kept"`       // blobs still referenced
}

// PartialMaxAge is how long GC keeps an interrupted download for resuming.
const PartialMaxAge = 7 * 24 * time.Hour

// GC removes blobs that no reference reaches, the detached signatures of
// manifests it removed, leftovers of interrupted writes in tmp/, and
// partial downloads older than PartialMaxAge. It takes
// the store's exclusive lock, waiting for imports and pulls in flight.
func (s *Store) GC(ctx context.Context) (GCReport, error) {
	var rep GCReport
	l, err := lockFile(ctx, filepath.Join(s.root, "locks", "gc.lock"), true)
	if err != nil {
		return rep, err
	}
	defer l.Unlock()

	live := map[string]bool{}
	refs, err := s.Refs()
	if err != nil {
		return rep, err
	}
	for _, e := range refs {
		m, err := s.Manifest(e.Digest)
		if err != nil {
			return rep, fmt.Errorf("pacha/store: gc refuses to run while %s is broken (run check): %w", e.Ref, err)
		}
		live[e.Digest.Hex()] = true
		for _, f := range m.Files {
			live[f.Digest.Hex()] = true
		}
	}
	blobDir := filepath.Join(s.root, "blobs", "blake3")
	ents, err := os.ReadDir(blobDir)
	if err != nil {
		return rep, err
	}
	for _, de := range ents {
		if live[de.Name()] {
			rep.Kept++
			continue
		}
		if err := ctx.Err(); err != nil {
			return rep, err
		}
		info, _ := de.Info()
		if err := removeReadOnly(filepath.Join(blobDir, de.Name())); err != nil {
			return rep, fmt.Errorf("pacha/store: gc: %w", err)
		}
		rep.Blobs++
		if info != nil {
			rep.Bytes += info.Size()
		}
	}
	s.pruneSHA256()
	sigs, _ := os.ReadDir(filepath.Join(s.root, "signatures"))
	for _, de := range sigs {
		hex, ok := strings.CutSuffix(de.Name(), ".sig")
		if !ok || live[hex] {
			continue
		}
		if err := os.Remove(filepath.Join(s.root, "signatures", de.Name())); err != nil && !os.IsNotExist(err) {
			return rep, fmt.Errorf("pacha/store: gc: %w", err)
		}
		rep.Signatures++
	}
	// With the exclusive lock held no writer is active: all of tmp/ is garbage.
	tmp, _ := os.ReadDir(filepath.Join(s.root, "tmp"))
	for _, de := range tmp {
		if os.RemoveAll(filepath.Join(s.root, "tmp", de.Name())) == nil {
			rep.TempFiles++
		}
	}
	parts, _ := os.ReadDir(s.PartialDir())
	for _, de := range parts {
		info, err := de.Info()
		if err == nil && time.Since(info.ModTime()) > PartialMaxAge {
			if os.RemoveAll(filepath.Join(s.PartialDir(), de.Name())) == nil {
				rep.Partials++
			}
		}
	}
	return rep, syncDir(blobDir)
}

// removeReadOnly removes a blob (mode 0444; Windows refuses to delete a
// read-only file until it is made writable).
func removeReadOnly(p string) error {
	err := os.Remove(p)
	if err != nil && !os.IsNotExist(err) {
		if os.Chmod(p, 0o644) == nil {
			err = os.Remove(p)
		}
	}
	return err
}

// SignaturePath is where the detached signature of the manifest d is kept
// (signatures/HEX.sig under the root). GC removes it with the manifest.
func (s *Store) SignaturePath(d Digest) string {
	return filepath.Join(s.root, "signatures", d.Hex()+".sig")
}

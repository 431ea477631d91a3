package store

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// The SHA-256 index maps the SHA-256 a source published for a file to
// the blob holding it (index/sha256/<hex> holds "blake3:<hex>"), so that
// a second pull of the same file — again, or by a process that waited
// for another's download — needs no transfer. Entries are hints: a hit is
// re-hashed before use, and GC drops entries whose blob is gone.

func (s *Store) sha256Path(sum string) string {
	return filepath.Join(s.root, "index", "sha256", sum)
}

func (s *Store) recordSHA256(sum string, d Digest) {
	if len(sum) == 64 {
		_ = s.writeFileAtomic(s.sha256Path(sum), []byte(string(d)+"\n"))
	}
}

// FindSHA256 returns the blob whose content has the SHA-256 sum (hex)
// and its size, after re-hashing it; ok is false when the store has no
// such blob.
func (s *Store) FindSHA256(ctx context.Context, sum string) (d Digest, size int64, ok bool) {
	if len(sum) != 64 || strings.ContainsAny(sum, "/.") {
		return "", 0, false
	}
	data, err := os.ReadFile(s.sha256Path(sum))
	if err != nil {
		return "", 0, false
	}
	d, err = ParseDigest(strings.TrimSpace(string(data)))
	if err != nil {
		return "", 0, false
	}
	f, err := s.OpenBlob(d)
	if err != nil {
		return "", 0, false
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.CopyBuffer(h, ctxReader{ctx, f}, make([]byte, 1<<20))
	if err != nil || hex.EncodeToString(h.Sum(nil)) != sum {
		return "", 0, false
	}
	return d, n, true
}

// pruneSHA256 removes index entries whose blob is gone.
func (s *Store) pruneSHA256() {
	dir := filepath.Join(s.root, "index", "sha256")
	ents, _ := os.ReadDir(dir)
	for _, de := range ents {
		data, err := os.ReadFile(filepath.Join(dir, de.Name()))
		if err != nil {
			continue
		}
		if d, err := ParseDigest(strings.TrimSpace(string(data))); err != nil || !s.HasBlob(d) {
			os.Remove(filepath.Join(dir, de.Name()))
		}
	}
}

package store

import (
	"context"
	"errors"
	"fmt"
	"hash"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
)

// Store is a content-addressed model store rooted at a directory:
//
//	blobs/blake3/<hex>     file contents and manifests, named by their BLAKE3-256
//	refs/<name>/@<tag>     "blake3:<hex>\n": the manifest a reference points at
//	lineage/edges.jsonl    derivation edges (package lineage)
//	tmp/                   files being written; never read as blobs
//	partial/               interrupted downloads kept for resuming
//	index/sha256/<hex>     which blob has a published SHA-256 (a re-checked hint)
//	locks/                 flock(2) files
//
// A blob appears under its name only by rename(2) after its bytes were
// hashed and fsynced, and a reference is written only after every blob it
// reaches is in place, so a process killed at any moment leaves at worst
// garbage in tmp/ (removed by GC), never a wrong blob or a dangling ref.
//
// Writers (imports, pulls) hold a shared lock for their whole session;
// GC holds the exclusive lock, so it never deletes blobs that an import in
// flight has written but not yet referenced. Reference updates are
// serialised by a second lock.
type Store struct {
	root string
	log  *slog.Logger
}

// Options configures Open. The zero value is the default.
type Options struct {
	// Logger receives debug records; nil discards them.
	Logger *slog.Logger
}

// DefaultRoot returns $BATUTA_HOME/pacha when BATUTA_HOME is set, else
// $XDG_DATA_HOME/batuta/pacha, else ~/.local/share/batuta/pacha.
func DefaultRoot() (string, error) {
	if h := os.Getenv("BATUTA_HOME"); h != "" {
		return filepath.Join(h, "pacha"), nil
	}
	if x := os.Getenv("XDG_DATA_HOME"); x != "" && filepath.IsAbs(x) {
		return filepath.Join(x, "batuta", "pacha"), nil
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", fmt.Errorf("pacha/store: no BATUTA_HOME and no home directory: %w", err)
	}
	return filepath.Join(home, ".local", "share", "batuta", "pacha"), nil
}

// Open opens (creating if needed) the store at root.
func Open(root string, opts *Options) (*Store, error) {
	if opts == nil {
		opts = &Options{}
	}
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	abs, err := filepath.Abs(root)
	if err != nil {
		return nil, err
	}
	for _, d := range []string{"blobs/blake3", "refs", "lineage", "tmp", "partial", "locks", "index/sha256"} {
		if err := os.MkdirAll(filepath.Join(abs, d), 0o755); err != nil {
			return nil, fmt.Errorf("pacha/store: open %s: %w", abs, err)
		}
	}
	return &Store{root: abs, log: log}, nil
}

// Root returns the store's directory.
func (s *Store) Root() string { return s.root }

// BlobPath returns where the blob d lives (whether or not it exists).
func (s *Store) BlobPath(d Digest) string {
	return filepath.Join(s.root, "blobs", "blake3", d.Hex())
}

// HasBlob reports whether the blob d is present.
func (s *Store) HasBlob(d Digest) bool {
	if _, err := ParseDigest(string(d)); err != nil {
		return false
	}
	st, err := os.Stat(s.BlobPath(d))
	return err == nil && st.Mode().IsRegular()
}

// OpenBlob opens the blob d for reading.
func (s *Store) OpenBlob(d Digest) (*os.File, error) {
	if _, err := ParseDigest(string(d)); err != nil {
		return nil, err
	}
	f, err := os.Open(s.BlobPath(d))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, &NotFoundError{What: "blob " + string(d)}
	}
	return f, err
}

// Session takes the store's shared writer lock; release it when the
// blobs written during the session are referenced (or abandoned).
// Import and the fetch package take it themselves.
func (s *Store) Session(ctx context.Context) (release func(), err error) {
	l, err := lockFile(ctx, filepath.Join(s.root, "locks", "gc.lock"), false)
	if err != nil {
		return nil, err
	}
	return l.Unlock, nil
}

// CreateTemp creates an empty file in the store's tmp/ folder, on the same
// file system as the blobs so that committing it is a rename.
func (s *Store) CreateTemp(pattern string) (*os.File, error) {
	return os.CreateTemp(filepath.Join(s.root, "tmp"), pattern)
}

// PartialDir is where interrupted downloads wait to be resumed.
func (s *Store) PartialDir() string { return filepath.Join(s.root, "partial") }

// PutBlob streams r into the store and returns its digest and size.
// The caller should hold a Session so that GC cannot remove the blob
// before it is referenced.
func (s *Store) PutBlob(ctx context.Context, r io.Reader) (Digest, int64, error) {
	f, err := s.CreateTemp("blob-*")
	if err != nil {
		return "", 0, fmt.Errorf("pacha/store: %w", err)
	}
	defer removeIfExists(f.Name())
	defer f.Close()
	h := NewHash()
	buf := make([]byte, 1<<20)
	n, err := io.CopyBuffer(io.MultiWriter(f, h), ctxReader{ctx, r}, buf)
	if err != nil {
		return "", 0, fmt.Errorf("pacha/store: writing blob: %w", err)
	}
	d := DigestOf(h.Sum(nil))
	if err := s.commit(f, d); err != nil {
		return "", 0, err
	}
	return d, n, nil
}

// Expect lists what a file must hash to before CommitFile accepts it.
type Expect struct {
	Digest Digest // BLAKE3, if known
	SHA256 string // hex, if the source published one
	Size   int64  // -1 or 0 with SizeKnown false: unknown
	// SizeKnown says Size is to be checked.
	SizeKnown bool
}

// CommitFile hashes the file f (made by CreateTemp or under PartialDir:
// on the store's file system), checks
// it against want, and moves it into place as a blob. f is closed and, on
// failure, removed.
func (s *Store) CommitFile(ctx context.Context, f *os.File, want Expect) (Digest, int64, error) {
	defer removeIfExists(f.Name())
	defer f.Close()
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return "", 0, err
	}
	h := NewHash()
	var sh *sha256Writer
	if want.SHA256 != "" {
		sh = newSHA256Writer()
	}
	n, err := hashFile(ctx, f, h, sh)
	if err != nil {
		return "", 0, fmt.Errorf("pacha/store: hashing %s: %w", f.Name(), err)
	}
	d := DigestOf(h.Sum(nil))
	if want.SizeKnown && n != want.Size {
		return "", 0, &MismatchError{What: "size", Want: fmt.Sprint(want.Size), Got: fmt.Sprint(n)}
	}
	if sh != nil && sh.hex() != want.SHA256 {
		return "", 0, &MismatchError{What: "sha256", Want: want.SHA256, Got: sh.hex()}
	}
	if want.Digest != "" && d != want.Digest {
		return "", 0, &MismatchError{What: "blake3", Want: string(want.Digest), Got: string(d)}
	}
	if err := s.commit(f, d); err != nil {
		return "", 0, err
	}
	s.recordSHA256(want.SHA256, d)
	return d, n, nil
}

// hashFile reads r to the end into h and, when not nil, sh. With two
// hashes they run on two goroutines, a 1 MiB buffer at a time, so that
// verifying a download costs the slower hash rather than the sum.
func hashFile(ctx context.Context, r io.Reader, h hash.Hash, sh *sha256Writer) (int64, error) {
	if sh == nil {
		return io.CopyBuffer(h, ctxReader{ctx, r}, make([]byte, 1<<20))
	}
	bufs := [2][]byte{make([]byte, 1<<20), make([]byte, 1<<20)}
	var n int64
	done := make(chan struct{}, 1)
	done <- struct{}{}
	for i := 0; ; i++ {
		buf := bufs[i%2]
		k, err := io.ReadFull(ctxReader{ctx, r}, buf)
		<-done // the other hash finished the previous buffer
		if k > 0 {
			n += int64(k)
			go func(p []byte) {
				sh.Write(p)
				done <- struct{}{}
			}(buf[:k])
			h.Write(buf[:k])
		} else {
			done <- struct{}{}
		}
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			<-done
			return n, nil
		}
		if err != nil {
			<-done
			return n, err
		}
	}
}

// commit fsyncs f and renames it to the blob path of d.
func (s *Store) commit(f *os.File, d Digest) error {
	if err := f.Sync(); err != nil {
		return fmt.Errorf("pacha/store: fsync: %w", err)
	}
	dst := s.BlobPath(d)
	if _, err := os.Stat(dst); err == nil {
		// Same content already stored (by us earlier or a concurrent
		// puller): keep the existing file.
		return nil
	}
	if err := os.Chmod(f.Name(), 0o444); err != nil {
		return err
	}
	if err := os.Rename(f.Name(), dst); err != nil {
		return fmt.Errorf("pacha/store: commit blob: %w", err)
	}
	return syncDir(filepath.Dir(dst))
}

// writeFileAtomic writes data to path through a temp file, fsync and rename.
func (s *Store) writeFileAtomic(path string, data []byte) error {
	f, err := s.CreateTemp("meta-*")
	if err != nil {
		return err
	}
	defer removeIfExists(f.Name())
	defer f.Close()
	if _, err := f.Write(data); err != nil {
		return err
	}
	if err := f.Sync(); err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	if err := os.Rename(f.Name(), path); err != nil {
		return err
	}
	return syncDir(filepath.Dir(path))
}

// removeIfExists removes a temp file; a failure is left for GC, which
// empties tmp/.
func removeIfExists(path string) { _ = os.Remove(path) }

type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}

// LockPartial takes an exclusive lock named key under partial/, so that
// two processes downloading the same file take turns instead of writing
// one partial file at once.
func (s *Store) LockPartial(ctx context.Context, key string) (unlock func(), err error) {
	l, err := lockFile(ctx, filepath.Join(s.PartialDir(), key+".lock"), true)
	if err != nil {
		return nil, err
	}
	return l.Unlock, nil
}

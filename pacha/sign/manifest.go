package sign

import (
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"

	"github.com/batuta-go/stack/pacha/internal/b3"
)

// HashAlgorithm names the file digest used in manifests.
const HashAlgorithm = "blake3"

// File is one entry of a manifest: a slash-separated path relative to the
// signed root, the size in bytes, and the lowercase hex BLAKE3-256 digest.
type File struct {
	Name   string `json:"name"`
	Size   int64  `json:"size"`
	Digest string `json:"digest"`
}

// Manifest lists every file of a model, sorted by name. It is what a
// signature covers.
type Manifest struct {
	Files []File
}

// HashReader returns the size and BLAKE3-256 hex digest of everything r
// yields, streaming with a fixed buffer.
func HashReader(r io.Reader) (int64, string, error) {
	n, sum, err := b3.SumReader(r)
	if err != nil {
		return n, "", err
	}
	return n, hex.EncodeToString(sum[:]), nil
}

// HashFile hashes one file, on every core (GOMAXPROCS) for a large one.
func HashFile(name string) (File, error) {
	f, err := os.Open(name)
	if err != nil {
		return File{}, err
	}
	defer f.Close()
	n, sum, err := b3.SumReaderConcurrent(f, runtime.GOMAXPROCS(0))
	if err != nil {
		return File{}, fmt.Errorf("%s: %w", name, err)
	}
	return File{Name: filepath.Base(name), Size: n, Digest: hex.EncodeToString(sum[:])}, nil
}

// BuildManifest hashes the file or the directory tree at root. A single
// file becomes a manifest of one entry named by its base name; a directory
// lists every regular file below it by its slash path relative to root.
// Symbolic links and other special files are errors: a signature must not
// depend on what a link points to, and nothing is silently left out.
// Files whose names are in exclude (relative names) are left out on
// purpose, such as the signature file itself.
func BuildManifest(root string, exclude ...string) (*Manifest, error) {
	st, err := os.Lstat(root)
	if err != nil {
		return nil, err
	}
	if st.Mode().IsRegular() {
		f, err := HashFile(root)
		if err != nil {
			return nil, err
		}
		return &Manifest{Files: []File{f}}, nil
	}
	if !st.IsDir() {
		return nil, fmt.Errorf("sign: %s is neither a regular file nor a directory", root)
	}
	m := &Manifest{}
	var paths []string
	err = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(root, p)
		if err != nil {
			return err
		}
		rel = filepath.ToSlash(rel)
		if d.IsDir() {
			return nil
		}
		if slices.Contains(exclude, rel) {
			return nil
		}
		if !d.Type().IsRegular() {
			return fmt.Errorf("sign: %s: %s is not a regular file (links and special files cannot be signed)", p, d.Type())
		}
		paths = append(paths, p)
		m.Files = append(m.Files, File{Name: rel})
		return nil
	})
	if err != nil {
		return nil, err
	}
	if len(m.Files) == 0 {
		return nil, fmt.Errorf("sign: %s holds no files", root)
	}
	if err := hashAll(paths, m.Files); err != nil {
		return nil, err
	}
	m.sort()
	return m, nil
}

// hashAll hashes paths[i] into files[i], several files at once (each hash
// is on one goroutine; shards of a model are hashed side by side).
func hashAll(paths []string, files []File) error {
	workers := min(runtime.GOMAXPROCS(0), len(paths))
	next := make(chan int)
	errs := make([]error, len(paths))
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				f, err := HashFile(paths[i])
				files[i].Size, files[i].Digest, errs[i] = f.Size, f.Digest, err
			}
		}()
	}
	for i := range paths {
		next <- i
	}
	close(next)
	wg.Wait()
	return errors.Join(errs...)
}

func (m *Manifest) sort() {
	slices.SortFunc(m.Files, func(a, b File) int { return strings.Compare(a.Name, b.Name) })
}

// check enforces what a verifier relies on: valid, unique, sorted names,
// non-negative sizes, well-formed digests.
func (m *Manifest) check() error {
	if len(m.Files) == 0 {
		return fmt.Errorf("%w: manifest lists no files", ErrMalformed)
	}
	for i, f := range m.Files {
		if !validName(f.Name) {
			return fmt.Errorf("%w: file name %q", ErrMalformed, f.Name)
		}
		if i > 0 && m.Files[i-1].Name >= f.Name {
			return fmt.Errorf("%w: file names not sorted and unique at %q", ErrMalformed, f.Name)
		}
		if f.Size < 0 {
			return fmt.Errorf("%w: %s: negative size", ErrMalformed, f.Name)
		}
		if len(f.Digest) != 64 || strings.ToLower(f.Digest) != f.Digest {
			return fmt.Errorf("%w: %s: digest is not 64 lowercase hex digits", ErrMalformed, f.Name)
		}
		if _, err := hex.DecodeString(f.Digest); err != nil {
			return fmt.Errorf("%w: %s: digest is not hex", ErrMalformed, f.Name)
		}
	}
	return nil
}

func validName(n string) bool {
	if n == "" || strings.ContainsAny(n, "\\\x00") || path.IsAbs(n) || path.Clean(n) != n {
		return false
	}
	return n != "." && n != ".." && !strings.HasPrefix(n, "../")
}

// Change is one difference between a signed manifest and the files found.
type Change struct {
	Name string
	Kind ChangeKind
	// Signed and Found are the entries on each side (zero when absent).
	Signed, Found File
}

// ChangeKind says how a file differs from what was signed.
type ChangeKind int

const (
	Modified ChangeKind = iota + 1 // same name, other size or digest
	Removed                        // signed but missing
	Added                          // present but not signed
)

func (k ChangeKind) String() string {
	switch k {
	case Modified:
		return "modified"
	case Removed:
		return "removed"
	case Added:
		return "added"
	}
	return fmt.Sprintf("ChangeKind(%d)", int(k))
}

func (c Change) String() string {
	switch c.Kind {
	case Modified:
		if c.Signed.Size != c.Found.Size {
			return fmt.Sprintf("%s: modified (size %d, signed %d)", c.Name, c.Found.Size, c.Signed.Size)
		}
		return fmt.Sprintf("%s: modified (blake3 %s, signed %s)", c.Name, c.Found.Digest[:16], c.Signed.Digest[:16])
	case Removed:
		return c.Name + ": signed but missing"
	case Added:
		return c.Name + ": present but not signed"
	}
	return c.Name + ": " + c.Kind.String()
}

// Diff lists the files of found that differ from signed, by name.
func Diff(signed, found *Manifest) []Change {
	a, b := signed.Files, found.Files
	var out []Change
	for len(a) > 0 || len(b) > 0 {
		switch {
		case len(b) == 0 || (len(a) > 0 && a[0].Name < b[0].Name):
			out = append(out, Change{Name: a[0].Name, Kind: Removed, Signed: a[0]})
			a = a[1:]
		case len(a) == 0 || b[0].Name < a[0].Name:
			out = append(out, Change{Name: b[0].Name, Kind: Added, Found: b[0]})
			b = b[1:]
		default:
			if a[0] != b[0] {
				out = append(out, Change{Name: a[0].Name, Kind: Modified, Signed: a[0], Found: b[0]})
			}
			a, b = a[1:], b[1:]
		}
	}
	return out
}

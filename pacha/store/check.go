package store

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// Problem is one integrity failure found by Check.
type Problem struct {
	Kind   string `json:"kind"` // "corrupt-blob", "missing-blob", "bad-manifest", "size-mismatch", "bad-ref", "stray-file"
	Ref    string `json:"ref,omitempty"`
	Digest Digest `json:"digest,omitempty"`
	Path   string `json:"path,omitempty"`
	Detail string `json:"detail"`
}

func (p Problem) String() string {
	s := p.Kind
	if p.Ref != "" {
		s += " " + p.Ref
	}
	if p.Path != "" {
		s += " " + p.Path
	}
	if p.Digest != "" {
		s += " " + p.Digest.Short()
	}
	return s + ": " + p.Detail
}

// CheckReport is the result of Check; OK when Problems is empty.
type CheckReport struct {
	Blobs    int       `json:"blobs"`
	Bytes    int64     `json:"bytes"`
	Refs     int       `json:"refs"`
	Problems []Problem `json:"problems"`
}

// OK reports whether the store is intact.
func (r CheckReport) OK() bool { return len(r.Problems) == 0 }

// Check re-hashes every blob and checks that every reference reaches a
// valid manifest whose files are all present with the right sizes.
// Problems are reported, not repaired.
func (s *Store) Check(ctx context.Context) (CheckReport, error) {
	rep := CheckReport{Problems: []Problem{}}
	release, err := s.Session(ctx)
	if err != nil {
		return rep, err
	}
	defer release()

	blobDir := filepath.Join(s.root, "blobs", "blake3")
	ents, err := os.ReadDir(blobDir)
	if err != nil {
		return rep, err
	}
	buf := make([]byte, 1<<20)
	for _, de := range ents {
		d, err := ParseDigest(de.Name())
		if err != nil {
			rep.Problems = append(rep.Problems, Problem{Kind: "stray-file", Path: filepath.Join("blobs/blake3", de.Name()), Detail: "not named by a digest"})
			continue
		}
		f, err := os.Open(filepath.Join(blobDir, de.Name()))
		if err != nil {
			rep.Problems = append(rep.Problems, Problem{Kind: "corrupt-blob", Digest: d, Detail: err.Error()})
			continue
		}
		h := NewHash()
		n, err := io.CopyBuffer(h, ctxReader{ctx, f}, buf)
		f.Close()
		if ctx.Err() != nil {
			return rep, ctx.Err()
		}
		rep.Blobs++
		rep.Bytes += n
		if err != nil {
			rep.Problems = append(rep.Problems, Problem{Kind: "corrupt-blob", Digest: d, Detail: err.Error()})
		} else if got := DigestOf(h.Sum(nil)); got != d {
			rep.Problems = append(rep.Problems, Problem{Kind: "corrupt-blob", Digest: d, Detail: "content hashes to " + string(got)})
		}
	}

	refs, err := s.Refs()
	if err != nil {
		rep.Problems = append(rep.Problems, Problem{Kind: "bad-ref", Detail: err.Error()})
	}
	for _, e := range refs {
		rep.Refs++
		m, err := s.Manifest(e.Digest)
		if err != nil {
			rep.Problems = append(rep.Problems, Problem{Kind: "bad-manifest", Ref: e.Ref.String(), Digest: e.Digest, Detail: err.Error()})
			continue
		}
		for _, f := range m.Files {
			info, err := os.Stat(s.BlobPath(f.Digest))
			switch {
			case err != nil:
				rep.Problems = append(rep.Problems, Problem{Kind: "missing-blob", Ref: e.Ref.String(), Path: f.Path, Digest: f.Digest, Detail: "blob absent"})
			case info.Size() != f.Size:
				rep.Problems = append(rep.Problems, Problem{Kind: "size-mismatch", Ref: e.Ref.String(), Path: f.Path, Digest: f.Digest,
					Detail: fmt.Sprintf("manifest says %d bytes, blob has %d", f.Size, info.Size())})
			}
		}
	}
	return rep, nil
}

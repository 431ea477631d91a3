package fetch

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"net/url"
	"os"
	"path"
	"strconv"
	"strings"

	"oras.land/oras-go/v2/errdef"

	"github.com/batuta-go/stack/pacha/store"
)

// Result describes a completed pull.
type Result struct {
	Ref        store.Ref
	Digest     store.Digest // the manifest
	Manifest   *store.Manifest
	Source     string // the address pulled, after alias resolution
	Revision   string // the commit an hf:// revision resolved to
	Downloaded int64  // bytes stored (all files, whether or not resumed)
}

// Pull fetches a model into the store under ref (the zero Ref means a
// default name: the alias, the repository, or the file name) and returns
// what was stored. source is a short name from the alias table, an
// hf://org/repo[:revision][/path] address, an https:// URL (optionally
// ending in #sha256=<hex> to pin the content), a local file or folder, or
// an oci://registry/repo:tag reference.
//
// Nothing is committed unless every file arrived whole and matches the
// digests the source published; an interrupted pull leaves its partial
// files for the next Pull of the same source to resume.
func Pull(ctx context.Context, st *store.Store, source string, ref store.Ref, opts *Options) (*Result, error) {
	o := opts.withDefaults()
	alias := ""
	if !strings.Contains(source, "://") {
		if _, err := os.Stat(source); err != nil {
			if target, ok := o.Aliases.Lookup(source); ok {
				alias, source = source, target
			} else if !strings.ContainsAny(source, "/.") {
				return nil, fmt.Errorf("pacha/fetch: %q is %w", source, ErrUnknownName)
			}
		}
	}
	src, err := ParseSource(source)
	if err != nil {
		return nil, err
	}
	if ref == (store.Ref{}) {
		ref = store.Ref{Name: src.DefaultName(), Tag: src.DefaultTag()}
		if src.Kind == KindOCI {
			ref = ociDefaultRef(src.Raw)
		}
		if alias != "" {
			ref.Name = alias
		}
	}
	if err := ref.Validate(); err != nil {
		return nil, err
	}
	params := map[string]string{}
	if alias != "" {
		params["alias"] = alias
	}

	var files []remote
	res := &Result{Ref: ref, Source: source}
	switch src.Kind {
	case KindLocal:
		d, m, err := st.Import(ctx, ref, src.LocalPath)
		if err != nil {
			return nil, err
		}
		res.Digest, res.Manifest, res.Downloaded = d, m, m.Size()
		return res, nil
	case KindOCI:
		if err := o.pullOCI(ctx, st, src, ref, res); err != nil {
			return nil, err
		}
		return res, nil
	case KindHTTPS:
		rm, err := o.probe(ctx, src.URL)
		if err != nil {
			return nil, err
		}
		files = []remote{rm}
	case KindHF:
		names := []string{src.Path}
		if src.Path == "" || strings.HasSuffix(src.Path, ".gguf") && strings.Contains(src.Path, "-of-") {
			info, err := o.hfList(ctx, src.Repo, src.Revision)
			if err != nil {
				return nil, err
			}
			res.Revision = info.SHA
			var all []string
			for _, s := range info.Siblings {
				all = append(all, s.RFilename)
			}
			if src.Path == "" {
				names, err = selectFiles(src.Repo, all)
				if err != nil {
					return nil, err
				}
			} else {
				names = shardSiblings(src.Path, all)
			}
		}
		rev := src.Revision
		if res.Revision != "" {
			rev = res.Revision // every file from the same commit
		}
		for _, n := range names {
			rm, commit, err := o.hfResolve(ctx, src.Repo, rev, n)
			if err != nil {
				return nil, err
			}
			if res.Revision == "" {
				res.Revision = commit
			}
			rm.Name = n
			if src.Path != "" {
				rm.Name = path.Base(n) // the model is the named file (or its shards)
			}
			files = append(files, rm)
		}
		if res.Revision != "" {
			params["revision"] = res.Revision
		}
	}

	release, err := st.Session(ctx)
	if err != nil {
		return nil, err
	}
	defer release()
	m := &store.Manifest{Source: source}
	for _, rm := range files {
		d, n, err := o.download(ctx, st, rm)
		if err != nil {
			return nil, err
		}
		m.Files = append(m.Files, store.File{Path: rm.Name, MediaType: store.MediaTypeFor(rm.Name), Size: n, Digest: d, SHA256: rm.SHA256})
		res.Downloaded += n
	}
	d, err := st.Commit(ctx, ref, m, source, "pull", params)
	if err != nil {
		return nil, err
	}
	res.Digest, res.Manifest = d, m
	return res, nil
}

// probe asks an HTTPS server for a file's size, ETag and range support.
func (o *Options) probe(ctx context.Context, raw string) (remote, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return remote{}, err
	}
	rm := remote{Name: path.Base(u.Path), Size: -1}
	if v, ok := strings.CutPrefix(u.Fragment, "sha256="); ok {
		if !isHex64(v) {
			return remote{}, fmt.Errorf("pacha/fetch: %s: #sha256= wants 64 lower-case hex digits", raw)
		}
		rm.SHA256 = v
	}
	u.Fragment = ""
	rm.URL = u.String()
	if rm.Name == "." || rm.Name == "/" || rm.Name == "" {
		rm.Name = "model"
	}
	for attempt := 0; ; attempt++ {
		req, err := http.NewRequestWithContext(ctx, http.MethodHead, rm.URL, nil)
		if err != nil {
			return remote{}, err
		}
		req.Header.Set("Accept-Encoding", "identity")
		resp, err := o.Client.Do(req)
		if err != nil {
			if ctx.Err() != nil || attempt >= o.Retries {
				return remote{}, fmt.Errorf("pacha/fetch: %s: %w", redact(rm.URL), err)
			}
			if err := o.backoff(ctx, attempt, 0); err != nil {
				return remote{}, err
			}
			continue
		}
		resp.Body.Close()
		switch {
		case resp.StatusCode == http.StatusOK:
			rm.URL = resp.Request.URL.String() // after redirects
			rm.ETag = resp.Header.Get("ETag")
			rm.Ranges = resp.Header.Get("Accept-Ranges") == "bytes"
			if n, err := strconv.ParseInt(resp.Header.Get("Content-Length"), 10, 64); err == nil && resp.ContentLength >= 0 {
				rm.Size = n
			}
			return rm, nil
		case resp.StatusCode == http.StatusMethodNotAllowed || resp.StatusCode == http.StatusNotImplemented:
			return rm, nil // no HEAD: one plain GET, size unknown
		case retryable(resp.StatusCode) && attempt < o.Retries:
			if err := o.backoff(ctx, attempt, retryAfter(resp.Header)); err != nil {
				return remote{}, err
			}
		default:
			return remote{}, &HTTPError{URL: rm.URL, StatusCode: resp.StatusCode, Status: resp.Status}
		}
	}
}

// ErrUnknownName says a pull source is neither a path nor a short name.
var ErrUnknownName = errors.New("neither a file nor a known short name (see `batuta pacha alias`)")

// IsNotFound reports whether err says that what was asked for does not
// exist: a model or blob in the store, a local file, a short name, a
// repository, revision or file on a server (404), an OCI manifest.
func IsNotFound(err error) bool {
	var nf *store.NotFoundError
	var he *HTTPError
	return errors.As(err, &nf) || errors.Is(err, fs.ErrNotExist) || errors.Is(err, ErrUnknownName) ||
		errors.As(err, &he) && he.StatusCode == http.StatusNotFound || errors.Is(err, errdef.ErrNotFound)
}

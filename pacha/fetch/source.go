package fetch

import (
	"fmt"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/batuta-go/stack/pacha/store"
)

// Source kinds.
const (
	KindLocal = "local"
	KindHTTPS = "https"
	KindHF    = "hf"
	KindOCI   = "oci"
)

// Source is a parsed model address.
type Source struct {
	Kind string
	Raw  string
	// hf://org/repo[:revision][/path]
	Repo     string // "org/repo"
	Revision string // "main" when not given
	Path     string // file inside the repository; "" for the whole model
	// https:// (and http:// for loopback tests)
	URL string
	// local file or folder
	LocalPath string
}

// ParseSource parses hf://org/repo[:revision][/path], https://…,
// oci://registry/repo:tag, file://… and local paths.
func ParseSource(s string) (Source, error) {
	src := Source{Raw: s}
	switch {
	case strings.HasPrefix(s, "hf://"):
		src.Kind = KindHF
		rest := strings.TrimPrefix(s, "hf://")
		parts := strings.SplitN(rest, "/", 3)
		if len(parts) < 2 || parts[0] == "" || parts[1] == "" {
			return src, fmt.Errorf("pacha/fetch: %q: want hf://org/repo[:revision][/path]", s)
		}
		repo, rev, _ := strings.Cut(parts[1], ":")
		if rev == "" {
			rev = "main"
		}
		src.Repo, src.Revision = parts[0]+"/"+repo, rev
		if len(parts) == 3 {
			src.Path = strings.Trim(parts[2], "/")
			if src.Path != "" && store.ValidPath(src.Path) != nil {
				return src, fmt.Errorf("pacha/fetch: %q: bad file path", s)
			}
		}
		for _, c := range []string{parts[0], repo} {
			if strings.ContainsAny(c, "?#% ") || c == "." || c == ".." {
				return src, fmt.Errorf("pacha/fetch: %q: bad repository name", s)
			}
		}
		return src, nil
	case strings.HasPrefix(s, "https://"), strings.HasPrefix(s, "http://"):
		u, err := url.Parse(s)
		if err != nil || u.Host == "" {
			return src, fmt.Errorf("pacha/fetch: %q: bad URL", s)
		}
		src.Kind, src.URL = KindHTTPS, s
		return src, nil
	case strings.HasPrefix(s, "oci://"):
		src.Kind = KindOCI
		return src, nil
	case strings.HasPrefix(s, "file://"):
		u, err := url.Parse(s)
		if err != nil {
			return src, err
		}
		src.Kind, src.LocalPath = KindLocal, u.Path
		return src, nil
	case strings.Contains(s, "://"):
		return src, fmt.Errorf("pacha/fetch: %q: unknown scheme (want hf://, https://, oci://, file:// or a path)", s)
	}
	src.Kind, src.LocalPath = KindLocal, s
	return src, nil
}

// DefaultName is the reference name a pull uses when none is given:
// the repository for hf://, the file name without extension for https://
// and local files.
func (s Source) DefaultName() string {
	var n string
	switch s.Kind {
	case KindHF:
		n = s.Repo
		if s.Path != "" {
			n += "/" + strings.TrimSuffix(path.Base(s.Path), path.Ext(s.Path))
		}
	case KindHTTPS:
		u, _ := url.Parse(s.URL)
		n = strings.TrimSuffix(path.Base(u.Path), path.Ext(u.Path))
	case KindLocal:
		abs, _ := filepath.Abs(s.LocalPath)
		b := filepath.Base(abs)
		if st, err := os.Stat(abs); err == nil && !st.IsDir() {
			b = strings.TrimSuffix(b, filepath.Ext(b))
		}
		n = b
	}
	return sanitizeName(n)
}

// DefaultTag is the tag a pull uses when none is given: the revision of
// an hf:// source when one was named, else "latest".
func (s Source) DefaultTag() string {
	if s.Kind == KindHF && s.Revision != "main" {
		return sanitizeTag(s.Revision)
	}
	return "latest"
}

// sanitizeName turns n into a valid reference name: characters outside
// letters, digits, '.', '_', '-' become '-', and each slash-separated
// component loses leading '.' and '-'; empty components are dropped.
func sanitizeName(n string) string {
	var comps []string
	for _, c := range strings.Split(n, "/") {
		var b strings.Builder
		for i := 0; i < len(c); i++ {
			ch := c[i]
			if 'a' <= ch && ch <= 'z' || 'A' <= ch && ch <= 'Z' || '0' <= ch && ch <= '9' || ch == '.' || ch == '_' || ch == '-' {
				b.WriteByte(ch)
			} else {
				b.WriteByte('-')
			}
		}
		if c := strings.TrimLeft(b.String(), ".-"); c != "" {
			comps = append(comps, c)
		}
	}
	out := strings.Join(comps, "/")
	if len(out) > 200 {
		out = strings.TrimRight(out[:200], "/")
	}
	if out == "" {
		return "model"
	}
	return out
}

// sanitizeTag is sanitizeName for a tag: one component.
func sanitizeTag(t string) string {
	t = sanitizeName(strings.ReplaceAll(t, "/", "-"))
	if len(t) > 128 {
		t = t[:128]
	}
	return t
}

package fetch

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"path"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/batuta-go/stack/pacha/meta"
)

// hfRepoInfo is the part of the Hub's /api/models/{repo}/revision/{rev}
// answer pacha reads.
type hfRepoInfo struct {
	SHA      string `json:"sha"`
	Siblings []struct {
		RFilename string `json:"rfilename"`
	} `json:"siblings"`
}

func (o *Options) hfAuth(req *http.Request) {
	if o.HFToken == "" {
		return
	}
	ep, err := url.Parse(o.HFEndpoint)
	if err == nil && req.URL.Host == ep.Host {
		req.Header.Set("Authorization", "Bearer "+o.HFToken)
	}
}

func escapePath(p string) string {
	parts := strings.Split(p, "/")
	for i, s := range parts {
		parts[i] = url.PathEscape(s)
	}
	return strings.Join(parts, "/")
}

// hfGET makes a GET to the Hub API with retries on 429/5xx.
func (o *Options) hfGET(ctx context.Context, u string) ([]byte, error) {
	for attempt := 0; ; attempt++ {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
		if err != nil {
			return nil, err
		}
		o.hfAuth(req)
		resp, err := o.Client.Do(req)
		var after time.Duration
		if err == nil {
			body, rerr := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
			resp.Body.Close()
			switch {
			case resp.StatusCode == http.StatusOK && rerr == nil:
				return body, nil
			case !retryable(resp.StatusCode) && resp.StatusCode != http.StatusOK:
				return nil, &HTTPError{URL: u, StatusCode: resp.StatusCode, Status: resp.Status}
			}
			err = &HTTPError{URL: u, StatusCode: resp.StatusCode, Status: resp.Status}
			if rerr != nil {
				err = rerr
			}
			after = retryAfter(resp.Header)
		} else if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		if attempt >= o.Retries {
			return nil, fmt.Errorf("pacha/fetch: giving up after %d attempts: %w", attempt+1, err)
		}
		if berr := o.backoff(ctx, attempt, after); berr != nil {
			return nil, berr
		}
	}
}

// hfList lists a repository's files at a revision and its commit.
func (o *Options) hfList(ctx context.Context, repo, rev string) (*hfRepoInfo, error) {
	u := o.HFEndpoint + "/api/models/" + escapePath(repo) + "/revision/" + url.PathEscape(rev)
	body, err := o.hfGET(ctx, u)
	if err != nil {
		return nil, err
	}
	var info hfRepoInfo
	if err := json.Unmarshal(body, &info); err != nil {
		return nil, fmt.Errorf("pacha/fetch: %s: bad answer: %w", redact(u), err)
	}
	return &info, nil
}

// hfResolve asks the Hub where a file's bytes are and what they hash to,
// without following the redirect to the CDN (whose answer lacks the
// X-Linked-* headers), as huggingface_hub does.
func (o *Options) hfResolve(ctx context.Context, repo, rev, file string) (remote, string, error) {
	u := o.HFEndpoint + "/" + escapePath(repo) + "/resolve/" + url.PathEscape(rev) + "/" + escapePath(file)
	noFollow := *o.Client
	noFollow.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	for attempt, hops := 0, 0; ; {
		req, err := http.NewRequestWithContext(ctx, http.MethodHead, u, nil)
		if err != nil {
			return remote{}, "", err
		}
		req.Header.Set("Accept-Encoding", "identity")
		o.hfAuth(req)
		resp, err := noFollow.Do(req)
		if err != nil {
			if ctx.Err() != nil || attempt >= o.Retries {
				return remote{}, "", fmt.Errorf("pacha/fetch: %s: %w", redact(u), err)
			}
			if err := o.backoff(ctx, attempt, 0); err != nil {
				return remote{}, "", err
			}
			attempt++
			continue
		}
		resp.Body.Close()
		h := resp.Header
		if retryable(resp.StatusCode) {
			if attempt >= o.Retries {
				return remote{}, "", &HTTPError{URL: u, StatusCode: resp.StatusCode, Status: resp.Status}
			}
			if err := o.backoff(ctx, attempt, retryAfter(h)); err != nil {
				return remote{}, "", err
			}
			attempt++
			continue
		}
		target := u
		if resp.StatusCode >= 300 && resp.StatusCode < 400 {
			loc, err := resp.Location()
			if err != nil {
				return remote{}, "", fmt.Errorf("pacha/fetch: %s: redirect without Location", redact(u))
			}
			if strings.HasPrefix(h.Get("Location"), "/") && h.Get("X-Linked-Etag") == "" {
				// A relative redirect (a renamed repository): follow it.
				if hops++; hops > 5 {
					return remote{}, "", fmt.Errorf("pacha/fetch: %s: too many redirects", redact(u))
				}
				u = loc.String()
				continue
			}
			target = loc.String()
		} else if resp.StatusCode != http.StatusOK {
			return remote{}, "", &HTTPError{URL: u, StatusCode: resp.StatusCode, Status: resp.Status}
		}
		rm := remote{Name: file, URL: target, Size: -1, Ranges: true}
		etag := h.Get("X-Linked-Etag")
		if etag == "" {
			etag = h.Get("ETag")
		}
		if e := trimETag(etag); isHex64(e) {
			rm.SHA256 = e // LFS files: the ETag is the SHA-256 of the content
		}
		if target == u {
			rm.ETag = etag
		}
		// Else the bytes come from a CDN whose own ETags differ from the
		// Hub's (an S3 multipart ETag, say): no If-Range there; the CDN
		// address names the content, and its SHA-256 is checked anyway.
		size := h.Get("X-Linked-Size")
		if size == "" {
			size = h.Get("Content-Length")
		}
		if n, err := strconv.ParseInt(size, 10, 64); err == nil {
			rm.Size = n
		}
		if target == u || sameHost(target, o.HFEndpoint) {
			rm.Header = http.Header{}
			if o.HFToken != "" {
				rm.Header.Set("Authorization", "Bearer "+o.HFToken)
			}
		}
		return rm, h.Get("X-Repo-Commit"), nil
	}
}

func sameHost(a, b string) bool {
	ua, err1 := url.Parse(a)
	ub, err2 := url.Parse(b)
	return err1 == nil && err2 == nil && ua.Host == ub.Host
}

func isHex64(s string) bool {
	if len(s) != 64 {
		return false
	}
	for _, c := range s {
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}

// modelFiles are the non-weight files a model needs beside its weights.
var modelFiles = []string{
	"config.json", "generation_config.json", "tokenizer.json", "tokenizer_config.json",
	"tokenizer.model", "special_tokens_map.json", "vocab.json", "merges.txt",
	"added_tokens.json", "preprocessor_config.json", "chat_template.json", "chat_template.jinja",
	"README.md", "LICENSE", "LICENSE.md", "LICENSE.txt", "USE_POLICY.md",
}

// shardSiblings returns the shards of the split GGUF that file belongs
// to ("x-00001-of-00003.gguf" → all three), or just file.
func shardSiblings(file string, all []string) []string {
	if !meta.IsShard(file) {
		return []string{file}
	}
	i := strings.LastIndex(file, "-of-")
	prefix := file[:strings.LastIndex(file[:i], "-")+1] // "x-"
	suffix := file[i:]                                  // "-of-00003.gguf"
	var out []string
	for _, f := range all {
		if strings.HasPrefix(f, prefix) && strings.HasSuffix(f, suffix) && meta.IsShard(f) {
			out = append(out, f)
		}
	}
	if len(out) == 0 {
		return []string{file}
	}
	return out
}

// selectFiles picks what a model needs from a repository listing: its
// GGUF (all shards), or its SafeTensors weights with config, tokenizer,
// model card and licence. A repository of several GGUF variants needs a
// file named in the address.
func selectFiles(repo string, all []string) ([]string, error) {
	var ggufs, st []string
	for _, f := range all {
		switch {
		case strings.HasSuffix(f, ".gguf"):
			ggufs = append(ggufs, f)
		case strings.HasSuffix(f, ".safetensors"), strings.HasSuffix(f, ".safetensors.index.json"):
			st = append(st, f)
		}
	}
	extra := func() []string {
		var out []string
		for _, f := range all {
			if slices.Contains(modelFiles, path.Base(f)) && !strings.Contains(f, "/") {
				out = append(out, f)
			}
		}
		return out
	}
	switch {
	case len(ggufs) > 0 && len(st) == 0:
		first := ggufs[0]
		group := shardSiblings(first, ggufs)
		if len(group) != len(ggufs) {
			slices.Sort(ggufs)
			return nil, fmt.Errorf("pacha/fetch: %s holds %d GGUF files; name one, e.g. hf://%s/%s (files: %s)",
				repo, len(ggufs), repo, ggufs[0], strings.Join(ggufs, ", "))
		}
		out := append(group, extra()...)
		return out, nil
	case len(st) > 0:
		return append(st, extra()...), nil
	}
	return nil, fmt.Errorf("pacha/fetch: %s has no GGUF or SafeTensors weights", repo)
}

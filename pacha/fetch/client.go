package fetch

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"
)

// Options configures pulls. The zero value is the default.
type Options struct {
	// Client makes every request. nil: a client honouring HTTPS_PROXY,
	// HTTP_PROXY and NO_PROXY (http.ProxyFromEnvironment), with a
	// 30-second limit on connecting and on waiting for response headers.
	Client *http.Client
	// HFEndpoint is the Hugging Face Hub; "" means $HF_ENDPOINT or
	// https://huggingface.co.
	HFEndpoint string
	// HFToken authenticates to the Hub; "" means $HF_TOKEN (or
	// $HUGGING_FACE_HUB_TOKEN). It is sent only to the Hub's own host.
	HFToken string
	// Parallel is the number of ranged connections per file (default 4).
	Parallel int
	// ChunkSize is the size of one ranged request (default 32 MiB).
	ChunkSize int64
	// Retries is how many times in a row a chunk may fail without
	// progress before the pull gives up (default 6).
	Retries int
	// Backoff is the first retry delay, doubled each retry up to 30 s,
	// with jitter (default 500 ms). A Retry-After header wins.
	Backoff time.Duration
	// StallTimeout ends a connection that delivered no byte for this long
	// (default 60 s); the chunk is retried.
	StallTimeout time.Duration
	// Progress, if set, is told about each file's transfer. The CLI shows
	// bars on a terminal; libraries stay silent.
	Progress func(name string, total int64) Progress
	// OCIPlainHTTP talks HTTP instead of HTTPS to OCI registries (always
	// done for a loopback registry).
	OCIPlainHTTP bool
	// Aliases resolves short names; nil means the built-in table.
	Aliases *Aliases
	// Logger receives retry and resume records; nil discards them.
	Logger *slog.Logger
}

// Progress receives byte counts of one file as they arrive (from several
// goroutines) and Done when the file is complete or abandoned.
type Progress interface {
	Add(n int64)
	Done()
}

type nopProgress struct{}

func (nopProgress) Add(int64) {}
func (nopProgress) Done()     {}

func (o *Options) withDefaults() *Options {
	c := Options{}
	if o != nil {
		c = *o
	}
	if c.Client == nil {
		tr := http.DefaultTransport.(*http.Transport).Clone()
		tr.Proxy = http.ProxyFromEnvironment
		tr.DialContext = (&net.Dialer{Timeout: 30 * time.Second, KeepAlive: 30 * time.Second}).DialContext
		tr.ResponseHeaderTimeout = 30 * time.Second
		tr.MaxIdleConnsPerHost = 16
		// Model weights do not compress; and a transparent gzip would
		// hide the real Content-Length from ranged downloads.
		tr.DisableCompression = true
		c.Client = &http.Client{Transport: tr}
	}
	if c.HFEndpoint == "" {
		c.HFEndpoint = os.Getenv("HF_ENDPOINT")
	}
	if c.HFEndpoint == "" {
		c.HFEndpoint = "https://huggingface.co"
	}
	c.HFEndpoint = strings.TrimRight(c.HFEndpoint, "/")
	if c.HFToken == "" {
		c.HFToken = os.Getenv("HF_TOKEN")
	}
	if c.HFToken == "" {
		c.HFToken = os.Getenv("HUGGING_FACE_HUB_TOKEN")
	}
	if c.Parallel <= 0 {
		c.Parallel = 4
	}
	if c.ChunkSize <= 0 {
		c.ChunkSize = 32 << 20
	}
	if c.Retries <= 0 {
		c.Retries = 6
	}
	if c.Backoff <= 0 {
		c.Backoff = 500 * time.Millisecond
	}
	if c.StallTimeout <= 0 {
		c.StallTimeout = 60 * time.Second
	}
	if c.Progress == nil {
		c.Progress = func(string, int64) Progress { return nopProgress{} }
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	return &c
}

// HTTPError is a response status that retrying will not fix (or that
// stayed after every retry).
type HTTPError struct {
	URL        string
	StatusCode int
	Status     string
}

func (e *HTTPError) Error() string {
	msg := fmt.Sprintf("pacha/fetch: %s: %s", redact(e.URL), e.Status)
	switch e.StatusCode {
	case http.StatusUnauthorized, http.StatusForbidden:
		msg += " (a gated or private repository needs HF_TOKEN with access)"
	case http.StatusNotFound:
		msg += " (no such repository, revision or file)"
	}
	return msg
}

// retryable reports whether a status may succeed on a later attempt.
func retryable(code int) bool {
	return code == http.StatusTooManyRequests || code == http.StatusRequestTimeout || code >= 500
}

// retryAfter reads a Retry-After header (seconds or HTTP date).
func retryAfter(h http.Header) time.Duration {
	v := h.Get("Retry-After")
	if v == "" {
		return 0
	}
	if s, err := strconv.Atoi(v); err == nil && s >= 0 {
		return min(time.Duration(s)*time.Second, 5*time.Minute)
	}
	if t, err := http.ParseTime(v); err == nil {
		return min(max(time.Until(t), 0), 5*time.Minute)
	}
	return 0
}

// backoff sleeps before attempt n (0-based), or returns ctx's error.
func (o *Options) backoff(ctx context.Context, n int, hint time.Duration) error {
	d := hint
	if d == 0 {
		d = o.Backoff << min(n, 10)
		d = min(d, 30*time.Second)
		d = d/2 + rand.N(d/2+1)
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// redact drops the query (signed CDN URLs carry credentials there).
func redact(u string) string {
	if i := strings.IndexByte(u, '?'); i >= 0 {
		return u[:i] + "?…"
	}
	return u
}

// errStalled marks a connection ended by the stall timer.
var errStalled = errors.New("pacha/fetch: connection stalled")

// stallReader cancels its request when no byte arrives for d.
type stallReader struct {
	r     io.Reader
	timer *time.Timer
	d     time.Duration
}

func (s *stallReader) Read(p []byte) (int, error) {
	n, err := s.r.Read(p)
	if n > 0 {
		s.timer.Reset(s.d)
	}
	return n, err
}

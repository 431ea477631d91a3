// Package hftest is a local stand-in for the Hugging Face Hub for tests:
// the model API (file listing), the resolve endpoint (HEAD with
// X-Linked-Etag/X-Linked-Size and a redirect to a CDN for LFS files, or
// the bytes for small files), and a separate CDN server that serves byte
// ranges with ETags and If-Range. It injects faults on demand: error
// statuses (429, 503 with Retry-After), connections cut mid-file, stalls,
// wrong bytes, and a required token.
package hftest

import (
	"bytes"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// File is one file of a repository.
type File struct {
	Content io.ReaderAt
	// Path, when Content is nil, names a file on disk holding the
	// content. While no fault is injected it is served straight from the
	// file (sendfile on Linux), so that a benchmark measures the client
	// rather than the server.
	Path   string
	Size   int64
	LFS    bool // served through the CDN redirect, with its SHA-256 as ETag
	sha256 string
	gitSHA string
}

// Request is one request either server saw.
type Request struct {
	Server string // "hub" or "cdn"
	Method string
	Path   string
	Range  string
	Auth   string
}

// Hub is the fake Hub plus its CDN.
type Hub struct {
	Hub, CDN *httptest.Server
	Commit   string // the commit every revision resolves to

	mu       sync.Mutex
	repos    map[string]map[string]*File // repo → path → file
	statuses map[string][]int            // "hub" / "cdn" → statuses to answer next
	cuts     []int64                     // next CDN GETs: cut after this many bytes
	stalls   []int64                     // next CDN GETs: stall after this many bytes
	corrupt  bool
	delay    time.Duration // per 64 KiB written by the CDN
	token    string
	log      []Request
	served   atomic.Int64
	opened   []*os.File // File.Path contents
}

// New starts the two servers; Close stops them.
func New() *Hub {
	h := &Hub{repos: map[string]map[string]*File{}, statuses: map[string][]int{}, Commit: strings.Repeat("c0ffee", 6) + "abcd"}
	// The two URL shapes overlap for ServeMux patterns; route by hand.
	api := http.NewServeMux()
	api.HandleFunc("GET /api/models/{org}/{repo}/revision/{rev}", h.api)
	files := http.NewServeMux()
	files.HandleFunc("GET /{org}/{repo}/resolve/{rev}/{path...}", h.resolve)
	h.Hub = httptest.NewServer(h.record("hub", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/api/") {
			api.ServeHTTP(w, r)
		} else {
			files.ServeHTTP(w, r)
		}
	})))
	cdn := http.NewServeMux()
	cdn.HandleFunc("GET /blobs/{sha}", h.cdn)
	h.CDN = httptest.NewServer(h.record("cdn", cdn))
	return h
}

// Close stops both servers.
func (h *Hub) Close() {
	h.Hub.CloseClientConnections()
	h.CDN.CloseClientConnections()
	h.Hub.Close()
	h.CDN.Close()
	for _, f := range h.opened {
		f.Close()
	}
}

// AddFile adds a file to a repository ("org/repo").
func (h *Hub) AddFile(repo, path string, f *File) {
	if f.Content == nil {
		// Kept open for ReadAt by the fault-injecting paths; Close
		// closes it.
		file, err := os.Open(f.Path)
		if err != nil {
			panic("hftest: " + err.Error())
		}
		f.Content = file
		h.mu.Lock()
		h.opened = append(h.opened, file)
		h.mu.Unlock()
	}
	sr := io.NewSectionReader(f.Content, 0, f.Size)
	s2 := sha256.New()
	s1 := sha1.New()
	if f.LFS {
		io.CopyBuffer(s2, sr, make([]byte, 1<<20)) // the git blob hash is only needed for small files
	} else {
		io.Copy(io.MultiWriter(s2, s1), sr)
	}
	f.sha256 = hex.EncodeToString(s2.Sum(nil))
	f.gitSHA = hex.EncodeToString(s1.Sum(nil))
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.repos[repo] == nil {
		h.repos[repo] = map[string]*File{}
	}
	h.repos[repo][path] = f
}

// AddBytes adds a file held in memory.
func (h *Hub) AddBytes(repo, path string, data []byte, lfs bool) {
	h.AddFile(repo, path, &File{Content: bytes.NewReader(data), Size: int64(len(data)), LFS: lfs})
}

// SHA256 returns the hex SHA-256 of a file.
func (h *Hub) SHA256(repo, path string) string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.repos[repo][path].sha256
}

// FailNext makes the next requests to server ("hub" or "cdn") answer
// these statuses, one each, before behaving.
func (h *Hub) FailNext(server string, codes ...int) {
	h.mu.Lock()
	h.statuses[server] = append(h.statuses[server], codes...)
	h.mu.Unlock()
}

// CutNext makes the next CDN GETs send this many body bytes each and then
// drop the connection.
func (h *Hub) CutNext(after ...int64) {
	h.mu.Lock()
	h.cuts = append(h.cuts, after...)
	h.mu.Unlock()
}

// StallNext makes the next CDN GETs send this many bytes and then hang
// until the client gives up.
func (h *Hub) StallNext(after ...int64) {
	h.mu.Lock()
	h.stalls = append(h.stalls, after...)
	h.mu.Unlock()
}

// Corrupt makes the CDN serve wrong bytes (one flipped bit per 4 KiB).
func (h *Hub) Corrupt(on bool) { h.mu.Lock(); h.corrupt = on; h.mu.Unlock() }

// Throttle makes the CDN pause d after every 64 KiB it sends.
func (h *Hub) Throttle(d time.Duration) { h.mu.Lock(); h.delay = d; h.mu.Unlock() }

// RequireToken makes the hub answer 401 without "Authorization: Bearer tok".
func (h *Hub) RequireToken(tok string) { h.mu.Lock(); h.token = tok; h.mu.Unlock() }

// Log returns the requests seen so far.
func (h *Hub) Log() []Request { h.mu.Lock(); defer h.mu.Unlock(); return slices.Clone(h.log) }

// Served returns the body bytes the CDN and hub wrote.
func (h *Hub) Served() int64 { return h.served.Load() }

func (h *Hub) record(server string, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.mu.Lock()
		h.log = append(h.log, Request{Server: server, Method: r.Method, Path: r.URL.Path, Range: r.Header.Get("Range"), Auth: r.Header.Get("Authorization")})
		var code int
		if q := h.statuses[server]; len(q) > 0 {
			code, h.statuses[server] = q[0], q[1:]
		}
		tok := h.token
		h.mu.Unlock()
		if code != 0 {
			if code == http.StatusTooManyRequests || code == http.StatusServiceUnavailable {
				w.Header().Set("Retry-After", "0")
			}
			http.Error(w, http.StatusText(code), code)
			return
		}
		if server == "hub" && tok != "" && r.Header.Get("Authorization") != "Bearer "+tok {
			http.Error(w, "Invalid credentials", http.StatusUnauthorized)
			return
		}
		next.ServeHTTP(w, r)
	})
}

func (h *Hub) lookup(r *http.Request) (map[string]*File, bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	repo, ok := h.repos[r.PathValue("org")+"/"+r.PathValue("repo")]
	rev := r.PathValue("rev")
	return repo, ok && (rev == "main" || rev == h.Commit)
}

func (h *Hub) api(w http.ResponseWriter, r *http.Request) {
	repo, ok := h.lookup(r)
	if !ok {
		http.Error(w, "Repository not found", http.StatusNotFound)
		return
	}
	type sib struct {
		RFilename string `json:"rfilename"`
	}
	var sibs []sib
	for _, p := range slices.Sorted(func(yield func(string) bool) {
		for p := range repo {
			if !yield(p) {
				return
			}
		}
	}) {
		sibs = append(sibs, sib{p})
	}
	json.NewEncoder(w).Encode(map[string]any{"id": r.PathValue("org") + "/" + r.PathValue("repo"), "sha": h.Commit, "siblings": sibs})
}

func (h *Hub) resolve(w http.ResponseWriter, r *http.Request) {
	repo, ok := h.lookup(r)
	var f *File
	if ok {
		f = repo[r.PathValue("path")]
	}
	if f == nil {
		w.Header().Set("X-Error-Code", "EntryNotFound")
		http.Error(w, "Entry not found", http.StatusNotFound)
		return
	}
	w.Header().Set("X-Repo-Commit", h.Commit)
	if f.LFS {
		w.Header().Set("X-Linked-Etag", `"`+f.sha256+`"`)
		w.Header().Set("X-Linked-Size", strconv.FormatInt(f.Size, 10))
		w.Header().Set("ETag", `"`+f.gitSHA+`"`)
		w.Header().Set("Location", h.CDN.URL+"/blobs/"+f.sha256+"?X-Amz-Signature=secret")
		w.WriteHeader(http.StatusFound)
		return
	}
	h.serve(w, r, f, `"`+f.gitSHA+`"`)
}

func (h *Hub) cdn(w http.ResponseWriter, r *http.Request) {
	sha := r.PathValue("sha")
	var f *File
	h.mu.Lock()
	for _, repo := range h.repos {
		for _, x := range repo {
			if x.sha256 == sha {
				f = x
			}
		}
	}
	h.mu.Unlock()
	if f == nil {
		http.Error(w, "NoSuchKey", http.StatusNotFound)
		return
	}
	// Like S3, the CDN has ETags of its own, unrelated to the Hub's.
	h.serve(w, r, f, `"`+f.sha256[:16]+`-1"`)
}

func (h *Hub) serve(w http.ResponseWriter, r *http.Request, f *File, etag string) {
	h.mu.Lock()
	limit, stall := int64(-1), int64(-1)
	if r.Method == http.MethodGet {
		if len(h.cuts) > 0 {
			limit, h.cuts = h.cuts[0], h.cuts[1:]
		} else if len(h.stalls) > 0 {
			stall, h.stalls = h.stalls[0], h.stalls[1:]
		}
	}
	var content io.ReaderAt = f.Content
	if h.corrupt {
		content = flipper{f.Content}
	}
	delay := h.delay
	h.mu.Unlock()
	w.Header().Set("ETag", etag)
	w.Header().Set("Accept-Ranges", "bytes")
	if f.Path != "" && limit < 0 && stall < 0 && !h.corrupt && delay == 0 {
		// One *os.File per request (ServeContent seeks it), passed bare so
		// that the copy becomes sendfile.
		file, err := os.Open(f.Path)
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		defer file.Close()
		http.ServeContent(countingWriter{w, &h.served}, r, "", time.Time{}, file)
		return
	}
	fw := &faultWriter{ResponseWriter: w, limit: limit, stall: stall, served: &h.served, done: r.Context().Done(), delay: delay}
	http.ServeContent(fw, r, "", time.Time{}, io.NewSectionReader(content, 0, f.Size))
}

// countingWriter counts body bytes and keeps the ResponseWriter's
// ReadFrom (sendfile) reachable.
type countingWriter struct {
	http.ResponseWriter
	served *atomic.Int64
}

func (w countingWriter) Write(p []byte) (int, error) {
	n, err := w.ResponseWriter.Write(p)
	w.served.Add(int64(n))
	return n, err
}

func (w countingWriter) ReadFrom(r io.Reader) (int64, error) {
	n, err := w.ResponseWriter.(io.ReaderFrom).ReadFrom(r)
	w.served.Add(n)
	return n, err
}

type flipper struct{ r io.ReaderAt }

func (f flipper) ReadAt(p []byte, off int64) (int, error) {
	n, err := f.r.ReadAt(p, off)
	for i := range n {
		if (off+int64(i))%4096 == 100 {
			p[i] ^= 1
		}
	}
	return n, err
}

// faultWriter cuts or stalls a response after a number of body bytes.
type faultWriter struct {
	http.ResponseWriter
	limit, stall, n int64
	served          *atomic.Int64
	done            <-chan struct{}
	delay           time.Duration
}

func (w *faultWriter) Write(p []byte) (int, error) {
	if w.limit >= 0 && w.n+int64(len(p)) > w.limit {
		k := w.limit - w.n
		w.ResponseWriter.Write(p[:k])
		w.served.Add(k)
		if fl, ok := w.ResponseWriter.(http.Flusher); ok {
			fl.Flush()
		}
		panic(http.ErrAbortHandler) // drops the connection mid-body
	}
	if w.stall >= 0 && w.n+int64(len(p)) > w.stall {
		k := w.stall - w.n
		w.ResponseWriter.Write(p[:k])
		if fl, ok := w.ResponseWriter.(http.Flusher); ok {
			fl.Flush()
		}
		<-w.done
		panic(http.ErrAbortHandler)
	}
	if w.delay > 0 {
		// Throttled: 64 KiB at a time with a pause after each.
		var total int
		for len(p) > 0 {
			k := min(len(p), 64<<10)
			n, err := w.ResponseWriter.Write(p[:k])
			w.n += int64(n)
			w.served.Add(int64(n))
			total += n
			if err != nil {
				return total, err
			}
			p = p[k:]
			time.Sleep(w.delay)
		}
		return total, nil
	}
	n, err := w.ResponseWriter.Write(p)
	w.n += int64(n)
	w.served.Add(int64(n))
	return n, err
}

// Gen is deterministic generated content of any size, without memory:
// a fixed 64 KiB pseudo-random block, repeated, with each repetition's
// first 8 bytes holding its index so that blocks differ.
type Gen struct {
	Size int64
	Seed uint64
}

var genBlock = func() []byte {
	b := make([]byte, 64<<10)
	x := uint64(0x9E3779B97F4A7C15)
	for i := range b {
		x ^= x << 13
		x ^= x >> 7
		x ^= x << 17
		b[i] = byte(x)
	}
	return b
}()

// ReadAt fills p with the bytes at off.
func (g Gen) ReadAt(p []byte, off int64) (int, error) {
	if off >= g.Size {
		return 0, io.EOF
	}
	n := int(min(int64(len(p)), g.Size-off))
	var hdr [8]byte
	for done := 0; done < n; {
		pos := off + int64(done)
		blk, in := pos/int64(len(genBlock)), int(pos%int64(len(genBlock)))
		k := copy(p[done:n], genBlock[in:])
		if in < 8 {
			binary.LittleEndian.PutUint64(hdr[:], uint64(blk)^g.Seed)
			copy(p[done:done+k], hdr[in:])
		}
		done += k
	}
	if n < len(p) {
		return n, io.EOF
	}
	return n, nil
}

func (h *Hub) String() string { return fmt.Sprintf("hub %s, cdn %s", h.Hub.URL, h.CDN.URL) }

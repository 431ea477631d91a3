package fetch_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/batuta-go/stack/internal/hftest"
	"github.com/batuta-go/stack/internal/testdata"
	"github.com/batuta-go/stack/pacha/fetch"
	"github.com/batuta-go/stack/pacha/store"
)

func newStore(t *testing.T) *store.Store {
	t.Helper()
	s, err := store.Open(t.TempDir(), nil)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func opts(h *hftest.Hub) *fetch.Options {
	return &fetch.Options{HFEndpoint: h.Hub.URL, HFToken: "-", Backoff: time.Millisecond, ChunkSize: 1 << 20, Parallel: 4, StallTimeout: 2 * time.Second}
}

func mustCheck(t *testing.T, s *store.Store) {
	t.Helper()
	rep, err := s.Check(context.Background())
	if err != nil || !rep.OK() {
		t.Fatalf("store check: %+v, %v", rep.Problems, err)
	}
}

// blobs lists the committed blobs.
func blobs(t *testing.T, s *store.Store) []os.DirEntry {
	ents, err := os.ReadDir(filepath.Join(s.Root(), "blobs", "blake3"))
	if err != nil {
		t.Fatal(err)
	}
	return ents
}

func stories(t *testing.T) []byte {
	data, err := os.ReadFile(filepath.Join(testdata.Dir(t, "models"), "stories260K.gguf"))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func TestPullHFRepository(t *testing.T) {
	h := hftest.New()
	defer h.Close()
	h.AddBytes("karpathy/tiny", "stories260K.gguf", stories(t), true)
	h.AddBytes("karpathy/tiny", "README.md", []byte("---\nlicense: mit\n---\n# tiny\n"), false)
	h.AddBytes("karpathy/tiny", ".gitattributes", []byte("*.gguf filter=lfs\n"), false)
	h.RequireToken("hf_secret")
	s := newStore(t)
	o := opts(h)
	o.HFToken = "hf_secret"

	res, err := fetch.Pull(context.Background(), s, "hf://karpathy/tiny", store.Ref{}, o)
	if err != nil {
		t.Fatal(err)
	}
	if res.Ref.String() != "karpathy/tiny:latest" || res.Revision != h.Commit {
		t.Errorf("ref %s revision %s", res.Ref, res.Revision)
	}
	m := res.Manifest
	if len(m.Files) != 2 || m.Files[0].Path != "README.md" || m.Files[1].Path != "stories260K.gguf" {
		t.Fatalf("files %+v", m.Files)
	}
	if m.Files[1].SHA256 != h.SHA256("karpathy/tiny", "stories260K.gguf") || m.Files[1].SHA256 != "270cba1bd5109f42d03350f60406024560464db173c0e387d91f0426d3bd256d" {
		t.Errorf("sha256 %s", m.Files[1].SHA256)
	}
	md := m.Metadata
	if md.Architecture != "llama" || md.License != "mit" || md.ContextLength != 2048 || md.Source != "hf://karpathy/tiny" {
		t.Errorf("metadata %+v", md)
	}
	for _, r := range h.Log() {
		if r.Server == "cdn" && r.Auth != "" {
			t.Errorf("token sent to the CDN: %+v", r)
		}
		if r.Server == "hub" && r.Auth != "Bearer hf_secret" {
			t.Errorf("hub request without token: %+v", r)
		}
	}
	edges, _ := s.Lineage().Edges()
	if len(edges) != 1 || edges[0].Operation != "pull" || edges[0].Parent != "hf://karpathy/tiny" || edges[0].Params["revision"] != h.Commit {
		t.Errorf("lineage %+v", edges)
	}
	mustCheck(t, s)

	// Without the token: a clear 401.
	o.HFToken = ""
	t.Setenv("HF_TOKEN", "")
	t.Setenv("HUGGING_FACE_HUB_TOKEN", "")
	_, err = fetch.Pull(context.Background(), newStore(t), "hf://karpathy/tiny", store.Ref{}, o)
	var he *fetch.HTTPError
	if !errors.As(err, &he) || he.StatusCode != 401 || !strings.Contains(err.Error(), "HF_TOKEN") {
		t.Errorf("without token: %v", err)
	}
}

func TestPullSurvivesFaults(t *testing.T) {
	h := hftest.New()
	defer h.Close()
	const size = 24<<20 + 12345
	h.AddFile("org/big", "big.gguf", &hftest.File{Content: hftest.Gen{Size: size, Seed: 1}, Size: size, LFS: true})
	s := newStore(t)
	// Errors on the hub (listing and resolve) and the CDN, two cut
	// connections and one stall.
	h.FailNext("hub", 503, 429)
	h.FailNext("cdn", 429, 503, 500, 502)
	h.CutNext(100000, 700000, 5)
	h.StallNext(4096)
	o := opts(h)
	o.StallTimeout = 300 * time.Millisecond
	res, err := fetch.Pull(context.Background(), s, "hf://org/big/big.gguf", store.MustParseRef("big:v1"), o)
	if err != nil {
		t.Fatal(err)
	}
	if res.Manifest.Files[0].Size != size || res.Manifest.Files[0].SHA256 != h.SHA256("org/big", "big.gguf") {
		t.Errorf("file %+v", res.Manifest.Files[0])
	}
	resumed := 0
	for _, r := range h.Log() {
		// A range not starting at a chunk boundary resumes a cut chunk.
		var start int64
		if _, err := fmt.Sscanf(r.Range, "bytes=%d-", &start); r.Server == "cdn" && err == nil && start%(1<<20) != 0 {
			resumed++
		}
	}
	if resumed < 2 {
		t.Errorf("%d resumed ranges, want at least 2 (log %v)", resumed, h.Log())
	}
	if served := h.Served(); served > size+size/4 {
		t.Errorf("served %d bytes for a %d-byte file", served, size)
	}
	mustCheck(t, s)
}

func TestPullRejectsWrongBytes(t *testing.T) {
	h := hftest.New()
	defer h.Close()
	const size = 5 << 20
	h.AddFile("org/m", "m.gguf", &hftest.File{Content: hftest.Gen{Size: size}, Size: size, LFS: true})
	h.Corrupt(true)
	s := newStore(t)
	_, err := fetch.Pull(context.Background(), s, "hf://org/m/m.gguf", store.Ref{}, opts(h))
	var mm *store.MismatchError
	if !errors.As(err, &mm) || mm.What != "sha256" {
		t.Fatalf("err = %v, want a sha256 mismatch", err)
	}
	if n := len(blobs(t, s)); n != 0 {
		t.Errorf("%d blobs committed from wrong bytes", n)
	}
	if refs, _ := s.Refs(); len(refs) != 0 {
		t.Errorf("refs %v", refs)
	}
	if parts, _ := filepath.Glob(filepath.Join(s.PartialDir(), "*.part")); len(parts) != 0 {
		t.Errorf("bad partial kept: %v", parts)
	}
	// The same store pulls the right bytes afterwards.
	h.Corrupt(false)
	if _, err := fetch.Pull(context.Background(), s, "hf://org/m/m.gguf", store.Ref{}, opts(h)); err != nil {
		t.Fatal(err)
	}
	mustCheck(t, s)
}

type cancelAfter struct {
	mu     sync.Mutex
	n, at  int64
	cancel context.CancelFunc
}

func (c *cancelAfter) Add(n int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.n += n; c.n >= c.at && c.cancel != nil {
		c.cancel()
	}
}
func (c *cancelAfter) Done() {}

func TestPullResumesAfterInterruption(t *testing.T) {
	h := hftest.New()
	defer h.Close()
	const size = 16 << 20
	h.AddFile("org/m", "m.gguf", &hftest.File{Content: hftest.Gen{Size: size, Seed: 9}, Size: size, LFS: true})
	s := newStore(t)
	ctx, cancel := context.WithCancel(context.Background())
	o := opts(h)
	o.Parallel = 2
	o.Progress = func(string, int64) fetch.Progress { return &cancelAfter{at: 10 << 20, cancel: cancel} }
	_, err := fetch.Pull(ctx, s, "hf://org/m/m.gguf", store.Ref{}, o)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("interrupted pull: %v", err)
	}
	first := h.Served()
	if refs, _ := s.Refs(); len(refs) != 0 || len(blobs(t, s)) != 0 {
		t.Fatalf("interrupted pull committed something")
	}
	res, err := fetch.Pull(context.Background(), s, "hf://org/m/m.gguf", store.Ref{}, opts(h))
	if err != nil {
		t.Fatal(err)
	}
	second := h.Served() - first
	t.Logf("first attempt %d bytes, resumed attempt %d bytes of %d", first, second, size)
	if second > size-8<<20 {
		t.Errorf("resumed pull fetched %d bytes; the first had %d of %d", second, first, size)
	}
	if res.Downloaded != size {
		t.Errorf("downloaded %d", res.Downloaded)
	}
	mustCheck(t, s)
}

func TestConcurrentPullsOfOneModel(t *testing.T) {
	h := hftest.New()
	defer h.Close()
	const size = 8 << 20
	h.AddFile("org/m", "m.gguf", &hftest.File{Content: hftest.Gen{Size: size, Seed: 3}, Size: size, LFS: true})
	root := t.TempDir()
	var wg sync.WaitGroup
	for range 3 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s, err := store.Open(root, nil) // one handle each, as separate processes would
			if err != nil {
				t.Error(err)
				return
			}
			if _, err := fetch.Pull(context.Background(), s, "hf://org/m/m.gguf", store.Ref{}, opts(h)); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	s, _ := store.Open(root, nil)
	mustCheck(t, s)
	if _, err := s.Resolve(store.MustParseRef("org/m/m")); err != nil {
		t.Error(err)
	}
	// The pulls took turns on the file: one downloaded it, the others
	// found it stored.
	if served := h.Served(); served > size+size/2 {
		t.Errorf("three concurrent pulls of %d bytes fetched %d", size, served)
	}
}

func TestRepullFetchesNothing(t *testing.T) {
	h := hftest.New()
	defer h.Close()
	const size = 3 << 20
	h.AddFile("org/m", "m.gguf", &hftest.File{Content: hftest.Gen{Size: size, Seed: 4}, Size: size, LFS: true})
	h.AddFile("org/m", "other.gguf", &hftest.File{Content: hftest.Gen{Size: size, Seed: 5}, Size: size, LFS: true})
	s := newStore(t)
	first, err := fetch.Pull(context.Background(), s, "hf://org/m/m.gguf", store.Ref{}, opts(h))
	if err != nil {
		t.Fatal(err)
	}
	before := h.Served()
	again, err := fetch.Pull(context.Background(), s, "hf://org/m/m.gguf", store.MustParseRef("again"), opts(h))
	if err != nil || again.Manifest.Files[0].Digest != first.Manifest.Files[0].Digest {
		t.Fatalf("re-pull: %v", err)
	}
	if n := h.Served() - before; n != 0 {
		t.Errorf("re-pull fetched %d bytes", n)
	}
	// A lying index entry (other.gguf's SHA-256 → m.gguf's blob) is
	// caught by the re-hash: other.gguf is downloaded and stored whole.
	idx := filepath.Join(s.Root(), "index", "sha256", h.SHA256("org/m", "other.gguf"))
	os.WriteFile(idx, []byte(first.Manifest.Files[0].Digest+"\n"), 0o644)
	other, err := fetch.Pull(context.Background(), s, "hf://org/m/other.gguf", store.Ref{}, opts(h))
	if err != nil || other.Manifest.Files[0].Digest == first.Manifest.Files[0].Digest {
		t.Fatalf("pull past a lying index: %v", err)
	}
	mustCheck(t, s)
}

func TestPullHTTPS(t *testing.T) {
	data := []byte(strings.Repeat("pacha https test ", 100000))
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/files/model.gguf" {
			http.NotFound(w, r)
			return
		}
		http.ServeContent(w, r, "model.gguf", time.Time{}, strings.NewReader(string(data)))
	}))
	defer srv.Close()
	s := newStore(t)
	o := &fetch.Options{ChunkSize: 256 << 10, Backoff: time.Millisecond}
	res, err := fetch.Pull(context.Background(), s, srv.URL+"/files/model.gguf", store.Ref{}, o)
	if err != nil {
		t.Fatal(err)
	}
	if res.Ref.String() != "model:latest" || res.Manifest.Files[0].Size != int64(len(data)) {
		t.Errorf("%s %+v", res.Ref, res.Manifest.Files)
	}
	// A pinned digest that does not match: refused.
	_, err = fetch.Pull(context.Background(), s, srv.URL+"/files/model.gguf#sha256="+strings.Repeat("ab", 32), store.MustParseRef("pinned"), o)
	var mm *store.MismatchError
	if !errors.As(err, &mm) {
		t.Errorf("pinned mismatch: %v", err)
	}
	if _, err := fetch.Pull(context.Background(), s, srv.URL+"/missing.gguf", store.Ref{}, &fetch.Options{Backoff: time.Millisecond}); err == nil {
		t.Error("404 pulled")
	}
}

func TestPullAliasAndLocal(t *testing.T) {
	h := hftest.New()
	defer h.Close()
	h.AddBytes("ggml-org/models", "tinyllamas/stories260K.gguf", stories(t), true)
	s := newStore(t)
	al, err := fetch.LoadAliases(filepath.Join(t.TempDir(), "aliases.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := al.Set("tiny", "hf://ggml-org/models/tinyllamas/stories260K.gguf"); err != nil {
		t.Fatal(err)
	}
	o := opts(h)
	o.Aliases = al
	res, err := fetch.Pull(context.Background(), s, "tiny", store.Ref{}, o)
	if err != nil {
		t.Fatal(err)
	}
	if res.Ref.String() != "tiny:latest" || res.Manifest.Files[0].Path != "stories260K.gguf" {
		t.Errorf("%s %+v", res.Ref, res.Manifest.Files)
	}
	if _, ok := al.Lookup("llama3-8b-q4"); !ok {
		t.Error("built-in alias missing")
	}
	if _, err := fetch.Pull(context.Background(), s, "no-such-alias", store.Ref{}, o); err == nil || !strings.Contains(err.Error(), "short name") {
		t.Errorf("unknown alias: %v", err)
	}
	local, err := fetch.Pull(context.Background(), s, filepath.Join(testdata.Dir(t, "models"), "stories260K.gguf"), store.Ref{}, o)
	if err != nil {
		t.Fatal(err)
	}
	if local.Ref.String() != "stories260K:latest" || local.Manifest.Files[0].Digest != res.Manifest.Files[0].Digest {
		t.Errorf("local import %s %+v", local.Ref, local.Manifest.Files)
	}
}

type onAdd struct {
	once sync.Once
	n    int64
	at   int64
	fn   func()
	mu   sync.Mutex
}

func (o *onAdd) Add(n int64) {
	o.mu.Lock()
	o.n += n
	fire := o.n >= o.at
	o.mu.Unlock()
	if fire {
		o.once.Do(o.fn)
	}
}
func (o *onAdd) Done() {}

// A file replaced on the server mid-download: If-Range makes the server
// answer with the whole new file, the pull stops with ErrSourceChanged,
// drops the partial file, and the next pull gets the new content.
func TestPullNoticesChangedSource(t *testing.T) {
	h := hftest.New()
	defer h.Close()
	old := bytes.Repeat([]byte("old!"), 1<<20) // 4 MiB, served by the Hub itself (not LFS)
	h.AddBytes("org/m", "weights.bin", old, false)
	s := newStore(t)
	o := opts(h)
	o.Parallel = 1
	o.Progress = func(string, int64) fetch.Progress {
		return &onAdd{at: 1 << 20, fn: func() { h.AddBytes("org/m", "weights.bin", bytes.Repeat([]byte("new!"), 1<<20), false) }}
	}
	_, err := fetch.Pull(context.Background(), s, "hf://org/m/weights.bin", store.Ref{}, o)
	if !errors.Is(err, fetch.ErrSourceChanged) {
		t.Fatalf("err = %v, want ErrSourceChanged", err)
	}
	if parts, _ := filepath.Glob(filepath.Join(s.PartialDir(), "*.part")); len(parts) != 0 {
		t.Errorf("partial of the old file kept: %v", parts)
	}
	res, err := fetch.Pull(context.Background(), s, "hf://org/m/weights.bin", store.Ref{}, opts(h))
	if err != nil {
		t.Fatal(err)
	}
	got, _ := os.ReadFile(s.BlobPath(res.Manifest.Files[0].Digest))
	if !bytes.Equal(got, bytes.Repeat([]byte("new!"), 1<<20)) {
		t.Error("stored content is not the new file")
	}
}

// A server without byte ranges: a cut connection restarts the file.
func TestPullWithoutRanges(t *testing.T) {
	data := bytes.Repeat([]byte("no ranges here "), 200000)
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", fmt.Sprint(len(data)))
		if r.Method == http.MethodHead {
			return
		}
		if calls.Add(1) == 1 {
			w.Write(data[:len(data)/3])
			panic(http.ErrAbortHandler)
		}
		w.Write(data)
	}))
	defer srv.Close()
	s := newStore(t)
	res, err := fetch.Pull(context.Background(), s, srv.URL+"/plain.bin", store.Ref{}, &fetch.Options{Backoff: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	got, _ := os.ReadFile(s.BlobPath(res.Manifest.Files[0].Digest))
	if !bytes.Equal(got, data) || calls.Load() != 2 {
		t.Errorf("%d calls; content equal: %v", calls.Load(), bytes.Equal(got, data))
	}
}

// A server that claims byte ranges but answers every request with the
// whole file: content pinned by SHA-256 is then fetched in one stream.
func TestPullFallsBackWhenRangesAreIgnored(t *testing.T) {
	data := bytes.Repeat([]byte("ranges? what ranges? "), 100000)
	sum := sha256.Sum256(data)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Accept-Ranges", "bytes")
		w.Header().Set("Content-Length", fmt.Sprint(len(data)))
		if r.Method != http.MethodHead {
			w.Write(data)
		}
	}))
	defer srv.Close()
	s := newStore(t)
	res, err := fetch.Pull(context.Background(), s, srv.URL+"/m.bin#sha256="+hex.EncodeToString(sum[:]), store.Ref{}, &fetch.Options{ChunkSize: 256 << 10, Backoff: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	if res.Manifest.Files[0].Size != int64(len(data)) {
		t.Errorf("size %d", res.Manifest.Files[0].Size)
	}
	mustCheck(t, s)
}

package fetch_test

import (
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/batuta-go/stack/internal/hftest"
	"github.com/batuta-go/stack/pacha/store"
)

// TestPullThroughProxy runs a pull in a child process with HTTP_PROXY
// set and the Hub under a name only the proxy knows: the pull succeeds
// only if every Hub request went through the proxy.
func TestPullThroughProxy(t *testing.T) {
	h := hftest.New()
	defer h.Close()
	h.AddBytes("org/m", "m.gguf", []byte(strings.Repeat("proxied ", 50000)), true)
	hubURL, _ := url.Parse(h.Hub.URL)
	var proxied atomic.Int64
	rp := httputil.NewSingleHostReverseProxy(hubURL)
	proxy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Host != "hub.invalid" {
			http.Error(w, "unknown host "+r.URL.Host, http.StatusBadGateway)
			return
		}
		proxied.Add(1)
		r.Host = hubURL.Host
		rp.ServeHTTP(w, r)
	}))
	defer proxy.Close()

	root := t.TempDir()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	env := []string{}
	for _, e := range os.Environ() {
		if k, _, _ := strings.Cut(e, "="); !strings.EqualFold(k, "NO_PROXY") && !strings.EqualFold(k, "HTTP_PROXY") && !strings.EqualFold(k, "HTTPS_PROXY") {
			env = append(env, e)
		}
	}
	cmd.Env = append(env, "PACHA_FETCH_CHILD=hf://org/m/m.gguf", "PACHA_STORE_ROOT="+root, "PACHA_HUB=http://hub.invalid", "HTTP_PROXY="+proxy.URL)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("child: %v\n%s", err, out)
	}
	if proxied.Load() < 1 {
		t.Error("no request went through the proxy")
	}
	s, _ := store.Open(root, nil)
	if _, err := s.Resolve(store.MustParseRef("org/m/m")); err != nil {
		t.Error(err)
	}
	mustCheck(t, s)
}

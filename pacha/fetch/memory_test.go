package fetch_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/batuta-go/stack/internal/hftest"
	"github.com/batuta-go/stack/pacha/fetch"
	"github.com/batuta-go/stack/pacha/store"
)

// With PACHA_FETCH_CHILD set the test binary is the pulling child of
// TestPullMemory; with PACHA_FETCH_SERVE, the server process of
// BenchmarkPullLoopback.
func TestMain(m *testing.M) {
	if file := os.Getenv("PACHA_FETCH_SERVE"); file != "" {
		if err := serveMain(file); err != nil {
			fmt.Fprintln(os.Stderr, "server:", err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	if src := os.Getenv("PACHA_FETCH_CHILD"); src != "" {
		s, err := store.Open(os.Getenv("PACHA_STORE_ROOT"), nil)
		if err == nil {
			chunk, _ := strconv.ParseInt(os.Getenv("PACHA_CHUNK"), 10, 64)
			_, err = fetch.Pull(context.Background(), s, src, store.Ref{}, &fetch.Options{HFEndpoint: os.Getenv("PACHA_HUB"), ChunkSize: chunk, Parallel: 2})
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, "child:", err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// TestKilledPullResumes kills a pulling child process with SIGKILL once
// part of the file has arrived, checks the store holds nothing bad, and
// pulls again: only the missing ranges are fetched.
func TestKilledPullResumes(t *testing.T) {
	const size = 12 << 20
	h := hftest.New()
	defer h.Close()
	h.AddFile("org/big", "big.gguf", &hftest.File{Content: hftest.Gen{Size: size, Seed: 12}, Size: size, LFS: true})
	h.Throttle(10 * time.Millisecond) // ~6 MB/s per connection: about a second in all
	root := t.TempDir()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "PACHA_FETCH_CHILD=hf://org/big/big.gguf", "PACHA_STORE_ROOT="+root, "PACHA_HUB="+h.Hub.URL, "PACHA_CHUNK=1048576")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan struct{})
	go func() { cmd.Wait(); close(exited) }()
	// Kill once the partial download's state says some chunks are done.
	deadline := time.Now().Add(30 * time.Second)
	for {
		select {
		case <-exited:
			t.Fatal("the child finished its pull before it could be killed")
		default:
		}
		states, _ := filepath.Glob(filepath.Join(root, "partial", "*.json"))
		if len(states) > 0 {
			if b, _ := os.ReadFile(states[0]); bytes.Contains(b, []byte("true")) {
				break
			}
		}
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			t.Fatal("child made no progress")
		}
		time.Sleep(5 * time.Millisecond)
	}
	cmd.Process.Signal(syscall.SIGKILL)
	<-exited
	// The server notices the dead connections a little later; let its
	// count of bytes sent settle before taking it.
	first := h.Served()
	for {
		time.Sleep(100 * time.Millisecond)
		if n := h.Served(); n != first {
			first = n
			continue
		}
		break
	}
	s, _ := store.Open(root, nil)
	mustCheck(t, s)
	if refs, _ := s.Refs(); len(refs) != 0 {
		t.Fatalf("killed pull left refs %v", refs)
	}
	h.Throttle(0)
	res, err := fetch.Pull(context.Background(), s, "hf://org/big/big.gguf", store.Ref{}, &fetch.Options{HFEndpoint: h.Hub.URL})
	if err != nil {
		t.Fatal(err)
	}
	second := h.Served() - first
	t.Logf("killed after %d bytes served; the resumed pull fetched %d of %d", first, second, size)
	// At least the one chunk recorded done before the kill is not fetched again.
	if second > size-1<<20 {
		t.Errorf("resumed pull fetched %d bytes, want at most %d", second, size-1<<20)
	}
	if res.Manifest.Files[0].SHA256 != h.SHA256("org/big", "big.gguf") {
		t.Error("wrong content")
	}
	mustCheck(t, s)
}

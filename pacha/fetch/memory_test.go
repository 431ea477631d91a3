package fetch_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"syscall"
	"testing"
	"time"

	"github.com/batuta-go/stack/internal/hftest"
	"github.com/batuta-go/stack/pacha/fetch"
	"github.com/batuta-go/stack/pacha/store"
)

// With PACHA_FETCH_CHILD set the test binary is the pulling child of
// TestPullMemory.
func TestMain(m *testing.M) {
	if src := os.Getenv("PACHA_FETCH_CHILD"); src != "" {
		s, err := store.Open(os.Getenv("PACHA_STORE_ROOT"), nil)
		if err == nil {
			_, err = fetch.Pull(context.Background(), s, src, store.Ref{}, &fetch.Options{HFEndpoint: os.Getenv("PACHA_HUB")})
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, "child:", err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// TestPullMemory pulls a 4 GiB file (256 MiB with -short) in a child
// process and checks the child's peak resident set stays under 100 MB.
func TestPullMemory(t *testing.T) {
	size := int64(4 << 30)
	if testing.Short() {
		size = 256 << 20
	}
	h := hftest.New()
	defer h.Close()
	h.AddFile("org/big", "big.gguf", &hftest.File{Content: hftest.Gen{Size: size, Seed: 11}, Size: size, LFS: true})
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "PACHA_FETCH_CHILD=hf://org/big/big.gguf", "PACHA_STORE_ROOT="+t.TempDir(), "PACHA_HUB="+h.Hub.URL)
	cmd.Stderr = os.Stderr
	start := time.Now()
	if err := cmd.Run(); err != nil {
		t.Fatal(err)
	}
	el := time.Since(start)
	rss := cmd.ProcessState.SysUsage().(*syscall.Rusage).Maxrss * 1024
	t.Logf("pulled %d MiB in %v (%.0f MB/s), child peak RSS %.1f MB", size>>20, el.Round(time.Millisecond), float64(size)/el.Seconds()/1e6, float64(rss)/1e6)
	if raceEnabled {
		t.Skip("the race detector's shadow memory inflates RSS; measured without -race")
	}
	if rss > 100e6 {
		t.Errorf("peak RSS %d bytes, want < 100 MB", rss)
	}
}

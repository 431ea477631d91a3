//go:build unix

package fetch_test

import (
	"os"
	"os/exec"
	"syscall"
	"testing"
	"time"

	"github.com/batuta-go/stack/internal/hftest"
)

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

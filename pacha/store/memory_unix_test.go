//go:build unix

package store_test

import (
	"syscall"
	"testing"
	"time"
)

// TestImportMemory imports a generated 4 GiB model in a child process and
// checks its peak resident set stays under 100 MB. -short uses 256 MiB.
func TestImportMemory(t *testing.T) {
	size := int64(4 << 30)
	if testing.Short() {
		size = 256 << 20
	}
	root := t.TempDir()
	cmd := child(t, root, "import", size, 3)
	start := time.Now()
	if err := cmd.Run(); err != nil {
		t.Fatal(err)
	}
	ru := cmd.ProcessState.SysUsage().(*syscall.Rusage)
	rss := ru.Maxrss * 1024 // Linux reports KiB
	el := time.Since(start)
	t.Logf("imported %d MiB in %v (%.0f MB/s), peak RSS %.1f MB", size>>20, el.Round(time.Millisecond), float64(size)/el.Seconds()/1e6, float64(rss)/1e6)
	if raceEnabled {
		t.Skip("the race detector's shadow memory inflates RSS; measured without -race")
	}
	if rss > 100e6 {
		t.Errorf("peak RSS %d bytes, want < 100 MB", rss)
	}
}

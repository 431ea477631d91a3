package store_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/batuta-go/stack/pacha/store"
)

// The test binary doubles as the child process of the crash, concurrency
// and memory tests: with PACHA_STORE_CHILD set, TestMain runs the child's
// job instead of the tests.
func TestMain(m *testing.M) {
	if job := os.Getenv("PACHA_STORE_CHILD"); job != "" {
		if err := childMain(job); err != nil {
			fmt.Fprintln(os.Stderr, "child:", err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

type slowReader struct {
	r     *genReader
	pause time.Duration
}

func (s slowReader) Read(p []byte) (int, error) {
	time.Sleep(s.pause)
	return s.r.Read(p[:min(len(p), 256<<10)])
}

// childMain imports generated models into the store at $PACHA_STORE_ROOT.
//
//	import-slow: models of $PACHA_SIZE bytes, slowly, forever (to be killed)
//	import:      one model of $PACHA_SIZE bytes as fast as it can
func childMain(job string) error {
	s, err := store.Open(os.Getenv("PACHA_STORE_ROOT"), nil)
	if err != nil {
		return err
	}
	size, _ := strconv.ParseInt(os.Getenv("PACHA_SIZE"), 10, 64)
	seed, _ := strconv.ParseUint(os.Getenv("PACHA_SEED"), 10, 64)
	ctx := context.Background()
	put := func(i int, slow bool) error {
		release, err := s.Session(ctx)
		if err != nil {
			return err
		}
		defer release()
		var r interface{ Read([]byte) (int, error) } = newGenReader(size, seed+uint64(i))
		if slow {
			r = slowReader{newGenReader(size, seed+uint64(i)), time.Millisecond}
		}
		d, n, err := s.PutBlob(ctx, r)
		if err != nil {
			return err
		}
		// A second, small file: a model of two blobs.
		d2, n2, err := s.PutBlob(ctx, slowReader{newGenReader(4096, seed), 0})
		if err != nil {
			return err
		}
		m := &store.Manifest{Files: []store.File{
			{Path: "model.bin", MediaType: store.MediaOctets, Size: n, Digest: d},
			{Path: "extra.bin", MediaType: store.MediaOctets, Size: n2, Digest: d2},
		}, Source: "test://gen"}
		_, err = s.Commit(ctx, store.Ref{Name: "gen", Tag: "v" + strconv.Itoa(i)}, m, m.Source, "import", nil)
		return err
	}
	switch job {
	case "import-slow":
		for i := 0; ; i++ {
			if err := put(i, true); err != nil {
				return err
			}
		}
	case "import":
		return put(0, false)
	}
	return fmt.Errorf("unknown job %q", job)
}

func child(t *testing.T, root, job string, size int64, seed int) *exec.Cmd {
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "PACHA_STORE_CHILD="+job, "PACHA_STORE_ROOT="+root,
		"PACHA_SIZE="+strconv.FormatInt(size, 10), "PACHA_SEED="+strconv.Itoa(seed))
	cmd.Stderr = os.Stderr
	return cmd
}

func mustCheck(t *testing.T, s *store.Store) store.CheckReport {
	t.Helper()
	rep, err := s.Check(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if !rep.OK() {
		t.Fatalf("store damaged: %v", rep.Problems)
	}
	return rep
}

// TestKilledWriterLeavesNoDamage kills a real importing process with
// SIGKILL at varied moments — mid-blob, between blobs, around the
// manifest and ref writes — and checks after each kill that every blob
// hashes to its name and every ref reaches all its blobs.
func TestKilledWriterLeavesNoDamage(t *testing.T) {
	root := t.TempDir()
	s, err := store.Open(root, nil)
	if err != nil {
		t.Fatal(err)
	}
	kills := 12
	if testing.Short() {
		kills = 4
	}
	// First learn how long one model takes on this machine (the race
	// detector makes it several times slower), then kill at moments
	// spread over two model times.
	refs := filepath.Join(root, "refs", "gen")
	cmd := child(t, root, "import-slow", 3<<20, 100)
	start := time.Now()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	for {
		if ents, _ := os.ReadDir(refs); len(ents) > 0 {
			break
		}
		if time.Since(start) > time.Minute {
			t.Fatal("child committed nothing in a minute")
		}
		time.Sleep(time.Millisecond)
	}
	per := time.Since(start)
	cmd.Process.Signal(syscall.SIGKILL)
	cmd.Wait()
	mustCheck(t, s)
	for i := 0; i < kills; i++ {
		cmd := child(t, root, "import-slow", 3<<20, i)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(per * time.Duration(1+2*i) / time.Duration(kills))
		cmd.Process.Signal(syscall.SIGKILL)
		err := cmd.Wait()
		if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); !ok || !ws.Signaled() {
			t.Fatalf("child %d ended before it was killed: %v", i, err)
		}
		mustCheck(t, s)
	}
	rep, err := s.GC(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("after %d kills: %+v", kills, rep)
	t.Logf("one model took %v", per)
	mustCheck(t, s)
}

// TestConcurrentImports runs processes importing the same models into
// one store at once, with GC running in between.
func TestConcurrentImports(t *testing.T) {
	root := t.TempDir()
	s, err := store.Open(root, nil)
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for i := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			// Same seed: identical bytes racing for the same blob and ref.
			if err := child(t, root, "import", 32<<20, 1).Run(); err != nil {
				errs <- fmt.Errorf("child %d: %w", i, err)
			}
		}()
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		for range 5 {
			if _, err := s.GC(context.Background()); err != nil {
				errs <- err
			}
			time.Sleep(5 * time.Millisecond)
		}
	}()
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	rep := mustCheck(t, s)
	if rep.Refs != 1 {
		t.Errorf("check: %d refs, want 1 (gen:v0)", rep.Refs)
	}
	if _, err := s.Resolve(store.MustParseRef("gen:v0")); err != nil {
		t.Error(err)
	}
}

package fetch_test

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/batuta-go/stack/internal/hftest"
	"github.com/batuta-go/stack/pacha/fetch"
	"github.com/batuta-go/stack/pacha/store"
)

// BenchmarkPullLoopback pulls a 1 GiB LFS file from the Hub stand-in on
// 127.0.0.1 (download, SHA-256 and BLAKE3 verification, fsync, commit).
//
// server=process is the measurement of record: the stand-in runs in a
// separate process (this test binary re-executed) and serves a file
// written beforehand, with sendfile, so that the client is what is
// measured and the server takes only its fair share of the cores.
// server=inprocess keeps the Hub of the fault tests, generating its bytes
// on the benchmark's own goroutines. PACHA_BENCH_DIR chooses the store's
// file system (default: the system temporary folder).
func BenchmarkPullLoopback(b *testing.B) {
	const size = 1 << 30
	b.Run("server=process", func(b *testing.B) {
		src := filepath.Join(b.TempDir(), "big.gguf")
		if err := writeGen(src, size, 5); err != nil {
			b.Fatal(err)
		}
		hub, stop := startServerProcess(b, src)
		defer stop()
		benchPull(b, hub, size)
	})
	b.Run("server=inprocess", func(b *testing.B) {
		h := hftest.New()
		defer h.Close()
		h.AddFile("org/big", "big.gguf", &hftest.File{Content: hftest.Gen{Size: size, Seed: 5}, Size: size, LFS: true})
		benchPull(b, h.Hub.URL, size)
	})
}

func benchPull(b *testing.B, hub string, size int64) {
	b.SetBytes(size)
	for b.Loop() {
		b.StopTimer()
		dir, _ := os.MkdirTemp(os.Getenv("PACHA_BENCH_DIR"), "pacha-bench-")
		s, err := store.Open(dir, nil)
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		if _, err := fetch.Pull(context.Background(), s, "hf://org/big/big.gguf", store.Ref{}, &fetch.Options{HFEndpoint: hub, Logger: benchLogger()}); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		os.RemoveAll(dir)
		b.StartTimer()
	}
}

func writeGen(name string, size int64, seed uint64) error {
	f, err := os.Create(name)
	if err != nil {
		return err
	}
	if _, err := io.CopyBuffer(f, io.NewSectionReader(hftest.Gen{Size: size, Seed: seed}, 0, size), make([]byte, 1<<20)); err != nil {
		f.Close()
		return err
	}
	// Written back now rather than during the first pulls.
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// startServerProcess runs serveMain in a child process and returns the
// Hub's URL and a function that stops the child.
func startServerProcess(b *testing.B, file string) (string, func()) {
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "PACHA_FETCH_SERVE="+file)
	cmd.Stderr = os.Stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		b.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		b.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		cmd.Process.Kill()
		b.Fatalf("server process: %v", err)
	}
	return strings.TrimSpace(line), func() {
		stdin.Close()
		cmd.Wait()
	}
}

// serveMain is the server process of startServerProcess: it serves file
// as org/big/big.gguf, prints the Hub's URL, and exits when its standard
// input closes.
func serveMain(file string) error {
	st, err := os.Stat(file)
	if err != nil {
		return err
	}
	h := hftest.New()
	defer h.Close()
	h.AddFile("org/big", "big.gguf", &hftest.File{Path: file, Size: st.Size(), LFS: true})
	fmt.Println(h.Hub.URL)
	io.Copy(io.Discard, os.Stdin)
	return nil
}

func benchLogger() *slog.Logger {
	if os.Getenv("PACHA_BENCH_LOG") == "" {
		return nil
	}
	return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

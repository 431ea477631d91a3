package fetch_test

import (
	"context"
	"log/slog"
	"os"
	"testing"

	"github.com/batuta-go/stack/internal/hftest"
	"github.com/batuta-go/stack/pacha/fetch"
	"github.com/batuta-go/stack/pacha/store"
)

// BenchmarkPullLoopback pulls a 1 GiB LFS file from the Hub stand-in on
// 127.0.0.1 (download, SHA-256 and BLAKE3 verification, commit).
func BenchmarkPullLoopback(b *testing.B) {
	const size = 1 << 30
	h := hftest.New()
	defer h.Close()
	h.AddFile("org/big", "big.gguf", &hftest.File{Content: hftest.Gen{Size: size, Seed: 5}, Size: size, LFS: true})
	b.SetBytes(size)
	for b.Loop() {
		b.StopTimer()
		dir, _ := os.MkdirTemp(os.Getenv("PACHA_BENCH_DIR"), "pacha-bench-")
		s, err := store.Open(dir, nil)
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		if _, err := fetch.Pull(context.Background(), s, "hf://org/big/big.gguf", store.Ref{}, &fetch.Options{HFEndpoint: h.Hub.URL, Logger: benchLogger()}); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		os.RemoveAll(dir)
		b.StartTimer()
	}
}

func benchLogger() *slog.Logger {
	if os.Getenv("PACHA_BENCH_LOG") == "" {
		return nil
	}
	return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

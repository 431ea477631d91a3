package fetch_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/batuta-go/stack/internal/hftest"
	"github.com/batuta-go/stack/internal/registrytest"
	"github.com/batuta-go/stack/internal/testdata"
	"github.com/batuta-go/stack/pacha/fetch"
	"github.com/batuta-go/stack/pacha/store"
)

// TestOCIRoundTrip pushes a two-file model to a real registry, pulls it
// into another store, and compares every file and the metadata; then the
// oras CLI (when installed) pulls what we pushed and pushes a file we
// pull.
func TestOCIRoundTrip(t *testing.T) {
	reg := registrytest.Start(t)
	ctx := context.Background()
	models := testdata.Dir(t, "models")
	dir := t.TempDir()
	gguf, _ := os.ReadFile(filepath.Join(models, "stories260K.gguf"))
	os.WriteFile(filepath.Join(dir, "stories260K.gguf"), gguf, 0o644)
	os.WriteFile(filepath.Join(dir, "README.md"), []byte("---\nlicense: mit\n---\n"), 0o644)

	a := newStore(t)
	_, m, err := a.Import(ctx, store.MustParseRef("tiny:v1"), dir)
	if err != nil {
		t.Fatal(err)
	}
	target := "oci://" + reg + "/models/tiny:v1"
	d1, err := fetch.Push(ctx, a, store.MustParseRef("tiny:v1"), target, nil)
	if err != nil {
		t.Fatal(err)
	}
	// Pushing again sends nothing new and yields the same manifest.
	if d2, err := fetch.Push(ctx, a, store.MustParseRef("tiny:v1"), target, nil); err != nil || d2 != d1 {
		t.Errorf("second push: %s %v (first %s)", d2, err, d1)
	}

	b := newStore(t)
	res, err := fetch.Pull(ctx, b, target, store.Ref{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if res.Ref.String() != "models/tiny:v1" || res.Revision != d1 {
		t.Errorf("pulled as %s, revision %s", res.Ref, res.Revision)
	}
	if len(res.Manifest.Files) != len(m.Files) {
		t.Fatalf("files %+v", res.Manifest.Files)
	}
	for i, f := range res.Manifest.Files {
		if f.Path != m.Files[i].Path || f.Digest != m.Files[i].Digest || f.Size != m.Files[i].Size {
			t.Errorf("file %d: %+v, pushed %+v", i, f, m.Files[i])
		}
	}
	if md := res.Manifest.Metadata; md.Architecture != "llama" || md.License != "mit" || md.Parameters != 292800 {
		t.Errorf("metadata %+v", md)
	}
	mustCheck(t, b)

	oras, err := exec.LookPath("oras")
	if err != nil {
		t.Log("oras CLI not installed; skipping the interoperability half")
		return
	}
	out := t.TempDir()
	cmd := exec.Command(oras, "pull", "--plain-http", "-o", out, reg+"/models/tiny:v1")
	if msg, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("oras pull: %v\n%s", err, msg)
	}
	if got, _ := os.ReadFile(filepath.Join(out, "stories260K.gguf")); !bytes.Equal(got, gguf) {
		t.Error("oras pulled different bytes")
	}
	cmd = exec.Command(oras, "push", "--plain-http", reg+"/models/from-oras:v1", "stories260K.gguf")
	cmd.Dir = dir
	if msg, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("oras push: %v\n%s", err, msg)
	}
	res, err = fetch.Pull(ctx, b, "oci://"+reg+"/models/from-oras:v1", store.Ref{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if f := res.Manifest.Files[0]; f.Path != "stories260K.gguf" || f.Digest != m.Files[1].Digest || res.Manifest.Metadata.Architecture != "llama" {
		t.Errorf("pulled from oras: %+v %+v", res.Manifest.Files, res.Manifest.Metadata)
	}
	mustCheck(t, b)
}

// A large layer comes in parallel ranges from the registry, and an
// interrupted OCI pull resumes.
func TestOCIRangesAndResume(t *testing.T) {
	reg := registrytest.Start(t)
	ctx := context.Background()
	const size = 6<<20 + 333
	dir := t.TempDir()
	f, _ := os.Create(filepath.Join(dir, "weights.bin"))
	io.Copy(f, io.NewSectionReader(hftest.Gen{Size: size, Seed: 21}, 0, size))
	f.Close()
	a := newStore(t)
	_, m, err := a.Import(ctx, store.MustParseRef("big"), filepath.Join(dir, "weights.bin"))
	if err != nil {
		t.Fatal(err)
	}
	target := "oci://" + reg + "/models/big:v1"
	if _, err := fetch.Push(ctx, a, store.MustParseRef("big"), target, nil); err != nil {
		t.Fatal(err)
	}

	b := newStore(t)
	var logs bytes.Buffer
	cctx, cancel := context.WithCancel(ctx)
	o := &fetch.Options{ChunkSize: 1 << 20, Parallel: 2, Logger: slog.New(slog.NewTextHandler(&logs, nil)),
		Progress: func(string, int64) fetch.Progress { return &cancelAfter{at: 3 << 20, cancel: cancel} }}
	if _, err := fetch.Pull(cctx, b, target, store.Ref{}, o); !errors.Is(err, context.Canceled) {
		t.Fatalf("interrupted OCI pull: %v", err)
	}
	o.Progress = nil
	res, err := fetch.Pull(ctx, b, target, store.Ref{}, o)
	if err != nil {
		t.Fatal(err)
	}
	if res.Manifest.Files[0].Digest != m.Files[0].Digest {
		t.Error("pulled different content")
	}
	if !strings.Contains(logs.String(), "resuming download") {
		t.Errorf("second pull did not resume:\n%s", logs.String())
	}
	mustCheck(t, b)
}

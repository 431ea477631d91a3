package store_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/batuta-go/stack/internal/testdata"
	"github.com/batuta-go/stack/pacha/store"
)

func openStore(t *testing.T) *store.Store {
	t.Helper()
	s, err := store.Open(t.TempDir(), nil)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// genReader yields n deterministic pseudo-random bytes without holding
// them: a 1 MiB random block whose first 8 bytes are the block counter.
type genReader struct {
	n, off int64
	block  []byte
}

func newGenReader(n int64, seed uint64) *genReader {
	b := make([]byte, 1<<20)
	r := rand.New(rand.NewPCG(seed, 7))
	for i := 0; i < len(b); i += 8 {
		binary.LittleEndian.PutUint64(b[i:], r.Uint64())
	}
	return &genReader{n: n, block: b}
}

func (g *genReader) Read(p []byte) (int, error) {
	if g.off >= g.n {
		return 0, io.EOF
	}
	total := 0
	for len(p) > 0 && g.off < g.n {
		i := g.off % int64(len(g.block))
		if i == 0 {
			binary.LittleEndian.PutUint64(g.block, uint64(g.off>>20))
		}
		k := copy(p, g.block[i:min(int64(len(g.block)), i+g.n-g.off)])
		p, g.off, total = p[k:], g.off+int64(k), total+k
	}
	return total, nil
}

func TestPutBlobAddressesByBLAKE3(t *testing.T) {
	s := openStore(t)
	ctx := context.Background()
	// BLAKE3 of the empty input and of "abc" (from the BLAKE3 test vectors).
	for in, want := range map[string]string{
		"":    "af1349b9f5f9a1a6a0404dea36dcc9499bcb25c9adc112b7cc9a93cae41f3262",
		"abc": "6437b3ac38465133ffb63b75273a8db548c558465d79db03fd359c6cd5bd9d85",
	} {
		d, n, err := s.PutBlob(ctx, strings.NewReader(in))
		if err != nil {
			t.Fatal(err)
		}
		if d.Hex() != want || n != int64(len(in)) {
			t.Errorf("PutBlob(%q) = %s, %d; want %s", in, d, n, want)
		}
		got, err := os.ReadFile(s.BlobPath(d))
		if err != nil || string(got) != in {
			t.Errorf("blob %s holds %q, %v", d, got, err)
		}
	}
	if ents, _ := os.ReadDir(filepath.Join(s.Root(), "tmp")); len(ents) != 0 {
		t.Errorf("tmp/ not empty after commits: %v", ents)
	}
}

func TestCommitFileRefusesMismatch(t *testing.T) {
	s := openStore(t)
	ctx := context.Background()
	for _, want := range []store.Expect{
		{SHA256: strings.Repeat("0", 64)},
		{Size: 4, SizeKnown: true},
		{Digest: store.Digest("blake3:" + strings.Repeat("1", 64))},
	} {
		f, err := s.CreateTemp("t-*")
		if err != nil {
			t.Fatal(err)
		}
		f.WriteString("hello")
		_, _, err = s.CommitFile(ctx, f, want)
		var mm *store.MismatchError
		if !errors.As(err, &mm) {
			t.Errorf("CommitFile(%+v) = %v, want MismatchError", want, err)
		}
		if _, err := os.Stat(f.Name()); err == nil {
			t.Errorf("rejected temp file %s left behind", f.Name())
		}
	}
	ents, _ := os.ReadDir(filepath.Join(s.Root(), "blobs", "blake3"))
	if len(ents) != 0 {
		t.Errorf("a rejected file was committed: %v", ents)
	}
	// sha256("hello")
	f, _ := s.CreateTemp("t-*")
	f.WriteString("hello")
	d, n, err := s.CommitFile(ctx, f, store.Expect{SHA256: "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824", Size: 5, SizeKnown: true})
	if err != nil || n != 5 || !s.HasBlob(d) {
		t.Fatalf("CommitFile = %s %d %v", d, n, err)
	}
}

func TestParseRef(t *testing.T) {
	for in, want := range map[string]string{
		"llama3-8b-q4":             "llama3-8b-q4:latest",
		"TheBloke/Llama-2-7B:q4_k": "TheBloke/Llama-2-7B:q4_k",
		"a/b/c:v1.0":               "a/b/c:v1.0",
	} {
		r, err := store.ParseRef(in)
		if err != nil || r.String() != want {
			t.Errorf("ParseRef(%q) = %v, %v; want %s", in, r, err, want)
		}
	}
	for _, bad := range []string{"", ":x", "a:", "../x", "a//b", "a/./b", "a:b:c", "a b", ".hidden", "x/@y", "a:-t"} {
		if _, err := store.ParseRef(bad); err == nil {
			t.Errorf("ParseRef(%q) accepted", bad)
		}
	}
}

func TestImportListTagRemoveGC(t *testing.T) {
	models := testdata.Dir(t, "models")
	s := openStore(t)
	ctx := context.Background()
	ref := store.MustParseRef("stories:260k")
	d, m, err := s.Import(ctx, ref, filepath.Join(models, "stories260K.gguf"))
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Files) != 1 || m.Files[0].Path != "stories260K.gguf" || m.Files[0].Size != 1185376 || m.Files[0].MediaType != store.MediaGGUF {
		t.Fatalf("manifest files = %+v", m.Files)
	}
	md := m.Metadata
	if md.Format != "gguf" || md.Architecture != "llama" || md.ContextLength != 2048 || md.Tensors != 48 || md.Parameters != 292800 || md.Quantization != "F32" {
		t.Errorf("metadata = %+v", md)
	}
	if !strings.HasPrefix(md.Source, "file:///") {
		t.Errorf("source = %q", md.Source)
	}
	got, err := s.Resolve(ref)
	if err != nil || got != d {
		t.Fatalf("Resolve = %s, %v; want %s", got, err, d)
	}
	// Same bytes under another name share the blob.
	if _, _, err := s.Import(ctx, store.MustParseRef("copy"), filepath.Join(models, "stories260K.gguf")); err != nil {
		t.Fatal(err)
	}
	if err := s.Tag(ctx, ref, store.MustParseRef("tiny/stories:prod")); err != nil {
		t.Fatal(err)
	}
	refs, err := s.Refs()
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range refs {
		names = append(names, e.Ref.String())
	}
	if strings.Join(names, " ") != "copy:latest stories:260k tiny/stories:prod" {
		t.Errorf("refs = %v", names)
	}
	if rep, err := s.Check(ctx); err != nil || !rep.OK() || rep.Refs != 3 {
		t.Errorf("Check = %+v, %v", rep, err)
	}
	// Removing two of three refs frees nothing; removing the last frees the blob.
	for _, r := range []string{"copy", "stories:260k"} {
		if err := s.Remove(ctx, store.MustParseRef(r)); err != nil {
			t.Fatal(err)
		}
	}
	var nf *store.NotFoundError
	if _, err := s.Resolve(ref); !errors.As(err, &nf) {
		t.Errorf("Resolve after Remove = %v, want NotFoundError", err)
	}
	// A signature of the live manifest stays; one of a manifest no longer
	// stored goes.
	sig := s.SignaturePath(d)
	stale := s.SignaturePath(store.Digest("blake3:" + strings.Repeat("ab", 32)))
	for _, p := range []string{sig, stale} {
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte("{}"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	rep, err := s.GC(ctx)
	if err != nil {
		t.Fatal(err)
	}
	// tiny/stories:prod still reaches the blob.
	if !s.HasBlob(m.Files[0].Digest) {
		t.Fatalf("GC removed a referenced blob (report %+v)", rep)
	}
	if _, err := os.Stat(sig); err != nil || rep.Signatures != 1 {
		t.Errorf("GC report %+v; live signature: %v", rep, err)
	}
	if _, err := os.Stat(stale); err == nil {
		t.Errorf("GC kept the signature of a missing manifest")
	}
	if err := s.Remove(ctx, store.MustParseRef("tiny/stories:prod")); err != nil {
		t.Fatal(err)
	}
	rep, err = s.GC(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if s.HasBlob(m.Files[0].Digest) || rep.Blobs == 0 || rep.Bytes < 1185376 {
		t.Errorf("GC report %+v; blob still there: %v", rep, s.HasBlob(m.Files[0].Digest))
	}
	if _, err := os.Stat(sig); err == nil || rep.Signatures != 1 {
		t.Errorf("GC report %+v; the removed manifest's signature is still there: %v", rep, err == nil)
	}
	if _, err := os.Stat(filepath.Join(s.Root(), "refs", "tiny")); err == nil {
		t.Errorf("empty refs/tiny folder left behind")
	}
}

func TestImportFolderSafeTensors(t *testing.T) {
	s := openStore(t)
	dir := t.TempDir()
	// Two tensors: F16 [2,3] (12 bytes) and F32 [4] (16 bytes).
	hdr := `{"__metadata__":{"format":"pt"},"a":{"dtype":"F16","shape":[2,3],"data_offsets":[0,12]},"b":{"dtype":"F32","shape":[4],"data_offsets":[12,28]}}`
	var st bytes.Buffer
	binary.Write(&st, binary.LittleEndian, uint64(len(hdr)))
	st.WriteString(hdr)
	st.Write(make([]byte, 28))
	os.WriteFile(filepath.Join(dir, "model.safetensors"), st.Bytes(), 0o644)
	os.WriteFile(filepath.Join(dir, "config.json"), []byte(`{"model_type":"qwen2","max_position_embeddings":32768,"torch_dtype":"bfloat16"}`), 0o644)
	os.WriteFile(filepath.Join(dir, "README.md"), []byte("---\nlicense: apache-2.0\n---\n# model\n"), 0o644)
	os.MkdirAll(filepath.Join(dir, "tok"), 0o755)
	os.WriteFile(filepath.Join(dir, "tok", "tokenizer.json"), []byte(`{}`), 0o644)
	os.WriteFile(filepath.Join(dir, ".hidden"), []byte(`x`), 0o644)

	_, m, err := s.Import(context.Background(), store.MustParseRef("org/qwen"), dir)
	if err != nil {
		t.Fatal(err)
	}
	var paths []string
	for _, f := range m.Files {
		paths = append(paths, f.Path)
	}
	if strings.Join(paths, " ") != "README.md config.json model.safetensors tok/tokenizer.json" {
		t.Errorf("files = %v", paths)
	}
	md := m.Metadata
	if md.Format != "safetensors" || md.Parameters != 10 || md.Tensors != 2 || md.Architecture != "qwen2" || md.ContextLength != 32768 || md.License != "apache-2.0" || md.Quantization != "F16" {
		t.Errorf("metadata = %+v", md)
	}
}

func TestCheckFindsDamage(t *testing.T) {
	s := openStore(t)
	ctx := context.Background()
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "a.bin"), []byte("first file"), 0o644)
	os.WriteFile(filepath.Join(dir, "b.bin"), []byte("second file"), 0o644)
	_, m, err := s.Import(ctx, store.MustParseRef("m"), dir)
	if err != nil {
		t.Fatal(err)
	}
	a, b := s.BlobPath(m.Files[0].Digest), s.BlobPath(m.Files[1].Digest)
	os.Chmod(a, 0o644)
	os.WriteFile(a, []byte("First file"), 0o644) // one bit flipped
	os.Remove(b)
	rep, err := s.Check(ctx)
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[string]string{}
	for _, p := range rep.Problems {
		kinds[p.Kind] = p.Path + " " + string(p.Digest)
	}
	if rep.OK() || kinds["corrupt-blob"] == "" || !strings.HasPrefix(kinds["missing-blob"], "b.bin ") {
		t.Errorf("Check problems = %v", rep.Problems)
	}
}

// The digests agree with the reference BLAKE3 implementation (b3sum) on
// the shared models, when b3sum is installed.
func TestDigestsMatchB3sum(t *testing.T) {
	b3, err := exec.LookPath("b3sum")
	if err != nil {
		t.Skip("b3sum not installed (Debian package b3sum)")
	}
	files, _ := filepath.Glob(filepath.Join(testdata.Dir(t, "models"), "*"))
	s := openStore(t)
	for _, p := range files {
		if st, err := os.Stat(p); err != nil || !st.Mode().IsRegular() {
			continue
		}
		out, err := exec.Command(b3, "--no-names", p).Output()
		if err != nil {
			t.Fatal(err)
		}
		f, _ := os.Open(p)
		d, _, err := s.PutBlob(context.Background(), f)
		f.Close()
		if err != nil || d.Hex() != strings.TrimSpace(string(out)) {
			t.Errorf("%s: %s, b3sum %s (%v)", p, d, out, err)
		}
	}
}

func TestExport(t *testing.T) {
	s := openStore(t)
	ctx := context.Background()
	src := t.TempDir()
	os.MkdirAll(filepath.Join(src, "tok"), 0o755)
	os.WriteFile(filepath.Join(src, "model.bin"), []byte("weights"), 0o644)
	os.WriteFile(filepath.Join(src, "tok", "tokenizer.json"), []byte("{}"), 0o644)
	ref := store.MustParseRef("m")
	if _, _, err := s.Import(ctx, ref, src); err != nil {
		t.Fatal(err)
	}
	for _, link := range []bool{false, true} {
		dst := t.TempDir()
		paths, err := s.Export(ctx, ref, dst, &store.ExportOptions{Link: link})
		if err != nil || len(paths) != 2 {
			t.Fatalf("Export(link=%v) = %v, %v", link, paths, err)
		}
		if b, _ := os.ReadFile(filepath.Join(dst, "tok", "tokenizer.json")); string(b) != "{}" {
			t.Errorf("link=%v: tokenizer.json = %q", link, b)
		}
		if _, err := s.Export(ctx, ref, dst, nil); err == nil || !strings.Contains(err.Error(), "not overwriting") {
			t.Errorf("second export over the first: %v", err)
		}
	}
}

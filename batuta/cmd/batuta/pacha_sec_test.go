package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spf13/cobra"

	"github.com/batuta-go/stack/pacha/sign"
)

// secTestRoot builds `batuta pacha` with only the security commands, as
// main wires them.
func secTestRoot() *cobra.Command {
	root := &cobra.Command{Use: "batuta", SilenceUsage: true, SilenceErrors: true}
	pacha := &cobra.Command{Use: "pacha"}
	root.AddCommand(pacha)
	addSecCommands(pacha)
	return root
}

// secRun runs `batuta pacha ARGS` in-process and returns its output.
func secRun(t *testing.T, args ...string) (string, error) {
	t.Helper()
	root := secTestRoot()
	var out bytes.Buffer
	root.SetOut(&out)
	root.SetErr(&out)
	root.SetArgs(append([]string{"pacha"}, args...))
	err := root.Execute()
	return out.String(), err
}

func secMust(t *testing.T, args ...string) string {
	t.Helper()
	out, err := secRun(t, args...)
	if err != nil {
		t.Fatalf("batuta pacha %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return out
}

// TestSecReadmeForms runs the command forms the README promises, exactly
// as written, in a fresh BATUTA_HOME.
func TestSecReadmeForms(t *testing.T) {
	t.Setenv("BATUTA_HOME", t.TempDir())
	dir := t.TempDir()
	t.Chdir(dir)
	weights := bytes.Repeat([]byte("GGUF tensor data "), 20000)
	os.WriteFile("model.gguf", weights, 0o644)

	secMust(t, "keygen", "--identity", "alice@example.com")
	secMust(t, "sign", "model.gguf", "--identity", "alice@example.com")
	if _, err := os.Stat("model.gguf.sig"); err != nil {
		t.Fatal("sign wrote no model.gguf.sig")
	}
	if out := secMust(t, "verify", "model.gguf"); !strings.Contains(out, "alice@example.com") {
		t.Fatalf("verify output: %s", out)
	}

	t.Setenv("MODEL_KEY", "hunter2 but longer")
	secMust(t, "encrypt", "model.gguf", "--password-env", "MODEL_KEY")
	if _, err := os.Stat("model.gguf.enc"); err != nil {
		t.Fatal("encrypt wrote no model.gguf.enc")
	}
	if _, err := secRun(t, "decrypt", "model.gguf.enc", "--password-env", "MODEL_KEY"); err == nil || !strings.Contains(err.Error(), "--force") {
		t.Fatalf("decrypt over model.gguf: %v", err)
	}
	os.Rename("model.gguf", "orig.gguf")
	secMust(t, "decrypt", "model.gguf.enc", "--password-env", "MODEL_KEY")
	got, _ := os.ReadFile("model.gguf")
	if !bytes.Equal(got, weights) {
		t.Fatal("decrypted model differs")
	}
	var edges []string
	secLineage = func(parent, child, op string, params map[string]string) error {
		edges = append(edges, parent+" -"+op+"-> "+child+" "+params["format"])
		return nil
	}
	defer func() { secLineage = nil }()
	secMust(t, "decrypt", "model.gguf.enc", "--password-env", "MODEL_KEY", "--force")
	secMust(t, "verify", "model.gguf")
	if len(edges) != 1 || edges[0] != "model.gguf.enc -decrypt-> model.gguf pacha-enc v1" {
		t.Fatalf("lineage: %q", edges)
	}
}

func TestSecVerifyFailures(t *testing.T) {
	t.Setenv("BATUTA_HOME", t.TempDir())
	t.Chdir(t.TempDir())
	os.MkdirAll("llama", 0o755)
	os.WriteFile("llama/model.safetensors", []byte("weights"), 0o644)
	os.WriteFile("llama/config.json", []byte("{}"), 0o644)
	secMust(t, "keygen", "--identity", "alice@example.com")
	secMust(t, "sign", "llama", "--identity", "alice@example.com")
	secMust(t, "verify", "llama")

	os.WriteFile("llama/config.json", []byte(`{"x":1}`), 0o644)
	out, err := secRun(t, "verify", "llama", "--json")
	if err == nil {
		t.Fatal("verify passed on a changed file")
	}
	var res struct {
		Valid   bool
		Changes []struct{ Name, Change string }
	}
	if jerr := json.Unmarshal([]byte(out), &res); jerr != nil {
		t.Fatalf("verify --json: %v\n%s", jerr, out)
	}
	if res.Valid || len(res.Changes) != 1 || res.Changes[0].Name != "config.json" || res.Changes[0].Change != "modified" {
		t.Fatalf("verify --json: %+v", res)
	}
	os.WriteFile("llama/config.json", []byte("{}"), 0o644)

	// An empty trust store: valid signature, untrusted signer.
	empty := t.TempDir()
	if _, err := secRun(t, "verify", "llama", "--trust-dir", empty); err == nil || !strings.Contains(err.Error(), "not trusted") {
		t.Fatalf("verify against an empty trust store: %v", err)
	}
	// Keys made without trust are not trusted.
	secMust(t, "keygen", "--identity", "bob@example.com", "--no-trust")
	secMust(t, "sign", "llama", "--identity", "bob@example.com")
	if _, err := secRun(t, "verify", "llama"); err == nil {
		t.Fatal("verify trusted bob, who was never added")
	}
	home := os.Getenv("BATUTA_HOME")
	secMust(t, "trust", "add", filepath.Join(home, "keys", "bob@example.com.pub"))
	secMust(t, "verify", "llama")
	if out := secMust(t, "trust", "list"); !strings.Contains(out, "bob@example.com") || !strings.Contains(out, "alice@example.com") {
		t.Fatalf("trust list: %s", out)
	}
	secMust(t, "trust", "rm", "bob@example.com")
	if _, err := secRun(t, "verify", "llama"); err == nil {
		t.Fatal("verify trusted bob after trust rm")
	}
}

func TestSecEncryptErrors(t *testing.T) {
	t.Setenv("BATUTA_HOME", t.TempDir())
	t.Chdir(t.TempDir())
	os.WriteFile("m.bin", bytes.Repeat([]byte{7}, 200000), 0o644)
	t.Setenv("K", "right")
	t.Setenv("WRONG", "wrong")
	t.Setenv("EMPTY", "")
	if _, err := secRun(t, "encrypt", "m.bin", "--password-env", "UNSET_VARIABLE_X"); err == nil {
		t.Fatal("unset variable accepted")
	}
	if _, err := secRun(t, "encrypt", "m.bin", "--password-env", "EMPTY"); err == nil {
		t.Fatal("empty password accepted")
	}
	out := secMust(t, "encrypt", "m.bin", "--password-env", "K", "--json")
	var res struct{ Input, Output string }
	if err := json.Unmarshal([]byte(out), &res); err != nil || res.Output != "m.bin.enc" {
		t.Fatalf("encrypt --json: %v %q", err, out)
	}
	if _, err := secRun(t, "encrypt", "m.bin", "--password-env", "K"); err == nil {
		t.Fatal("encrypt replaced m.bin.enc without --force")
	}
	if _, err := secRun(t, "decrypt", "m.bin.enc", "--password-env", "WRONG", "-o", "out.bin"); err == nil || !strings.Contains(err.Error(), "wrong password") {
		t.Fatalf("wrong password: %v", err)
	}
	enc, _ := os.ReadFile("m.bin.enc")
	enc[len(enc)/2] ^= 0x10
	os.WriteFile("bad.enc", enc, 0o644)
	if _, err := secRun(t, "decrypt", "bad.enc", "--password-env", "K"); err == nil || !strings.Contains(err.Error(), "authentication failed") {
		t.Fatalf("flipped bit: %v", err)
	}
	os.WriteFile("short.enc", enc[:len(enc)-100], 0o644)
	if _, err := secRun(t, "decrypt", "short.enc", "--password-env", "K"); err == nil || !strings.Contains(err.Error(), "truncated") {
		t.Fatalf("truncated: %v", err)
	}
	ents, _ := os.ReadDir(".")
	for _, e := range ents {
		switch e.Name() {
		case "m.bin", "m.bin.enc", "bad.enc", "short.enc":
		default:
			t.Fatalf("a failed decrypt left %s", e.Name())
		}
	}
	// No terminal and no --password-env: a clear error, not a hang.
	if _, err := secRun(t, "decrypt", "m.bin.enc", "-o", "x"); err == nil || !strings.Contains(err.Error(), "--password-env") {
		t.Fatalf("no password source: %v", err)
	}

	// X25519 recipients.
	secMust(t, "keygen", "--identity", "ops@example.com", "--x25519")
	home := os.Getenv("BATUTA_HOME")
	secMust(t, "encrypt", "m.bin", "-o", "k.enc", "--recipient", filepath.Join(home, "keys", "ops@example.com.x25519.pub"))
	secMust(t, "decrypt", "k.enc", "-o", "k.bin", "--identity-file", filepath.Join(home, "keys", "ops@example.com.x25519.key"))
	a, _ := os.ReadFile("m.bin")
	b, _ := os.ReadFile("k.bin")
	if !bytes.Equal(a, b) {
		t.Fatal("X25519 round trip differs")
	}
}

func TestSecHelp(t *testing.T) {
	for _, c := range []string{"keygen", "sign", "verify", "encrypt", "decrypt", "trust", "trust add", "trust list", "trust rm"} {
		out := secMust(t, append(strings.Fields(c), "--help")...)
		if !strings.Contains(out, "Usage:") {
			t.Fatalf("%s --help: %s", c, out)
		}
	}
}

// The child-process mode: the test binary re-executed with
// BATUTA_SEC_CHILD set runs `batuta pacha` with the given arguments, so
// tests can measure and kill a real process.
const secChildEnv = "BATUTA_SEC_CHILD"

func TestSecChild(t *testing.T) {
	args := os.Getenv(secChildEnv)
	if args == "" {
		t.Skip("runs only as a child process")
	}
	root := secTestRoot()
	root.SetArgs(append([]string{"pacha"}, strings.Split(args, "\x1f")...))
	if err := root.Execute(); err != nil {
		os.Stderr.WriteString(err.Error() + "\n")
		os.Exit(1)
	}
	os.Exit(0)
}

func secChild(t *testing.T, env []string, args ...string) *exec.Cmd {
	cmd := exec.Command(os.Args[0], "-test.run=^TestSecChild$")
	cmd.Env = append(append(os.Environ(), env...), secChildEnv+"="+strings.Join(args, "\x1f"))
	return cmd
}

// secFakeStore stands in for the model store: files by reference.
type secFakeStore struct {
	files map[string]*sign.Manifest
	sigs  map[string][]byte
}

func (s *secFakeStore) Files(ref string) (*sign.Manifest, error) {
	m, ok := s.files[ref]
	if !ok {
		return nil, fmt.Errorf("%s: no such model", ref)
	}
	return &sign.Manifest{Files: append([]sign.File(nil), m.Files...)}, nil
}

func (s *secFakeStore) ReadSignature(ref string) ([]byte, error) {
	d, ok := s.sigs[ref]
	if !ok {
		return nil, os.ErrNotExist
	}
	return d, nil
}

func (s *secFakeStore) WriteSignature(ref string, data []byte) error {
	s.sigs[ref] = data
	return nil
}

func TestSecRegistryReference(t *testing.T) {
	t.Setenv("BATUTA_HOME", t.TempDir())
	t.Chdir(t.TempDir())
	d := strings.Repeat("ab", 32)
	st := &secFakeStore{
		files: map[string]*sign.Manifest{"llama3:8b": {Files: []sign.File{
			{Name: "config.json", Size: 2, Digest: d},
			{Name: "model.gguf", Size: 100, Digest: d},
		}}},
		sigs: map[string][]byte{},
	}
	secRefs = st
	defer func() { secRefs = nil }()
	secMust(t, "keygen", "--identity", "alice@example.com")
	secMust(t, "sign", "llama3:8b", "--identity", "alice@example.com")
	if len(st.sigs["llama3:8b"]) == 0 {
		t.Fatal("no signature stored for the reference")
	}
	secMust(t, "verify", "llama3:8b")
	st.files["llama3:8b"].Files[1].Size = 101
	if _, err := secRun(t, "verify", "llama3:8b"); err == nil || !strings.Contains(err.Error(), "model.gguf") {
		t.Fatalf("changed blob: %v", err)
	}
	if _, err := secRun(t, "verify", "mistral:7b"); err == nil {
		t.Fatal("unsigned reference verified")
	}
}

// TestSecOpenSSHKey signs with a key made by ssh-keygen and trusts its
// .pub file as it is.
func TestSecOpenSSHKey(t *testing.T) {
	if _, err := exec.LookPath("ssh-keygen"); err != nil {
		t.Skip("ssh-keygen not installed")
	}
	t.Setenv("BATUTA_HOME", t.TempDir())
	t.Chdir(t.TempDir())
	if out, err := exec.Command("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "carol@example.com", "-f", "id_carol").CombinedOutput(); err != nil {
		t.Fatalf("ssh-keygen: %v\n%s", err, out)
	}
	os.WriteFile("model.gguf", []byte("weights"), 0o644)
	secMust(t, "sign", "model.gguf", "--identity", "carol@example.com", "--key", "id_carol")
	if _, err := secRun(t, "verify", "model.gguf"); err == nil {
		t.Fatal("verified before carol was trusted")
	}
	secMust(t, "trust", "add", "id_carol.pub")
	if out := secMust(t, "verify", "model.gguf"); !strings.Contains(out, "carol@example.com") {
		t.Fatalf("verify: %s", out)
	}
	// Someone else's key claiming carol's identity is refused.
	exec.Command("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "carol@example.com", "-f", "id_fake").Run()
	secMust(t, "sign", "model.gguf", "--identity", "carol@example.com", "--key", "id_fake")
	if _, err := secRun(t, "verify", "model.gguf"); err == nil || !strings.Contains(err.Error(), "not trusted") {
		t.Fatalf("fake carol: %v", err)
	}
}

package sign

import (
	"crypto/ed25519"
	"encoding/base64"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func write(t *testing.T, name, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(name, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func setup(t *testing.T) (Paths, *PrivateKey, *TrustStore) {
	t.Helper()
	p := Paths{Home: t.TempDir()}
	k, err := p.Keygen("alice@example.com", false, true)
	if err != nil {
		t.Fatal(err)
	}
	ts, err := LoadTrustStore(p.TrustDir())
	if err != nil {
		t.Fatal(err)
	}
	return p, k, ts
}

func TestKeygenFiles(t *testing.T) {
	p, k, ts := setup(t)
	st, err := os.Stat(p.PrivateKeyFile("alice@example.com"))
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm() != 0o600 {
		t.Fatalf("private key mode %v, want 0600", st.Mode().Perm())
	}
	pem, _ := os.ReadFile(p.PrivateKeyFile("alice@example.com"))
	if !strings.HasPrefix(string(pem), "-----BEGIN PRIVATE KEY-----") {
		t.Fatalf("private key is not PKCS#8 PEM:\n%s", pem)
	}
	pub, _ := os.ReadFile(p.PublicKeyFile("alice@example.com"))
	if !strings.HasPrefix(string(pub), "ssh-ed25519 ") || !strings.HasSuffix(string(pub), " alice@example.com\n") {
		t.Fatalf("public key line: %q", pub)
	}
	if _, err := p.Keygen("alice@example.com", false, true); err == nil {
		t.Fatal("keygen replaced an existing key")
	}
	k2, err := p.LoadPrivateKey("alice@example.com")
	if err != nil || !k2.Key.Equal(k.Key) {
		t.Fatalf("reload: %v", err)
	}
	if got := ts.Lookup("alice@example.com"); len(got) != 1 || !got[0].Key.Equal(k.PublicKey().Key) {
		t.Fatal("keygen did not trust its own key")
	}
	os.Chmod(p.PrivateKeyFile("alice@example.com"), 0o644)
	if _, err := p.LoadPrivateKey("alice@example.com"); err == nil {
		t.Fatal("world-readable private key accepted")
	}
	for _, bad := range []string{"", "../x", "a b", "a/b", ".hidden"} {
		if _, err := p.Keygen(bad, false, false); err == nil {
			t.Errorf("identity %q accepted", bad)
		}
	}
}

// TestOpenSSHKeys: keys made by ssh-keygen are read, and our fingerprint
// is the one ssh-keygen prints.
func TestOpenSSHKeys(t *testing.T) {
	if _, err := exec.LookPath("ssh-keygen"); err != nil {
		t.Skip("ssh-keygen not installed")
	}
	dir := t.TempDir()
	key := filepath.Join(dir, "id")
	if out, err := exec.Command("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "bob@example.com", "-f", key).CombinedOutput(); err != nil {
		t.Fatalf("ssh-keygen: %v\n%s", err, out)
	}
	k, err := LoadPrivateKeyFile(key, "bob@example.com")
	if err != nil {
		t.Fatal(err)
	}
	pubData, _ := os.ReadFile(key + ".pub")
	pubs, err := ParsePublicKeys(pubData, "")
	if err != nil || len(pubs) != 1 || pubs[0].Identity != "bob@example.com" || !pubs[0].Key.Equal(k.PublicKey().Key) {
		t.Fatalf("ssh public key: %v %+v", err, pubs)
	}
	fp, err := exec.Command("ssh-keygen", "-l", "-f", key+".pub").Output()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(fp), k.PublicKey().KeyID()) {
		t.Fatalf("fingerprint %s not in ssh-keygen's %q", k.PublicKey().KeyID(), fp)
	}
}

func TestSignVerifyFile(t *testing.T) {
	_, k, ts := setup(t)
	dir := t.TempDir()
	model := filepath.Join(dir, "model.gguf")
	write(t, model, "GGUF weights")
	if _, err := SignPath(model, "", k); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(model + ".sig"); err != nil {
		t.Fatal("no detached signature beside the file")
	}
	s, err := VerifyPath(model, "", ts)
	if err != nil {
		t.Fatal(err)
	}
	if s.Identity != "alice@example.com" || len(s.Manifest.Files) != 1 || s.Manifest.Files[0].Name != "model.gguf" {
		t.Fatalf("signature content: %+v", s)
	}
	write(t, model, "GGUF weightz")
	_, err = VerifyPath(model, "", ts)
	var me *MismatchError
	if !errors.As(err, &me) || !errors.Is(err, ErrMismatch) || me.Changes[0].Name != "model.gguf" || me.Changes[0].Kind != Modified {
		t.Fatalf("changed file: %v", err)
	}
	if !strings.Contains(err.Error(), "model.gguf") {
		t.Fatalf("error does not name the file: %v", err)
	}
}

func TestSignVerifyDirectory(t *testing.T) {
	_, k, ts := setup(t)
	root := filepath.Join(t.TempDir(), "llama")
	files := map[string]string{
		"model-00001-of-00002.safetensors": "shard one",
		"model-00002-of-00002.safetensors": "shard two",
		"config.json":                      `{"a":1}`,
		"tokenizer/tokenizer.json":         `{}`,
	}
	reset := func() {
		os.RemoveAll(root)
		for n, c := range files {
			write(t, filepath.Join(root, n), c)
		}
	}
	reset()
	if _, err := SignPath(root, "", k); err != nil {
		t.Fatal(err)
	}
	if _, err := VerifyPath(root, "", ts); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name   string
		change func()
		want   map[string]ChangeKind
	}{
		{"swap", func() {
			a, b := filepath.Join(root, "model-00001-of-00002.safetensors"), filepath.Join(root, "model-00002-of-00002.safetensors")
			os.Rename(a, a+".x")
			os.Rename(b, a)
			os.Rename(a+".x", b)
		}, map[string]ChangeKind{"model-00001-of-00002.safetensors": Modified, "model-00002-of-00002.safetensors": Modified}},
		{"add", func() { write(t, filepath.Join(root, "extra.bin"), "x") }, map[string]ChangeKind{"extra.bin": Added}},
		{"remove", func() { os.Remove(filepath.Join(root, "config.json")) }, map[string]ChangeKind{"config.json": Removed}},
		{"change", func() { write(t, filepath.Join(root, "tokenizer/tokenizer.json"), `{ }`) }, map[string]ChangeKind{"tokenizer/tokenizer.json": Modified}},
		{"rename", func() {
			os.Rename(filepath.Join(root, "config.json"), filepath.Join(root, "config2.json"))
		}, map[string]ChangeKind{"config.json": Removed, "config2.json": Added}},
	}
	for _, c := range cases {
		reset()
		c.change()
		_, err := VerifyPath(root, "", ts)
		var me *MismatchError
		if !errors.As(err, &me) {
			t.Fatalf("%s: got %v, want a MismatchError", c.name, err)
		}
		got := map[string]ChangeKind{}
		for _, ch := range me.Changes {
			got[ch.Name] = ch.Kind
			if !strings.Contains(err.Error(), ch.Name) {
				t.Errorf("%s: message does not name %s", c.name, ch.Name)
			}
		}
		if len(got) != len(c.want) {
			t.Fatalf("%s: changes %v, want %v", c.name, got, c.want)
		}
		for n, k := range c.want {
			if got[n] != k {
				t.Fatalf("%s: changes %v, want %v", c.name, got, c.want)
			}
		}
	}
	reset()
	os.Symlink("config.json", filepath.Join(root, "link.json"))
	if _, err := VerifyPath(root, "", ts); err == nil {
		t.Fatal("symlink in a signed directory accepted")
	}
	// A signature kept inside the directory leaves itself out.
	reset()
	inside := filepath.Join(root, "model.sig")
	if _, err := SignPath(root, inside, k); err != nil {
		t.Fatal(err)
	}
	if _, err := VerifyPath(root, inside, ts); err != nil {
		t.Fatal(err)
	}
}

func TestTrust(t *testing.T) {
	p, alice, ts := setup(t)
	model := filepath.Join(t.TempDir(), "model.gguf")
	write(t, model, "weights")

	// A key nobody trusts: refused even though the signature is valid.
	mallory, _ := GenerateKey("alice@example.com", nil)
	SignPath(model, "", mallory)
	if _, err := VerifyPath(model, "", ts); !errors.Is(err, ErrUntrusted) {
		t.Fatalf("untrusted key claiming alice: got %v", err)
	}

	// Bob is trusted as bob; he cannot sign as alice.
	bob, _ := GenerateKey("bob@example.com", nil)
	if err := ts.Add(bob.PublicKey()); err != nil {
		t.Fatal(err)
	}
	bobAsAlice := &PrivateKey{Identity: "alice@example.com", Key: bob.Key}
	SignPath(model, "", bobAsAlice)
	if _, err := VerifyPath(model, "", ts); !errors.Is(err, ErrUntrusted) {
		t.Fatalf("bob signing as alice: got %v", err)
	}
	SignPath(model, "", bob)
	reloaded, err := LoadTrustStore(p.TrustDir())
	if err != nil {
		t.Fatal(err)
	}
	if s, err := VerifyPath(model, "", reloaded); err != nil || s.Identity != "bob@example.com" {
		t.Fatalf("bob signing as bob: %v", err)
	}
	if ok, err := reloaded.Remove("bob@example.com"); !ok || err != nil {
		t.Fatalf("remove: %v %v", ok, err)
	}
	if _, err := VerifyPath(model, "", reloaded); !errors.Is(err, ErrUntrusted) {
		t.Fatalf("after removing bob: %v", err)
	}

	// An altered signature file with a trusted key ID.
	SignPath(model, "", alice)
	data, _ := os.ReadFile(model + ".sig")
	var env envelope
	json.Unmarshal(data, &env)
	payload, _ := base64.StdEncoding.DecodeString(env.Payload)
	payload = []byte(strings.Replace(string(payload), `"size":7`, `"size":8`, 1))
	env.Payload = base64.StdEncoding.EncodeToString(payload)
	forged, _ := json.Marshal(env)
	if _, err := VerifySignature(forged, ts); !errors.Is(err, ErrBadSignature) {
		t.Fatalf("edited payload: got %v", err)
	}

	// A trust file binding a key to another identity is refused.
	write(t, filepath.Join(p.TrustDir(), "carol@example.com.pub"), string(MarshalPublicKey(bob.PublicKey())))
	if _, err := LoadTrustStore(p.TrustDir()); err == nil {
		t.Fatal("trust file for carol holding bob's key accepted")
	}
}

func TestStrictParsing(t *testing.T) {
	_, k, ts := setup(t)
	m := &Manifest{Files: []File{{Name: "a", Size: 1, Digest: strings.Repeat("0", 64)}}}
	good, err := SignManifest(m, "a", k, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := VerifySignature(good, ts); err != nil {
		t.Fatal(err)
	}
	// Re-sign payloads that break one rule each: the signature is valid,
	// the content is not.
	resign := func(mut func(st *statement)) []byte {
		var env envelope
		json.Unmarshal(good, &env)
		payload, _ := base64.StdEncoding.DecodeString(env.Payload)
		var st statement
		json.Unmarshal(payload, &st)
		mut(&st)
		payload, _ = json.Marshal(st)
		env.Payload = base64.StdEncoding.EncodeToString(payload)
		env.Signatures[0].Sig = base64.StdEncoding.EncodeToString(ed25519.Sign(k.Key, pae(PayloadType, payload)))
		out, _ := json.Marshal(env)
		return out
	}
	d := strings.Repeat("0", 64)
	bad := map[string]func(st *statement){
		"version 2":     func(st *statement) { st.Predicate.Version = 2 },
		"sha256":        func(st *statement) { st.Predicate.HashAlgorithm = "sha256" },
		"dotdot":        func(st *statement) { st.Predicate.Files[0].Name = "../a" },
		"absolute":      func(st *statement) { st.Predicate.Files[0].Name = "/etc/passwd" },
		"subject":       func(st *statement) { st.Subject[0].Digest["blake3"] = d },
		"predicateType": func(st *statement) { st.PredicateType = "x" },
		"duplicate": func(st *statement) {
			st.Predicate.Files = append(st.Predicate.Files, st.Predicate.Files[0])
		},
	}
	for name, mut := range bad {
		if _, err := VerifySignature(resign(mut), ts); !errors.Is(err, ErrMalformed) {
			t.Errorf("%s: got %v, want ErrMalformed", name, err)
		}
	}
	dup := strings.Replace(string(good), `"payloadType"`, `"payloadType": "x", "payloadType"`, 1)
	if _, err := VerifySignature([]byte(dup), ts); !errors.Is(err, ErrMalformed) {
		t.Errorf("duplicate envelope key: got %v", err)
	}
	dupPayload := func(st *statement) {}
	var env envelope
	json.Unmarshal(resign(dupPayload), &env)
	payload, _ := base64.StdEncoding.DecodeString(env.Payload)
	payload = []byte(strings.Replace(string(payload), `"version":1`, `"version":2,"version":1`, 1))
	env.Payload = base64.StdEncoding.EncodeToString(payload)
	env.Signatures[0].Sig = base64.StdEncoding.EncodeToString(ed25519.Sign(k.Key, pae(PayloadType, payload)))
	signedDup, _ := json.Marshal(env)
	if _, err := VerifySignature(signedDup, ts); !errors.Is(err, ErrMalformed) {
		t.Errorf("signed payload with a duplicate key: got %v", err)
	}
	unknown := strings.Replace(string(good), `"payloadType"`, `"extra": 1, "payloadType"`, 1)
	if _, err := VerifySignature([]byte(unknown), ts); !errors.Is(err, ErrMalformed) {
		t.Errorf("unknown envelope field: got %v", err)
	}
}

package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Signing and verifying a store reference: the signature lives in the
// store, and verification re-hashes the blobs, so damage to a stored file
// is caught and named.
func TestSignVerifyStoreReference(t *testing.T) {
	models, _ := setup(t)
	if _, e, code := batuta(t, "pacha", "pull", filepath.Join(models, "arch", "llama-f16.gguf"), "--name", "demo:v1"); code != 0 {
		t.Fatalf("pull: %s", e)
	}
	if _, e, code := batuta(t, "pacha", "keygen", "--identity", "bob@example.com"); code != 0 {
		t.Fatalf("keygen: %s", e)
	}
	if _, e, code := batuta(t, "pacha", "verify", "demo:v1"); code == 0 || !strings.Contains(e, "no signature in the store") {
		t.Fatalf("verify before signing: code %d, %s", code, e)
	}
	if out, e, code := batuta(t, "pacha", "sign", "demo:v1", "--identity", "bob@example.com"); code != 0 || !strings.Contains(out, "in the store") {
		t.Fatalf("sign: code %d\n%s\n%s", code, out, e)
	}
	if out, e, code := batuta(t, "pacha", "verify", "demo:v1"); code != 0 || !strings.Contains(out, "OK") {
		t.Fatalf("verify: code %d\n%s\n%s", code, out, e)
	}

	out, _, _ := batuta(t, "pacha", "show", "demo:v1", "--json")
	var show struct{ Files []struct{ BlobPath string } }
	if err := json.Unmarshal([]byte(out), &show); err != nil || len(show.Files) == 0 {
		t.Fatalf("show --json: %v\n%s", err, out)
	}
	p := show.Files[0].BlobPath
	if err := os.Chmod(p, 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := os.OpenFile(p, os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteAt([]byte{0xff}, 1000)
	f.Close()
	if _, e, code := batuta(t, "pacha", "verify", "demo:v1"); code == 0 || !strings.Contains(e, "llama-f16.gguf") {
		t.Fatalf("verify after damage: code %d, want failure naming the file; stderr %s", code, e)
	}
}

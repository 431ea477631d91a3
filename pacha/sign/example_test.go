package sign_test

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/batuta-go/stack/pacha/sign"
)

func Example() {
	home, _ := os.MkdirTemp("", "batuta-home")
	defer os.RemoveAll(home)
	model := filepath.Join(home, "llama")
	os.MkdirAll(model, 0o755)
	os.WriteFile(filepath.Join(model, "model.safetensors"), []byte("weights"), 0o644)
	os.WriteFile(filepath.Join(model, "config.json"), []byte("{}"), 0o644)

	p := sign.Paths{Home: home}
	key, err := p.Keygen("alice@example.com", false, true) // also trusted locally
	if err != nil {
		panic(err)
	}
	if _, err := sign.SignPath(model, "", key); err != nil { // writes llama.sig
		panic(err)
	}
	trust, _ := sign.LoadTrustStore(p.TrustDir())
	sig, err := sign.VerifyPath(model, "", trust)
	fmt.Println(sig.Identity, len(sig.Manifest.Files), err)

	os.WriteFile(filepath.Join(model, "config.json"), []byte(`{"rope_theta": 1}`), 0o644)
	_, err = sign.VerifyPath(model, "", trust)
	var mismatch *sign.MismatchError
	if errors.As(err, &mismatch) {
		fmt.Println(mismatch.Changes[0].Name, mismatch.Changes[0].Kind)
	}
	// Output:
	// alice@example.com 2 <nil>
	// config.json modified
}

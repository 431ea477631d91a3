package fetch_test

import (
	"context"
	"fmt"
	"os"

	"github.com/batuta-go/stack/internal/hftest"
	"github.com/batuta-go/stack/pacha/fetch"
	"github.com/batuta-go/stack/pacha/store"
)

// Pulling from Hugging Face; here a local stand-in of the Hub serves a
// GGUF header and a model card, as huggingface.co would.
func ExamplePull() {
	hub := hftest.New()
	defer hub.Close()
	hub.AddBytes("org/tiny", "tiny.gguf", tinyGGUF(), true)
	hub.AddBytes("org/tiny", "README.md", []byte("---\nlicense: mit\n---\n"), false)

	root, _ := os.MkdirTemp("", "pacha-example-")
	defer os.RemoveAll(root)
	s, _ := store.Open(root, nil)

	res, err := fetch.Pull(context.Background(), s, "hf://org/tiny", store.Ref{}, &fetch.Options{HFEndpoint: hub.Hub.URL})
	if err != nil {
		panic(err)
	}
	md := res.Manifest.Metadata
	fmt.Println(res.Ref, len(res.Manifest.Files), "files")
	fmt.Println(md.Architecture, md.Parameters, md.Quantization, md.ContextLength, md.License)
	// Output:
	// org/tiny:latest 2 files
	// llama 4096 F16 4096 mit
}

// tinyGGUF is a GGUF v3 header with one 64×64 F16 tensor.
func tinyGGUF() []byte {
	b := &ggufWriter{}
	b.WriteString("GGUF")
	b.u32(3)
	b.u64(1) // tensors
	b.u64(3) // keys
	b.str("general.architecture")
	b.u32(8)
	b.str("llama")
	b.str("general.file_type")
	b.u32(4)
	b.u32(1) // MOSTLY_F16
	b.str("llama.context_length")
	b.u32(4)
	b.u32(4096)
	b.str("token_embd.weight")
	b.u32(2)
	b.u64(64)
	b.u64(64)
	b.u32(1) // F16
	b.u64(0)
	return b.Bytes()
}

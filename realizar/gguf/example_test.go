package gguf_test

import (
	"bytes"
	"fmt"
	"log"

	"github.com/batuta-go/stack/realizar/gguf"
)

func Example() {
	w := gguf.NewWriter()
	w.Set("general.architecture", "llama")
	w.Set("llama.block_count", uint32(2))
	w.Set("tokenizer.ggml.tokens", []string{"<s>", "hello"})
	if err := w.AddTensor("output_norm.weight", gguf.F32, []uint64{2}, []byte{0, 0, 0x80, 0x3f, 0, 0, 0, 0x40}); err != nil {
		log.Fatal(err)
	}
	var buf bytes.Buffer
	if _, err := w.WriteTo(&buf); err != nil {
		log.Fatal(err)
	}

	f, err := gguf.Parse(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		log.Fatal(err)
	}
	arch, _ := f.String("general.architecture")
	layers, _ := f.Uint(arch + ".block_count")
	toks, _ := f.Strings("tokenizer.ggml.tokens")
	fmt.Println(arch, layers, toks)
	for _, t := range f.Tensors {
		fmt.Println(t.Name, t.Type, t.Dims, t.Size, "bytes at", t.Offset)
	}
	// Output:
	// llama 2 [<s> hello]
	// output_norm.weight F32 [2] 8 bytes at 224
}

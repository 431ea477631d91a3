package tokenizer_test

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/batuta-go/stack/internal/testdata"
	"github.com/batuta-go/stack/realizar/gguf"
	"github.com/batuta-go/stack/realizar/tokenizer"
)

func ExampleFromGGUF() {
	root, err := testdata.Root()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return
	}
	f, err := gguf.Open(filepath.Join(root, "models", "stories260K.gguf"))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return
	}
	defer f.Close()
	tk, err := tokenizer.FromGGUF(f)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return
	}
	ids := tk.Encode("Once upon a time", true, false)
	fmt.Println(ids)
	fmt.Printf("%q\n", tk.Decode(ids[1:]))
	// With the shared stories260K model this prints
	//	[1 403 407 261 378]
	//	"Once upon a time"
}

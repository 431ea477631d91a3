package store_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/batuta-go/stack/pacha/store"
)

func Example() {
	ctx := context.Background()
	root, _ := os.MkdirTemp("", "pacha-example-")
	defer os.RemoveAll(root)
	s, err := store.Open(root, nil)
	if err != nil {
		panic(err)
	}
	// A model of one file (pacha reads GGUF and SafeTensors headers; any
	// file can be stored).
	model := filepath.Join(root, "notes.txt")
	os.WriteFile(model, []byte("hello pacha\n"), 0o644)

	d, m, err := s.Import(ctx, store.MustParseRef("demo:v1"), model)
	if err != nil {
		panic(err)
	}
	fmt.Println(m.Files[0].Path, m.Files[0].Size, m.Files[0].Digest.Short())
	got, _ := s.Resolve(store.MustParseRef("demo:v1"))
	fmt.Println(got == d)

	rep, _ := s.Check(ctx)
	fmt.Println("intact:", rep.OK())
	// Output:
	// notes.txt 12 84ff0d80efdc
	// true
	// intact: true
}

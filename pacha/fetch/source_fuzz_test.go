package fetch

import (
	"strings"
	"testing"

	"github.com/batuta-go/stack/pacha/store"
)

// Whatever ParseSource accepts yields a valid default reference and, for
// hf://, a file path that stays inside the repository.
func FuzzParseSource(f *testing.F) {
	for _, s := range []string{"hf://org/repo", "hf://o/r:rev/a/b.gguf", "hf://o/r/../x", "https://h/x.gguf#sha256=00", "oci://h:5000/a/b:c", "./m.gguf", "file:///x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		src, err := ParseSource(in)
		if err != nil || src.Kind == KindLocal {
			return
		}
		if src.Kind == KindHF && src.Path != "" && store.ValidPath(src.Path) != nil {
			t.Fatalf("%q: path %q escapes the repository", in, src.Path)
		}
		ref := store.Ref{Name: src.DefaultName(), Tag: src.DefaultTag()}
		if src.Kind == KindOCI {
			ref = ociDefaultRef(src.Raw)
		}
		if err := ref.Validate(); err != nil && !strings.Contains(in, "\x00") {
			t.Fatalf("%q: default reference %v invalid: %v", in, ref, err)
		}
	})
}

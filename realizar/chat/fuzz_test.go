package chat

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzTemplate feeds arbitrary template text through Parse and Render: a
// chat template comes from a model file, so no input may crash the program,
// and rendering must be deterministic.
func FuzzTemplate(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "templates", "*.jinja"))
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(string(b))
	}
	f.Add("{{ raise_exception('x') }}")
	f.Add("{% for m in messages %}{{ m.content | trim }}{% endfor %}")
	msgs := []Message{{Role: "system", Content: "s"}, {Role: "user", Content: "u"}, {Role: "assistant", Content: " a "}}
	f.Fuzz(func(t *testing.T, src string) {
		// Loops run as long as the template says (range is capped at 100000
		// items, nested loops multiply, string repetition grows memory);
		// keep the fuzzer from spending its budget on what it typed itself.
		if len(src) > 8192 || strings.Contains(src, "range") || strings.Contains(src, "*") || strings.Count(src, "for ") > 12 {
			return
		}
		tm, err := Parse(src)
		if err != nil {
			return
		}
		opts := Options{AddGenerationPrompt: true, BOSToken: "<s>", EOSToken: "</s>"}
		a, errA := tm.Render(msgs, opts)
		b, errB := tm.Render(msgs, opts)
		if (errA == nil) != (errB == nil) || a != b {
			t.Fatalf("two renders differ: %q, %v / %q, %v", a, errA, b, errB)
		}
	})
}

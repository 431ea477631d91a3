package tokenizer

import (
	"maps"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/batuta-go/stack/internal/testdata"
)

// englishText builds about size bytes of English-like prose from the words
// of the shared golden stories, in a fixed pseudo-random order (so no
// sentence repeats the way a copied paragraph would).
func englishText(tb testing.TB, size int) string {
	tb.Helper()
	var g struct {
		Cases []struct {
			FullText string `json:"full_text"`
		} `json:"cases"`
	}
	readJSON(tb, filepath.Join(testdata.Dir(tb, "golden"), "stories260K_generate.json"), &g)
	var words []string
	for _, c := range g.Cases {
		words = append(words, strings.Fields(c.FullText)...)
	}
	words = append(words, strings.Fields("The quick brown fox jumps over the lazy dog, while 42 people watched; "+
		"it's amazing how they'd've known what we're doing. Numbers like 1,234.56 and 2024 appear too!")...)
	slices.Sort(words)
	words = slices.Compact(words)
	rng := rand.New(rand.NewPCG(1, 2))
	var b strings.Builder
	for n := 0; b.Len() < size; n++ {
		b.WriteString(words[rng.IntN(len(words))])
		switch {
		case n%97 == 96:
			b.WriteString("\n\n")
		case n%13 == 12:
			b.WriteString(". ")
		default:
			b.WriteByte(' ')
		}
	}
	return b.String()
}

func BenchmarkEncode(b *testing.B) {
	fam := loadFamilies(b)
	text := englishText(b, 1<<20)
	real := maps.Clone(fam)
	delete(real, "stories260K") // a 512-token toy is no measure of speed
	for name, tk := range firstOfEachKind(real) {
		b.Run(tk.Kind().String()+"/"+name, func(b *testing.B) {
			b.SetBytes(int64(len(text)))
			for b.Loop() {
				tk.Encode(text, false, false)
			}
		})
	}
}

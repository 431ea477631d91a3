package realizar

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/batuta-go/stack/internal/testdata"
	"github.com/batuta-go/stack/realizar/sample"
)

// TestArchGreedy loads every model of golden/arch through Load and checks
// that GenerateTokens (greedy, 32 steps, end-of-generation ignored as the
// reference did) gives llama.cpp's ids for every prompt.
func TestArchGreedy(t *testing.T) {
	dir := filepath.Join(testdata.Dir(t, "golden"), "arch")
	files, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no goldens in %s (%v)", dir, err)
	}
	shared := filepath.Dir(testdata.Dir(t, "models")) // paths in the JSON are relative to testdata/
	for _, file := range files {
		b, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		var g struct {
			Arch     string `json:"arch"`
			Settings struct {
				NPredict int `json:"n_predict"`
			} `json:"settings"`
			Variants map[string]struct {
				Model string `json:"model"`
				Cases []struct {
					PromptIDs    []int32 `json:"prompt_ids"`
					GeneratedIDs []int32 `json:"generated_ids"`
				} `json:"cases"`
			} `json:"variants"`
		}
		if err := json.Unmarshal(b, &g); err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		for name, v := range g.Variants {
			t.Run(g.Arch+"-"+name, func(t *testing.T) {
				l, err := Load(filepath.Join(shared, v.Model), Options{Threads: 1})
				if err != nil {
					t.Fatal(err)
				}
				defer l.Close()
				for _, c := range v.Cases {
					var ids []int32
					p := sample.Params{MaxTokens: g.Settings.NPredict, IgnoreEOS: true}
					for tok, err := range l.GenerateTokens(context.Background(), c.PromptIDs, p) {
						if err != nil {
							t.Fatal(err)
						}
						ids = append(ids, tok.ID)
					}
					if !slices.Equal(ids, c.GeneratedIDs) {
						t.Errorf("prompt %v:\n got %v\nwant %v", c.PromptIDs, ids, c.GeneratedIDs)
					}
				}
			})
		}
	}
}

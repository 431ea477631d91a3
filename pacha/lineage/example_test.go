package lineage_test

import (
	"os"
	"path/filepath"
	"time"

	"github.com/batuta-go/stack/pacha/lineage"
)

func ExampleGraph_WriteText() {
	dir, _ := os.MkdirTemp("", "lineage-")
	defer os.RemoveAll(dir)
	log := lineage.Open(filepath.Join(dir, "edges.jsonl"))
	at := time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)
	log.Record(lineage.Edge{Parent: "hf://org/base", Child: "blake3:aaaa", Operation: "pull", Time: at})
	log.Record(lineage.Edge{Parent: "blake3:aaaa", Child: "blake3:bbbb", Operation: "quantize", Params: map[string]string{"type": "Q4_K_M"}, Time: at})

	g, _ := log.Graph("blake3:bbbb", map[string][]string{"blake3:bbbb": {"base:q4"}})
	g.WriteText(os.Stdout)
	// Output:
	// hf://org/base --pull--> blake3:aaaa  (2026-11-26T09:00:00Z)
	// blake3:aaaa --quantize [type=Q4_K_M]--> base:q4 (blake3:bbbb)  (2026-11-26T09:00:00Z)
}

package lineage_test

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/batuta-go/stack/pacha/lineage"
)

func TestGraphWalksBothWays(t *testing.T) {
	log := lineage.Open(filepath.Join(t.TempDir(), "edges.jsonl"))
	at := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	for _, e := range []lineage.Edge{
		{Parent: "hf://org/base", Child: "blake3:base", Operation: "pull", Params: map[string]string{"revision": "main"}},
		{Parent: "blake3:base", Child: "blake3:q4", Operation: "quantize", Params: map[string]string{"type": "Q4_K_M"}},
		{Parent: "blake3:q4", Child: "blake3:enc", Operation: "encrypt"},
		{Parent: "blake3:other", Child: "blake3:unrelated", Operation: "convert"},
	} {
		e.Time = at
		if err := log.Record(e); err != nil {
			t.Fatal(err)
		}
	}
	g, err := log.Graph("blake3:q4", map[string][]string{"blake3:q4": {"llama:q4"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(g.Nodes) != 4 || len(g.Edges) != 3 {
		t.Fatalf("graph %+v", g)
	}
	var text, dot, js bytes.Buffer
	g.WriteText(&text)
	g.WriteDOT(&dot)
	g.WriteJSON(&js)
	lines := strings.Split(strings.TrimSpace(text.String()), "\n")
	if len(lines) != 3 || !strings.HasPrefix(lines[0], "hf://org/base --pull [revision=main]--> blake3:base  (2026-01-02T03:04:05Z)") ||
		!strings.Contains(lines[1], "--quantize [type=Q4_K_M]--> llama:q4 (blake3:q4)") {
		t.Errorf("text:\n%s", text.String())
	}
	if !strings.HasPrefix(dot.String(), "digraph lineage {") || !strings.Contains(dot.String(), `"blake3:base" -> "blake3:q4" [label="quantize [type=Q4_K_M]"];`) ||
		!strings.Contains(dot.String(), `"blake3:q4" [label="llama:q4 (blake3:q4)", style=bold];`) {
		t.Errorf("dot:\n%s", dot.String())
	}
	var back struct {
		Root  string
		Nodes []lineage.Node
		Edges []lineage.Edge
	}
	if err := json.Unmarshal(js.Bytes(), &back); err != nil || back.Root != "blake3:q4" || len(back.Edges) != 3 {
		t.Errorf("json %s: %v", js.String(), err)
	}
	if _, err := exec.LookPath("dot"); err == nil {
		cmd := exec.Command("dot", "-Tsvg")
		cmd.Stdin = &dot
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Errorf("graphviz rejects our DOT: %v\n%s", err, out)
		}
	}
	empty, _ := log.Graph("blake3:nothing", nil)
	text.Reset()
	empty.WriteText(&text)
	if text.String() != "blake3:nothing: no recorded lineage\n" {
		t.Errorf("empty: %q", text.String())
	}
}

func TestLogSurvivesTornWriteAndConcurrency(t *testing.T) {
	path := filepath.Join(t.TempDir(), "edges.jsonl")
	log := lineage.Open(path)
	if err := log.Record(lineage.Edge{Parent: "a", Child: "b", Operation: "import"}); err != nil {
		t.Fatal(err)
	}
	// A writer killed mid-line.
	f, _ := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	f.WriteString(`{"parent":"x","chi`)
	f.Close()
	var wg sync.WaitGroup
	for range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := log.Record(lineage.Edge{Parent: "b", Child: "c", Operation: "tag"}); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	edges, err := log.Edges()
	if err != nil || len(edges) != 21 {
		t.Errorf("%d edges, %v; want 21", len(edges), err)
	}
	if err := log.Record(lineage.Edge{Parent: "a"}); err == nil {
		t.Error("incomplete edge accepted")
	}
}

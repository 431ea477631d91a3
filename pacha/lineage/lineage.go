// Package lineage records how models derive from one another: every
// import, pull, conversion, quantization or encryption appends an edge
// parent → child with the operation and its parameters to an append-only
// JSON Lines log, and Graph walks the log from one model to all its
// ancestors and descendants for printing as text, JSON or Graphviz DOT.
//
//	log := lineage.Open(filepath.Join(root, "lineage", "edges.jsonl"))
//	log.Record(lineage.Edge{Parent: "hf://org/repo", Child: digest, Operation: "pull"})
//	g, _ := log.Graph(digest, nil)
//	g.WriteDOT(os.Stdout)
//
// Nodes are strings: a manifest digest ("blake3:…") for a stored model,
// or a source address (hf://, https://, file://) for where it came from.
package lineage

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/batuta-go/stack/internal/flock"
)

// Edge says that Child was made from Parent by Operation.
type Edge struct {
	Parent    string            `json:"parent"`
	Child     string            `json:"child"`
	Operation string            `json:"operation"` // "import", "pull", "convert", "quantize", "encrypt", "fine-tune", …
	Params    map[string]string `json:"params,omitempty"`
	Time      time.Time         `json:"time"`
}

// Log is an append-only edge log in one file. Appends are serialised
// with a file lock, so several processes may record at once.
type Log struct{ path string }

// Open returns the log stored at path (created on first Record).
func Open(path string) *Log { return &Log{path: path} }

// Record appends e. A zero Time is set to now.
func (l *Log) Record(e Edge) error {
	if e.Parent == "" || e.Child == "" || e.Operation == "" {
		return fmt.Errorf("pacha/lineage: edge needs parent, child and operation")
	}
	if e.Time.IsZero() {
		e.Time = time.Now().UTC()
	}
	line, err := json.Marshal(e)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(l.path), 0o755); err != nil {
		return err
	}
	f, err := os.OpenFile(l.path, os.O_RDWR|os.O_CREATE|os.O_APPEND, 0o644)
	if err != nil {
		return fmt.Errorf("pacha/lineage: %w", err)
	}
	defer f.Close()
	if err := flock.Lock(f, true); err != nil {
		return fmt.Errorf("pacha/lineage: lock: %w", err)
	}
	defer flock.Unlock(f)
	// A writer killed mid-line leaves a fragment: start on a fresh line.
	if st, err := f.Stat(); err == nil && st.Size() > 0 {
		last := make([]byte, 1)
		if _, err := f.ReadAt(last, st.Size()-1); err == nil && last[0] != '\n' {
			line = append([]byte{'\n'}, line...)
		}
	}
	if _, err := f.Write(append(line, '\n')); err != nil {
		return fmt.Errorf("pacha/lineage: %w", err)
	}
	return f.Sync()
}

// Edges reads every edge in order. Lines that do not parse (a fragment
// left by a killed writer) are skipped.
func (l *Log) Edges() ([]Edge, error) {
	f, err := os.Open(l.path)
	if os.IsNotExist(err) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("pacha/lineage: %w", err)
	}
	defer f.Close()
	return readEdges(f)
}

func readEdges(r io.Reader) ([]Edge, error) {
	var out []Edge
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 4<<20)
	for sc.Scan() {
		b := bytes.TrimSpace(sc.Bytes())
		if len(b) == 0 {
			continue
		}
		var e Edge
		if json.Unmarshal(b, &e) != nil || e.Parent == "" || e.Child == "" {
			continue
		}
		out = append(out, e)
	}
	return out, sc.Err()
}

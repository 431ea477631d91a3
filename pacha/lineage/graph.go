package lineage

import (
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
)

// Graph is the connected lineage of one node: every ancestor and every
// descendant, with the edges between them.
type Graph struct {
	Root   string              `json:"root"`
	Nodes  []Node              `json:"nodes"`
	Edges  []Edge              `json:"edges"`
	labels map[string][]string // node → names (refs) for display
}

// Node is a model or source in a graph.
type Node struct {
	ID     string   `json:"id"`
	Labels []string `json:"labels,omitempty"`
}

// Graph returns the lineage of root: walking edges upwards to every
// ancestor and downwards to every descendant. labels, if not nil, names
// nodes for display (for example the refs pointing at a digest).
func (l *Log) Graph(root string, labels map[string][]string) (*Graph, error) {
	edges, err := l.Edges()
	if err != nil {
		return nil, err
	}
	return Build(edges, root, labels), nil
}

// Build makes the graph of root from a list of edges.
func Build(edges []Edge, root string, labels map[string][]string) *Graph {
	up := map[string][]int{}
	down := map[string][]int{}
	for i, e := range edges {
		up[e.Child] = append(up[e.Child], i)
		down[e.Parent] = append(down[e.Parent], i)
	}
	nodes := map[string]bool{root: true}
	keep := map[int]bool{}
	walk := func(next map[string][]int, far func(Edge) string) {
		stack := []string{root}
		seen := map[string]bool{root: true}
		for len(stack) > 0 {
			n := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			for _, i := range next[n] {
				keep[i] = true
				o := far(edges[i])
				nodes[o] = true
				if !seen[o] {
					seen[o] = true
					stack = append(stack, o)
				}
			}
		}
	}
	walk(up, func(e Edge) string { return e.Parent })
	walk(down, func(e Edge) string { return e.Child })

	g := &Graph{Root: root, labels: labels, Nodes: []Node{}, Edges: []Edge{}}
	for _, id := range slices.Sorted(maps.Keys(nodes)) {
		g.Nodes = append(g.Nodes, Node{ID: id, Labels: labels[id]})
	}
	for _, i := range slices.Sorted(maps.Keys(keep)) {
		g.Edges = append(g.Edges, edges[i])
	}
	return g
}

func (g *Graph) name(id string) string {
	if ls := g.labels[id]; len(ls) > 0 {
		short := id
		if strings.HasPrefix(id, "blake3:") && len(id) > 19 {
			short = id[:19]
		}
		return strings.Join(ls, ", ") + " (" + short + ")"
	}
	return id
}

func params(p map[string]string) string {
	if len(p) == 0 {
		return ""
	}
	var parts []string
	for _, k := range slices.Sorted(maps.Keys(p)) {
		parts = append(parts, k+"="+p[k])
	}
	return " [" + strings.Join(parts, " ") + "]"
}

// WriteText prints one line per edge, oldest first:
// "parent --operation [k=v]--> child".
func (g *Graph) WriteText(w io.Writer) error {
	if len(g.Edges) == 0 {
		_, err := fmt.Fprintf(w, "%s: no recorded lineage\n", g.name(g.Root))
		return err
	}
	for _, e := range g.Edges {
		if _, err := fmt.Fprintf(w, "%s --%s%s--> %s  (%s)\n", g.name(e.Parent), e.Operation, params(e.Params), g.name(e.Child), e.Time.UTC().Format("2006-01-02T15:04:05Z")); err != nil {
			return err
		}
	}
	return nil
}

// WriteJSON prints the graph as one JSON object.
func (g *Graph) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(g)
}

// WriteDOT prints the graph in Graphviz DOT.
func (g *Graph) WriteDOT(w io.Writer) error {
	var b strings.Builder
	b.WriteString("digraph lineage {\n  rankdir=LR;\n  node [shape=box];\n")
	for _, n := range g.Nodes {
		attr := ""
		if n.ID == g.Root {
			attr = ", style=bold"
		}
		fmt.Fprintf(&b, "  %s [label=%s%s];\n", dotQuote(n.ID), dotQuote(g.name(n.ID)), attr)
	}
	for _, e := range g.Edges {
		fmt.Fprintf(&b, "  %s -> %s [label=%s];\n", dotQuote(e.Parent), dotQuote(e.Child), dotQuote(e.Operation+params(e.Params)))
	}
	b.WriteString("}\n")
	_, err := io.WriteString(w, b.String())
	return err
}

func dotQuote(s string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`).Replace(s) + `"`
}

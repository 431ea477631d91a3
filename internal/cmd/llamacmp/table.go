package main

import (
	"fmt"
	"io"
	"math"
	"slices"
	"strings"

	"github.com/batuta-go/stack/internal/benchstat"
)

// ratio is ours/theirs: above 1 ours is faster.
func ratio(ours, theirs float64) string {
	if math.IsNaN(ours) || math.IsNaN(theirs) || theirs == 0 {
		return "–"
	}
	return fmt.Sprintf("%.2f×", ours/theirs)
}

func fmtRate(x float64) string {
	switch {
	case math.IsNaN(x):
		return "–"
	case x >= 1000:
		return fmt.Sprintf("%.0f", x)
	case x >= 10:
		return fmt.Sprintf("%.1f", x)
	}
	return fmt.Sprintf("%.2f", x)
}

func fmtRates(xs []float64) string {
	if len(xs) == 0 {
		return "–"
	}
	s := make([]string, len(xs))
	for i, x := range xs {
		s[i] = fmtRate(x)
	}
	return strings.Join(s, ",")
}

func fmtMiB(b int64) string {
	if b < 0 {
		return "–"
	}
	return fmt.Sprintf("%.0f MiB", float64(b)/(1<<20))
}

// medianRSS is the median peak of the rounds, unknown (-1) if any round's
// was.
func medianRSS(xs []int64) int64 {
	if len(xs) == 0 || slices.Min(xs) < 0 {
		return -1
	}
	return int64(benchstat.Median(xs))
}

// best is the largest of xs (NaN when empty): on a machine other
// processes share, the fastest run is the one least disturbed.
func best(xs []float64) float64 {
	if len(xs) == 0 {
		return math.NaN()
	}
	return slices.Max(xs)
}

// Stat reduces the samples of one side to the table's figure.
type Stat func([]float64) float64

// parseStat maps -stat's value to its function.
func parseStat(name string) (Stat, error) {
	switch name {
	case "median":
		return benchstat.Median[float64], nil
	case "best":
		return best, nil
	}
	return nil, fmt.Errorf("-stat %q: want median or best", name)
}

// WriteTable prints rows as a markdown table: stat (median or best) of
// tokens/second, ours/llama.cpp ratios, median peak resident memory.
func WriteTable(w io.Writer, rows []Row, stat Stat) error {
	var b strings.Builder
	b.WriteString("| file | type | threads | pp t/s ours | llama.cpp | ratio | tg t/s ours | llama.cpp | ratio | RSS ours | llama.cpp |\n")
	b.WriteString("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n")
	for _, r := range rows {
		pp, ppL := stat(r.Ours.PP), stat(r.Theirs.PP)
		tg, tgL := stat(r.Ours.TG), stat(r.Theirs.TG)
		fmt.Fprintf(&b, "| %s | %s | %d | %s | %s | %s | %s | %s | %s | %s | %s |\n",
			r.File, r.Type, r.Threads,
			fmtRate(pp), fmtRate(ppL), ratio(pp, ppL),
			fmtRate(tg), fmtRate(tgL), ratio(tg, tgL),
			fmtMiB(medianRSS(r.Ours.RSS)), fmtMiB(medianRSS(r.Theirs.RSS)))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

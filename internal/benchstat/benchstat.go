// Package benchstat holds the small statistics that the comparison
// commands (examples/quantbench, examples/kernels, internal/cmd/llamacmp,
// internal/cmd/pachabench) report their rounds with.
package benchstat

import (
	"math"
	"slices"
)

// Median of xs (NaN when empty); even lengths average the middle two.
func Median[T int64 | float64](xs []T) float64 {
	if len(xs) == 0 {
		return math.NaN()
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	n := len(s)
	if n%2 == 1 {
		return float64(s[n/2])
	}
	return (float64(s[n/2-1]) + float64(s[n/2])) / 2
}

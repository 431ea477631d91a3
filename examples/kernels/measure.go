package main

import (
	"time"

	"github.com/batuta-go/stack/internal/benchstat"
)

// measure runs f repeatedly for about budget and returns nanoseconds per call.
func measure(f func(), budget time.Duration) float64 {
	f() // warm caches and branch predictors
	iters := 0
	start := time.Now()
	for {
		for i := 0; i < 8; i++ {
			f()
		}
		iters += 8
		if el := time.Since(start); el >= budget {
			return float64(el.Nanoseconds()) / float64(iters)
		}
	}
}

// measureAlternating measures every contender once per round, in turn, and
// returns each one's median nanoseconds per call.
func measureAlternating(fs []func(), rounds int, budget time.Duration) []float64 {
	samples := make([][]float64, len(fs))
	for r := 0; r < rounds; r++ {
		for i, f := range fs {
			samples[i] = append(samples[i], measure(f, budget))
		}
	}
	out := make([]float64, len(fs))
	for i, s := range samples {
		out[i] = benchstat.Median(s)
	}
	return out
}

package main

import (
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"time"

	"github.com/batuta-go/stack/internal/benchstat"
	"github.com/batuta-go/stack/trueno"
)

// compareOpenBLASDot measures float32 dot at n elements (beyond the caches)
// with trueno and with OpenBLAS's sdot through the yardstick binary,
// alternately, each round the best of 20 calls as the harness does, and
// prints the medians and their ratio.
func compareOpenBLASDot(bin string, n, rounds int) error {
	rng := rand.New(rand.NewPCG(1, 2))
	x, y := make([]float32, n), make([]float32, n)
	for i := range x {
		x[i], y[i] = rng.Float32()-0.5, rng.Float32()-0.5
	}
	var ours, theirs []float64
	var sink float32
	for r := 0; r < rounds; r++ {
		best := time.Duration(1 << 62)
		for i := 0; i < 20; i++ {
			t := time.Now()
			sink += trueno.Dot(x, y)
			if d := time.Since(t); d < best {
				best = d
			}
		}
		ours = append(ours, 8*float64(n)/best.Seconds()/1e9)

		gbs, err := runOpenBLASDot(bin, n)
		if err != nil {
			return err
		}
		theirs = append(theirs, gbs)
	}
	_ = sink
	o, t := benchstat.Median(ours), benchstat.Median(theirs)
	fmt.Printf("dot n=%d (%d MiB read), one core, median of %d alternating rounds:\n", n, 8*n>>20, rounds)
	fmt.Printf("  trueno %-7s %8.2f GB/s\n  OpenBLAS sdot  %8.2f GB/s\n  ratio          %8.3f\n", trueno.Active(), o, t, o/t)
	return nil
}

func runOpenBLASDot(bin string, n int) (float64, error) {
	cmd := exec.Command(bin, "dot", strconv.Itoa(n), "20")
	// Unset the variables that pin OpenBLAS to an older kernel, and use one
	// thread, as ../shared/bench/README.md says.
	env := []string{"OPENBLAS_NUM_THREADS=1"}
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "OPENBLAS_") {
			env = append(env, kv)
		}
	}
	cmd.Env = env
	out, err := cmd.Output()
	if err != nil {
		return 0, fmt.Errorf("openblas yardstick %s: %w", bin, err)
	}
	// "dot f32 <n> <seconds> s <GB/s> GB/s <GFLOPS> GFLOPS"
	f := strings.Fields(string(out))
	for i := 1; i < len(f); i++ {
		if f[i] == "GB/s" {
			return strconv.ParseFloat(f[i-1], 64)
		}
	}
	return 0, fmt.Errorf("openblas yardstick: unexpected output %q", out)
}

// Command kernels reports which instruction-set path trueno picked on this
// machine and measures its vector kernels side by side with a plain Go loop
// and with gonum, in one run, alternating the contenders and reporting
// medians (the machines are shared and noisy).
//
//	go run ./examples/kernels                 # ISA report and the speed table at 16 Ki floats
//	go run ./examples/kernels -isa avx2       # the same on a forced path
//	go run ./examples/kernels -openblas ../openblas_gemm   # plus dot at 16 Mi floats against OpenBLAS sdot
//
// The OpenBLAS harness is built outside the module (see ../shared/bench/README.md).
package main

import (
	"flag"
	"fmt"
	"os"
	"runtime"
	"strings"
	"time"

	"github.com/batuta-go/stack/internal/cpu"
	"github.com/batuta-go/stack/trueno"
)

func main() {
	n := flag.Int("n", 16384, "vector length for the speed table")
	rounds := flag.Int("rounds", 5, "measurement rounds; contenders alternate within each round")
	budget := flag.Duration("budget", 40*time.Millisecond, "time spent on one contender in one round")
	quick := flag.Bool("quick", false, "one short round of each measurement (a smoke test, not a benchmark)")
	isaFlag := flag.String("isa", "", "force a path: generic, avx2, avx512 or neon")
	openblas := flag.String("openblas", "", "path to the OpenBLAS yardstick binary (openblas_gemm) for the large dot comparison")
	bigN := flag.Int("bign", 16<<20, "vector length for the OpenBLAS dot comparison (beyond the caches)")
	flag.Parse()
	if *quick {
		*rounds, *budget = 1, 2*time.Millisecond
	}
	if *n <= 0 || *rounds <= 0 || *bigN <= 0 {
		fail("-n, -rounds and -bign must be positive")
	}
	if *isaFlag != "" {
		i, err := trueno.ParseISA(*isaFlag)
		if err == nil {
			err = trueno.SetISA(i)
		}
		if err != nil {
			fail(err.Error())
		}
	}

	avail := make([]string, 0, 4)
	for _, a := range trueno.Available() {
		avail = append(avail, a.String())
	}
	fmt.Printf("cpu:       %s (%s/%s, GOMAXPROCS=%d)\n", cpu.Name, runtime.GOOS, runtime.GOARCH, runtime.GOMAXPROCS(0))
	fmt.Printf("isa:       %s (available: %s)\n", trueno.Active(), strings.Join(avail, ", "))
	fmt.Printf("measured:  n=%d float32, median of %d alternating rounds of %v each\n\n", *n, *rounds, *budget)

	table := speedTable(*n)
	fmt.Printf("%-9s %12s %12s %12s %10s %10s  %s\n", "kernel", "trueno GB/s", "plain GB/s", "gonum GB/s", "vs plain", "vs gonum", "plain / gonum is")
	for _, r := range table {
		res := measureAlternating(r.contenders(), *rounds, *budget)
		gb := func(ns float64) float64 { return float64(r.bytes) / ns }
		line := fmt.Sprintf("%-9s %12.2f %12.2f", r.name, gb(res[0]), gb(res[1]))
		if len(res) > 2 {
			line += fmt.Sprintf(" %12.2f %9.1fx %9.1fx", gb(res[2]), res[1]/res[0], res[2]/res[0])
		} else {
			line += fmt.Sprintf(" %12s %9.1fx %10s", "-", res[1]/res[0], "-")
		}
		fmt.Printf("%s  %s\n", line, r.note)
	}

	if *openblas != "" {
		fmt.Println()
		if err := compareOpenBLASDot(*openblas, *bigN, *rounds); err != nil {
			fail(err.Error())
		}
	}
}

func fail(msg string) {
	fmt.Fprintln(os.Stderr, "kernels:", msg)
	os.Exit(2)
}

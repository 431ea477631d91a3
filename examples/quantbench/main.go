// Command quantbench measures trueno/quant's quantized matrix-vector and
// matrix-matrix products and prints them beside this machine's read
// bandwidth, measured in the same run, as Markdown tables (BENCHMARKS.md
// was made with it).
//
//	go run ./examples/quantbench
//	go run ./examples/quantbench -types Q4_0,Q6_K -shapes 4096x4096 -threads 1,2 -isa avx2
//
//	go run ./examples/quantbench -rounds 5 -ggml /tmp/quantbench-ggml/ggml_bench -batch 0
//
// "hot" multiplies one matrix again and again (it may stay in the caches);
// "cold" cycles through copies totalling -cold MiB, so every product streams
// its matrix from memory. Each measurement is the best of the repetitions
// within -time; the MatVec table gives the median of -rounds measurements,
// the thread counts (and ggml, with -ggml) alternating within each round:
// the machine may be shared, compare ratios. llamacpp.sh builds ggml_bench.
package main

import (
	"flag"
	"fmt"
	"log"
	"math/rand/v2"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/batuta-go/stack/internal/benchstat"
	"github.com/batuta-go/stack/internal/cpu"
	"github.com/batuta-go/stack/trueno"
	"github.com/batuta-go/stack/trueno/quant"
)

func main() {
	types := flag.String("types", "Q4_0,Q8_0,Q4_K,Q6_K", "comma-separated weight types")
	shapes := flag.String("shapes", "4096x4096,5632x2048", "comma-separated rows×cols")
	threads := flag.String("threads", "1,2", "comma-separated worker counts")
	batch := flag.Int("batch", 128, "activation rows of the matrix-matrix product (0: skip it)")
	per := flag.Duration("time", time.Second, "time spent on each measurement")
	coldMiB := flag.Int("cold", 256, "MiB of matrix copies cycled in the cold runs")
	isaName := flag.String("isa", "", "force a path (generic, avx2, avx512, neon)")
	rounds := flag.Int("rounds", 1, "rounds of MatVec measurements; the tables give medians")
	ggml := flag.String("ggml", "", "ggml_bench binary (examples/quantbench/llamacpp.sh builds it): run ggml's MatVec beside ours")
	flag.Parse()
	if *isaName != "" {
		i, err := trueno.ParseISA(*isaName)
		if err == nil {
			err = trueno.SetISA(i)
		}
		if err != nil {
			log.Fatal(err)
		}
	}

	// Measured again before every row of the table, the best kept: on a
	// shared machine one measurement may fall in a busy moment.
	bw := quant.ReadBandwidth(256<<20, 5)
	defer func() {
		fmt.Printf("\nRead bandwidth, best of all measurements: %.1f GB/s\n", bw/1e9)
		for _, tc := range strings.Split(*threads, ",") {
			if n, _ := strconv.Atoi(tc); n > 1 {
				fmt.Printf("Read bandwidth, %d cores at once (sum of each core's best): %.1f GB/s\n", n, concurrentBandwidth(n)/1e9)
			}
		}
	}()
	fmt.Printf("CPU: %s, path %s (AVX-512 VNNI %v, AVX-VNNI %v, dotprod %v)\n\n", cpu.Name, trueno.Active(),
		cpu.X86.HasAVX512VNNI, cpu.X86.HasAVXVNNI, cpu.ARM64.HasDotProd)
	fmt.Printf("Read bandwidth, one core (quant.ReadBandwidth: best 16 MiB stretch of 256 MiB, 5 passes): %.1f GB/s\n\n", bw/1e9)
	ggmlCols := ""
	if *ggml != "" {
		ggmlCols = " ggml hot GB/s | ours hot / ggml |"
		fmt.Printf("ggml: %s, run as a child process before each of our measurements (same type, shape, threads, -time)\n\n", *ggml)
	}
	fmt.Printf("Medians of %d rounds; in each round every thread count runs once, ggml's side (if any) just before ours.\n\n", *rounds)
	fmt.Printf("| type | rows×cols | threads | hot GB/s | cold GB/s | cold / read BW | cold vs 1 thread | hot vs 1 thread | read BW, as many cores at once, vs 1 |%s\n", ggmlCols)
	fmt.Printf("|---|---|---|---|---|---|---|---|---|%s\n", strings.Repeat("---|", strings.Count(ggmlCols, "|")))
	var counts []int
	for _, tc := range strings.Split(*threads, ",") {
		n, err := strconv.Atoi(tc)
		if err != nil || n < 1 {
			log.Fatalf("bad thread count %q", tc)
		}
		counts = append(counts, n)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	var mm []func()
	var twoCore []string
	for _, tn := range strings.Split(*types, ",") {
		t, err := quant.ParseType(tn)
		if err != nil {
			log.Fatal(err)
		}
		for _, sh := range strings.Split(*shapes, ",") {
			rows, cols := parseShape(sh)
			m := newMatrix(rng, t, rows, cols, *coldMiB<<20)
			x := randRow(rng, cols)
			dst := make([]float32, rows)
			bytes := float64(len(m[0]))
			hot := make([][]float64, len(counts))
			cold := make([][]float64, len(counts))
			peer := make([][]float64, len(counts))
			stream := make([][]float64, len(counts))  // n cores' read rate at once, this round
			avgCold := make([][]float64, len(counts)) // cold, averaged over -time
			unsync := make([][]float64, len(counts))  // n goroutines, each its share of rows, no synchronisation
			for range *rounds {
				one := quant.ReadBandwidth(256<<20, 3)
				bw = max(bw, one)
				for i, n := range counts {
					stream[i] = append(stream[i], concurrentBandwidth(n))
					if *ggml != "" {
						peer[i] = append(peer[i], runGGML(*ggml, t, rows, cols, n, *per))
					}
					p := quant.NewPool(n)
					hot[i] = append(hot[i], bytes/best(*per, func(int) { quant.MatVec(t, dst, m[0], x, p) }))
					cold[i] = append(cold[i], bytes/best(*per, func(i int) { quant.MatVec(t, dst, m[i%len(m)], x, p) }))
					avgCold[i] = append(avgCold[i], bytes/average(*per, func(i int) { quant.MatVec(t, dst, m[i%len(m)], x, p) }))
					p.Close()
					if n > 1 {
						unsync[i] = append(unsync[i], bytes/unsynchronised(t, n, m, x, *per))
					}
				}
			}
			for i, n := range counts {
				if n > 1 && counts[0] == 1 {
					o, a, u := benchstat.Median(avgCold[0]), benchstat.Median(avgCold[i]), benchstat.Median(unsync[i])
					twoCore = append(twoCore, fmt.Sprintf("| %s | %d×%d | %d | %.1f | %.1f | %.1f | %.2f× | %.2f× | %.2f |",
						t, rows, cols, n, o/1e9, a/1e9, u/1e9, a/o, u/o, a/u))
				}
			}
			for i, n := range counts {
				h, c := benchstat.Median(hot[i]), benchstat.Median(cold[i])
				scaleC, scaleH, scaleS := "—", "—", "—"
				if counts[0] == 1 {
					scaleC = fmt.Sprintf("%.2f×", c/benchstat.Median(cold[0]))
					scaleH = fmt.Sprintf("%.2f×", h/benchstat.Median(hot[0]))
				}
				if counts[0] == 1 {
					scaleS = fmt.Sprintf("%.2f×", benchstat.Median(stream[i])/benchstat.Median(stream[0]))
				}
				fmt.Printf("| %s | %d×%d | %d | %.1f | %.1f | %.0f%% | %s | %s | %s |", t, rows, cols, n,
					h/1e9, c/1e9, 100*c/bw, scaleC, scaleH, scaleS)
				if *ggml != "" {
					g := benchstat.Median(peer[i])
					fmt.Printf(" %.1f | %.2f× |", g/1e9, h/g)
				}
				fmt.Println()
			}
			if *batch > 0 {
				xb := randRow(rng, *batch*cols)
				db := make([]float32, *batch*rows)
				mm = append(mm, func() {
					p := quant.NewPool(0)
					defer p.Close()
					s := best(*per, func(int) { quant.MatMat(t, db, m[0], xb, *batch, p) })
					fmt.Printf("| %s | %d×%d | %d | %d | %.1f | %.1f |\n", t, rows, cols, *batch, p.Threads(),
						2*float64(rows*cols**batch)/s/1e9, float64(len(m[0]))/s/1e9)
				})
			}
		}
	}
	if len(twoCore) > 0 {
		fmt.Println()
		fmt.Println("Cold, averaged over -time (medians of the rounds): MatVec on one thread, on the pool's n threads, and on n")
		fmt.Println("goroutines that each stream their own share of the rows with no synchronisation at all (the ceiling).")
		fmt.Println()
		fmt.Println("| type | rows×cols | threads | 1 thread GB/s | pool GB/s | unsynchronised GB/s | pool vs 1 | unsynchronised vs 1 | pool / unsynchronised |")
		fmt.Println("|---|---|---|---|---|---|---|---|---|")
		for _, l := range twoCore {
			fmt.Println(l)
		}
	}
	if len(mm) > 0 {
		fmt.Println()
		fmt.Println("| type | rows×cols | batch | threads | GFLOP/s | weight GB/s |")
		fmt.Println("|---|---|---|---|---|---|")
		for _, f := range mm {
			f()
		}
	}
}

// runGGML runs ggml's side of one MatVec measurement (ggml_bench, built
// from testdata/ggml_bench.c) and returns its weight bytes per second.
func runGGML(bin string, t quant.Type, rows, cols, threads int, per time.Duration) float64 {
	out, err := exec.Command(bin, t.String(), strconv.Itoa(rows), strconv.Itoa(cols), "1", strconv.Itoa(threads),
		strconv.FormatFloat(per.Seconds(), 'f', -1, 64)).CombinedOutput()
	if err != nil {
		log.Fatalf("%s: %v\n%s", bin, err, out)
	}
	// "Q4_0 4096x4096 batch 1 threads 1: 18.2 GB/s of weights, ..."
	_, after, ok := strings.Cut(string(out), ": ")
	f := strings.Fields(after)
	if !ok || len(f) < 2 || f[1] != "GB/s" {
		log.Fatalf("%s: unexpected output %q", bin, out)
	}
	v, err := strconv.ParseFloat(f[0], 64)
	if err != nil {
		log.Fatalf("%s: unexpected output %q", bin, out)
	}
	return v * 1e9
}

// concurrentBandwidth runs quant.ReadBandwidth on n goroutines at once
// (n = 1: on this one) and adds up their rates: what n cores can stream together, roughly (each
// core's best stretch need not coincide with the others').
func concurrentBandwidth(n int) float64 {
	if n == 1 {
		return quant.ReadBandwidth(128<<20, 5)
	}
	rates := make([]float64, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rates[i] = quant.ReadBandwidth(128<<20, 5)
		}()
	}
	wg.Wait()
	sum := 0.0
	for _, r := range rates {
		sum += r
	}
	return sum
}

// average returns the mean time of f(i) over the repetitions that fit in
// d (after one warm-up call), in seconds.
func average(d time.Duration, f func(i int)) float64 {
	f(0)
	start := time.Now()
	i := 1
	for ; time.Since(start) < d; i++ {
		f(i)
	}
	return time.Since(start).Seconds() / float64(i-1)
}

// unsynchronised runs n goroutines for d, goroutine g multiplying its own
// contiguous share of the rows of the matrix copies in turn, each with a
// one-thread pool and no synchronisation between them, and returns the
// time per whole product (the slowest goroutine's products count), in
// seconds: the ceiling of an n-thread MatVec on this machine.
func unsynchronised(t quant.Type, n int, m [][]byte, x []float32, d time.Duration) float64 {
	rb := t.RowBytes(len(x))
	rows := len(m[0]) / rb
	done := make([]int, n)
	var wg sync.WaitGroup
	start := time.Now()
	for g := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			p := quant.NewPool(1)
			lo, hi := g*rows/n, (g+1)*rows/n
			dst := make([]float32, hi-lo)
			for i := 0; time.Since(start) < d; i++ {
				quant.MatVec(t, dst, m[i%len(m)][lo*rb:hi*rb], x, p)
				done[g]++
			}
		}()
	}
	wg.Wait()
	return time.Since(start).Seconds() / float64(max(1, slices.Min(done)))
}

// best returns the shortest time of f(i) over the repetitions that fit in
// d (at least three), in seconds.
func best(d time.Duration, f func(i int)) float64 {
	f(0) // warm up
	bestT := time.Duration(1 << 62)
	start := time.Now()
	for i := 1; i < 4 || time.Since(start) < d; i++ {
		t0 := time.Now()
		f(i)
		bestT = min(bestT, time.Since(t0))
	}
	return bestT.Seconds()
}

func parseShape(s string) (rows, cols int) {
	r, c, ok := strings.Cut(s, "x")
	rows, err1 := strconv.Atoi(r)
	cols, err2 := strconv.Atoi(c)
	if !ok || err1 != nil || err2 != nil {
		log.Fatalf("bad shape %q (want ROWSxCOLS)", s)
	}
	return rows, cols
}

func randRow(rng *rand.Rand, n int) []float32 {
	x := make([]float32, n)
	for i := range x {
		x[i] = float32(rng.NormFloat64())
	}
	return x
}

// newMatrix returns copies of a rows×cols matrix of type t, at least two
// and together over coldBytes. Its rows repeat 16 distinct quantized rows:
// quantizing every row with the reference quantizers would take longer
// than the measurement, and the kernels' speed does not depend on values.
func newMatrix(rng *rand.Rand, t quant.Type, rows, cols, coldBytes int) [][]byte {
	rb := t.RowBytes(cols)
	distinct := make([][]byte, 16)
	for i := range distinct {
		distinct[i] = make([]byte, rb)
		quant.Quantize(t, distinct[i], randRow(rng, cols))
	}
	n := max(2, coldBytes/(rows*rb)+1)
	m := make([][]byte, n)
	for c := range m {
		m[c] = make([]byte, rows*rb)
		for r := range rows {
			copy(m[c][r*rb:], distinct[(r+c)%len(distinct)])
		}
	}
	return m
}

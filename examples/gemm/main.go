// Command gemm prints, side by side, the GEMM throughput of trueno/mat, of
// gonum's blas32/blas64 and of OpenBLAS (through the yardstick program of
// shared/bench, built outside the module), in one run: for each shape,
// type and thread count the three are run alternately, several rounds, and
// the medians and their ratios are printed.
//
//	go run ./examples/gemm -openblas ../openblas_gemm -threads 1,2 -sizes 256,512,1024,2048 -gemv 4096x4096
package main

import (
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas32"
	"gonum.org/v1/gonum/blas/blas64"

	"github.com/batuta-go/stack/trueno"
	"github.com/batuta-go/stack/trueno/mat"
)

func main() {
	var (
		openblas = flag.String("openblas", "../openblas_gemm", "OpenBLAS yardstick binary (empty: skip)")
		sizes    = flag.String("sizes", "256,512,1024", "square sizes, or m x k x n shapes like 128x2048x2048")
		threads  = flag.String("threads", "1,2", "thread counts")
		types    = flag.String("types", "f32,f64", "element types")
		rounds   = flag.Int("rounds", 5, "alternating rounds per cell (the median is printed)")
		noGonum  = flag.Bool("nogonum", false, "skip gonum")
		gonumMax = flag.Float64("gonummax", 3, "skip gonum's GEMM above this many GFLOP per product (it runs at a few GFLOPS)")
		gemvs    = flag.String("gemv", "", "also float32 GEMV y = A·x for these m x n shapes, e.g. 4096x4096 (GB/s of A read)")
	)
	flag.Parse()
	if *openblas != "" {
		if _, err := os.Stat(*openblas); err != nil {
			fatal(fmt.Errorf("OpenBLAS yardstick %s not found: build it with "+
				"gcc -O2 ../shared/bench/openblas_gemm.c -o ../openblas_gemm -lopenblas (see ../shared/bench/README.md), "+
				"or pass -openblas \"\" to measure without it", *openblas))
		}
	}
	fmt.Printf("trueno/mat path %s; %s; GOMAXPROCS %d; medians of %d alternating rounds\n\n", trueno.Active(), runtime.Version(), runtime.GOMAXPROCS(0), *rounds)
	fmt.Println("| type | m×k×n | threads | ours GFLOPS | OpenBLAS | gonum | ours/OpenBLAS | ours/gonum | ours per CPU-second | OpenBLAS per CPU-second | ratio |")
	fmt.Println("|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|")
	for _, typ := range strings.Split(*types, ",") {
		for _, s := range strings.Split(*sizes, ",") {
			m, k, n := parseShape(s)
			for _, ts := range strings.Split(*threads, ",") {
				th, err := strconv.Atoi(ts)
				if err != nil {
					fatal(err)
				}
				var ours, theirs, gon, oursCPU, theirsCPU []float64
				for range *rounds {
					w, c := runOurs(typ, m, k, n, th)
					ours, oursCPU = append(ours, w), append(oursCPU, c)
					if *openblas != "" {
						w, c := runOpenBLAS(*openblas, typ, m, k, n, th)
						theirs, theirsCPU = append(theirs, w), append(theirsCPU, c)
					}
					if !*noGonum && 2*float64(m)*float64(k)*float64(n) <= *gonumMax*1e9 {
						gon = append(gon, runGonum(typ, m, k, n, th))
					}
				}
				o, b, g := median(ours), median(theirs), median(gon)
				oc, bc := median(oursCPU), median(theirsCPU)
				fmt.Printf("| %s | %d×%d×%d | %d | %.1f | %s | %s | %s | %s | %s | %s | %s |\n", typ, m, k, n, th, o,
					opt(b, "%.1f", b), opt(g, "%.1f", g), opt(b, "%.2f", o/b), opt(g, "%.1f", o/g),
					opt(oc, "%.1f", oc), opt(bc, "%.1f", bc), opt(oc*bc, "%.2f", oc/bc))
			}
		}
	}
	if *gemvs == "" {
		return
	}
	fmt.Println()
	fmt.Println("| GEMV f32 y = A·x, m×n | threads | ours GB/s | OpenBLAS | gonum | read BW (trueno.Sum) | ours/OpenBLAS | ours/gonum | ours/BW |")
	fmt.Println("|---|--:|--:|--:|--:|--:|--:|--:|--:|")
	for _, s := range strings.Split(*gemvs, ",") {
		var m, n int
		if _, err := fmt.Sscanf(s, "%dx%d", &m, &n); err != nil {
			fatal(fmt.Errorf("gemv shape %q: %v", s, err))
		}
		for _, ts := range strings.Split(*threads, ",") {
			th, err := strconv.Atoi(ts)
			if err != nil {
				fatal(err)
			}
			var ours, theirs, gon, bw []float64
			for range *rounds {
				ours = append(ours, gemvOurs(m, n, th))
				bw = append(bw, readBandwidth(m*n, th))
				if *openblas != "" {
					theirs = append(theirs, runOpenBLASGemv(*openblas, m, n, th))
				}
				if !*noGonum {
					gon = append(gon, gemvGonum(m, n, th))
				}
			}
			o, b, g, r := median(ours), median(theirs), median(gon), median(bw)
			fmt.Printf("| %d×%d | %d | %.1f | %s | %s | %.1f | %s | %s | %.2f |\n", m, n, th, o,
				opt(b, "%.1f", b), opt(g, "%.1f", g), r, opt(b, "%.2f", o/b), opt(g, "%.1f", o/g), o/r)
		}
	}
}

// bestOnce is the best time of single calls, as the yardstick's GEMV does.
func bestOnce(reps int, f func()) time.Duration {
	f()
	top := time.Duration(1 << 62)
	for range reps {
		t := time.Now()
		f()
		top = min(top, time.Since(t))
	}
	return top
}

func gemvOurs(m, n, th int) float64 {
	old := mat.SetThreads(th)
	defer mat.SetThreads(old)
	a := mat.NewDense(m, n, randSlice[float32](m*n))
	x, y := randSlice[float32](n), make([]float32, m)
	d := bestOnce(20, func() { mat.Gemv(y, mat.NoTrans, 1, a, x, 0) })
	return 4 * float64(m) * float64(n) / d.Seconds() / 1e9
}

// readBandwidth is the rate at which th goroutines read n float32 (split
// evenly) with trueno.Sum, a pure streaming read: the bar GEMV is held to
// when its matrix is beyond the caches.
func readBandwidth(n, th int) float64 {
	x := randSlice[float32](n)
	per := (n + th - 1) / th
	var sink [64]float32
	d := bestOnce(20, func() {
		done := make(chan struct{})
		for t := range th {
			go func() {
				lo := min(t*per, n)
				sink[t] = trueno.Sum(x[lo:min(lo+per, n)])
				done <- struct{}{}
			}()
		}
		for range th {
			<-done
		}
	})
	return 4 * float64(n) / d.Seconds() / 1e9
}

func gemvGonum(m, n, th int) float64 {
	old := runtime.GOMAXPROCS(th)
	defer runtime.GOMAXPROCS(old)
	a := blas32.General{Rows: m, Cols: n, Stride: n, Data: randSlice[float32](m * n)}
	x := blas32.Vector{N: n, Inc: 1, Data: randSlice[float32](n)}
	y := blas32.Vector{N: m, Inc: 1, Data: make([]float32, m)}
	d := bestOnce(20, func() { blas32.Gemv(blas.NoTrans, 1, a, x, 0, y) })
	return 4 * float64(m) * float64(n) / d.Seconds() / 1e9
}

// runOpenBLASGemv returns the GB/s the yardstick prints:
// "gemv f32 MxN <seconds> s <GB/s> GB/s <GFLOPS> GFLOPS".
func runOpenBLASGemv(bin string, m, n, th int) float64 {
	out := openBLAS(bin, th, "gemv", strconv.Itoa(m), strconv.Itoa(n))
	f := strings.Fields(out)
	if len(f) < 8 {
		fatal(fmt.Errorf("%s: unexpected output %q", bin, out))
	}
	v, err := strconv.ParseFloat(f[5], 64)
	if err != nil {
		fatal(fmt.Errorf("%s: unexpected output %q", bin, out))
	}
	return v
}

func opt(cond float64, format string, v float64) string {
	if cond == 0 {
		return "-"
	}
	return fmt.Sprintf(format, v)
}

func parseShape(s string) (m, k, n int) {
	parts := strings.Split(s, "x")
	var d []int
	for _, p := range parts {
		v, err := strconv.Atoi(strings.TrimSpace(p))
		if err != nil {
			fatal(err)
		}
		d = append(d, v)
	}
	switch len(d) {
	case 1:
		return d[0], d[0], d[0]
	case 3:
		return d[0], d[1], d[2]
	}
	fatal(fmt.Errorf("shape %q: want N or MxKxN", s))
	return
}

func median(v []float64) float64 {
	if len(v) == 0 {
		return 0
	}
	v = slices.Clone(v)
	slices.Sort(v)
	return v[len(v)/2]
}

// best times f in batches, as the OpenBLAS yardstick does: five batches of
// enough calls for about 2·10⁹ flops each, and returns the best GFLOPS
// and the GFLOPS per second of CPU time the process used over all batches
// (a figure that the other load of a shared machine does not move, where
// wall time counts the time the process waited for a core).
func best(flops float64, batches int, f func()) (wall, cpu float64) {
	f()
	reps := max(1, int(2e9/flops))
	c0 := cpuTime()
	for range batches {
		t := time.Now()
		for range reps {
			f()
		}
		wall = max(wall, flops*float64(reps)/time.Since(t).Seconds()/1e9)
	}
	if d := cpuTime() - c0; d > 0 {
		cpu = flops * float64(reps*batches) / d.Seconds() / 1e9
	}
	return wall, cpu
}

func randSlice[T float32 | float64](n int) []T {
	r := rand.New(rand.NewPCG(1, 2))
	s := make([]T, n)
	for i := range s {
		s[i] = T(r.Float64() - 0.5)
	}
	return s
}

func runOurs(typ string, m, k, n, th int) (wall, cpu float64) {
	old := mat.SetThreads(th)
	defer mat.SetThreads(old)
	flops := 2 * float64(m) * float64(n) * float64(k)
	if typ == "f32" {
		a, b, c := mat.NewDense(m, k, randSlice[float32](m*k)), mat.NewDense(k, n, randSlice[float32](k*n)), mat.NewDense[float32](m, n, nil)
		return best(flops, 5, func() { mat.Mul(c, a, b) })
	}
	a, b, c := mat.NewDense(m, k, randSlice[float64](m*k)), mat.NewDense(k, n, randSlice[float64](k*n)), mat.NewDense[float64](m, n, nil)
	return best(flops, 5, func() { mat.Mul(c, a, b) })
}

func runGonum(typ string, m, k, n, th int) float64 {
	old := runtime.GOMAXPROCS(th)
	defer runtime.GOMAXPROCS(old)
	flops := 2 * float64(m) * float64(n) * float64(k)
	if typ == "f32" {
		a := blas32.General{Rows: m, Cols: k, Stride: k, Data: randSlice[float32](m * k)}
		b := blas32.General{Rows: k, Cols: n, Stride: n, Data: randSlice[float32](k * n)}
		c := blas32.General{Rows: m, Cols: n, Stride: n, Data: make([]float32, m*n)}
		w, _ := best(flops, 2, func() { blas32.Gemm(blas.NoTrans, blas.NoTrans, 1, a, b, 0, c) })
		return w
	}
	a := blas64.General{Rows: m, Cols: k, Stride: k, Data: randSlice[float64](m * k)}
	b := blas64.General{Rows: k, Cols: n, Stride: n, Data: randSlice[float64](k * n)}
	c := blas64.General{Rows: m, Cols: n, Stride: n, Data: make([]float64, m*n)}
	w, _ := best(flops, 2, func() { blas64.Gemm(blas.NoTrans, blas.NoTrans, 1, a, b, 0, c) })
	return w
}

// runOpenBLAS returns the GFLOPS the yardstick prints ("gemm f32 MxNxK
// <seconds> s <GFLOPS> GFLOPS") and its GFLOPS per CPU-second. The CPU
// time of a run also counts starting the process and filling the
// matrices, so the yardstick runs a second time with twice the calls per
// batch, and the difference of the two CPU times is what the five more
// batches cost.
func runOpenBLAS(bin, typ string, m, k, n, th int) (wall, cpu float64) {
	// As many calls per timed batch as ours makes (about 2·10⁹ flops).
	flops := 2 * float64(m) * float64(n) * float64(k)
	reps := max(1, int(2e9/flops))
	args := func(r int) []string {
		return []string{typ, strconv.Itoa(m), strconv.Itoa(n), strconv.Itoa(k), strconv.Itoa(r)}
	}
	out, used := openBLASCPU(bin, th, args(reps)...)
	if _, more := openBLASCPU(bin, th, args(2*reps)...); more > used {
		cpu = flops * float64(5*reps) / (more - used).Seconds() / 1e9
	}
	f := strings.Fields(out)
	if len(f) < 2 {
		fatal(fmt.Errorf("%s: unexpected output %q", bin, out))
	}
	v, err := strconv.ParseFloat(f[len(f)-2], 64)
	if err != nil {
		fatal(fmt.Errorf("%s: unexpected output %q", bin, out))
	}
	return v, cpu
}

// openBLAS runs the yardstick with OpenBLAS free to pick its best kernel
// (OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE unset) on th threads.
func openBLAS(bin string, th int, args ...string) string {
	out, _ := openBLASCPU(bin, th, args...)
	return out
}

// openBLASCPU is openBLAS that also returns the CPU time the run used.
func openBLASCPU(bin string, th int, args ...string) (string, time.Duration) {
	cmd := exec.Command(bin, args...)
	for _, e := range os.Environ() {
		if !strings.HasPrefix(e, "OPENBLAS_") {
			cmd.Env = append(cmd.Env, e)
		}
	}
	cmd.Env = append(cmd.Env, "OPENBLAS_NUM_THREADS="+strconv.Itoa(th))
	out, err := cmd.Output()
	if err != nil {
		fatal(fmt.Errorf("%s: %v", bin, err))
	}
	return string(out), cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
}

func fatal(err error) {
	fmt.Fprintln(os.Stderr, "gemm:", err)
	os.Exit(1)
}

package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"time"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if len(os.Args) == 2 && os.Args[1] == "-child" {
		if err := child(ctx, os.Stdin, os.Stdout); err != nil {
			fmt.Fprintln(os.Stderr, "llamacmp child:", err)
			os.Exit(1)
		}
		return
	}
	c := Compare{Log: os.Stderr}
	var models, threads string
	flag.StringVar(&c.LlamaBench, "llama-bench", DefaultLlamaBench, "llama.cpp's llama-bench binary")
	flag.StringVar(&models, "models", "", "comma-separated GGUF files (more may follow the flags)")
	flag.StringVar(&threads, "threads", "1,2", "comma-separated thread counts")
	flag.IntVar(&c.Rounds, "rounds", 3, "alternating rounds of ours and llama-bench per file and thread count")
	flag.IntVar(&c.Reps, "reps", 1, "timed repetitions inside each run (llama-bench -r)")
	flag.IntVar(&c.Prompt, "p", 128, "prompt-processing tokens (one batch from an empty cache; 0 skips)")
	flag.IntVar(&c.Gen, "n", 64, "generated tokens (one at a time from an empty cache; 0 skips)")
	flag.StringVar(&c.KV, "kv", "f16", "key/value cache type, both sides: f16 (llama-bench's default) or f32")
	flag.Uint64Var(&c.Seed, "seed", 1, "seed of our side's random token ids")
	flag.StringVar(&c.ProfileDir, "cpuprofile", "", "directory for CPU profiles of our side's first round (NAME-tT-pp.pprof, -tg.pprof)")
	statName := flag.String("stat", "median", "figure per side: median, or best (the fastest run; on a busy machine the least disturbed)")
	flag.Parse()
	if err := run(ctx, &c, models, threads, *statName); err != nil {
		fmt.Fprintln(os.Stderr, "llamacmp:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, c *Compare, models, threads, statName string) error {
	stat, err := parseStat(statName)
	if err != nil {
		return err
	}
	for m := range strings.SplitSeq(models, ",") {
		if m = strings.TrimSpace(m); m != "" {
			c.Models = append(c.Models, m)
		}
	}
	c.Models = append(c.Models, flag.Args()...)
	for t := range strings.SplitSeq(threads, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(t))
		if err != nil || n < 1 {
			return fmt.Errorf("-threads: %q is not a positive count", t)
		}
		c.Threads = append(c.Threads, n)
	}
	self, err := selfCommand()
	if err != nil {
		return err
	}
	c.Self = self
	if c.ProfileDir != "" {
		if err := os.MkdirAll(c.ProfileDir, 0o755); err != nil {
			return err
		}
	}
	loadBefore := loadAverage()
	start := time.Now()
	rows, err := c.Run(ctx)
	if err != nil {
		return err
	}
	if err := WriteTable(os.Stdout, rows, stat); err != nil {
		return err
	}
	_, err = fmt.Printf("\npp: %d tokens in one batch from an empty cache; tg: %d tokens one at a time; %s cache; "+
		"%ss of %d rounds × %d repetitions, ours and llama-bench alternating (llama.cpp %s). "+
		"RSS: peak resident memory of each process (ru_maxrss). "+
		"Load average before: %s, after: %s; %v.\n",
		c.Prompt, c.Gen, c.KV, statName, c.Rounds, c.Reps, c.Build, loadBefore, loadAverage(), time.Since(start).Round(time.Second))
	return err
}

// loadAverage is /proc/loadavg's three load averages, or "unknown".
func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "unknown"
	}
	return strings.Join(f[:3], " ")
}

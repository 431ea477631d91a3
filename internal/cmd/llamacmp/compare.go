package main

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"

	"github.com/batuta-go/stack/realizar/gguf"
)

// Compare is one side-by-side run: every model at every thread count,
// Rounds times, ours and llama-bench alternating.
type Compare struct {
	LlamaBench string
	Models     []string
	Threads    []int
	Rounds     int
	Reps       int // timed repetitions inside each child process
	Prompt     int
	Gen        int
	KV         string
	Seed       uint64
	// ProfileDir, when set, receives CPU profiles of our side's first
	// round per model and thread count.
	ProfileDir string
	// Self runs our side: a command that reads a Spec on standard input
	// and writes Samples (this program with -child).
	Self []string
	// Log receives one line per child run.
	Log io.Writer

	// Build is the llama.cpp commit llama-bench reported.
	Build string
}

// Side is one engine's measurements of one model at one thread count,
// over all rounds.
type Side struct {
	PP, TG []float64 // tokens/second, every repetition of every round
	RSS    []int64   // peak resident bytes, one per round
}

// Row is one line of the table.
type Row struct {
	File, Type   string
	Threads      int
	Ours, Theirs Side
}

// Run measures every configuration.
func (c *Compare) Run(ctx context.Context) ([]Row, error) {
	if err := checkLlamaBench(c.LlamaBench); err != nil {
		return nil, err
	}
	if len(c.Models) == 0 || len(c.Threads) == 0 || c.Rounds < 1 || c.Reps < 1 || c.Prompt < 0 || c.Gen < 0 || c.Prompt+c.Gen == 0 {
		return nil, fmt.Errorf("nothing to measure: %d models, threads %v, %d rounds of %d repetitions, %d+%d tokens",
			len(c.Models), c.Threads, c.Rounds, c.Reps, c.Prompt, c.Gen)
	}
	if _, err := parseKV(c.KV); err != nil {
		return nil, err
	}
	var rows []Row
	for _, path := range c.Models {
		typ, err := fileTypeName(path)
		if err != nil {
			return nil, err
		}
		for _, th := range c.Threads {
			row := Row{File: filepath.Base(path), Type: typ, Threads: th}
			for round := range c.Rounds {
				s := Spec{Model: path, Threads: th, Prompt: c.Prompt, Gen: c.Gen, Reps: c.Reps, KV: c.KV,
					Seed: c.Seed + uint64(round)}
				if c.ProfileDir != "" && round == 0 {
					s.Profile = filepath.Join(c.ProfileDir, fmt.Sprintf("%s-t%d", strings.TrimSuffix(row.File, ".gguf"), th))
				}
				// Flip the order every round so neither side always
				// runs on a machine the other has just warmed.
				sides := []func() error{
					func() error { return c.measure(ctx, "ours", &row.Ours, s, c.runSelf) },
					func() error {
						return c.measure(ctx, "llama.cpp", &row.Theirs, s, func(ctx context.Context, s Spec) (Samples, Usage, error) {
							return runTheirs(ctx, c.LlamaBench, s)
						})
					},
				}
				if round%2 == 1 {
					slices.Reverse(sides)
				}
				for _, side := range sides {
					if err := side(); err != nil {
						return rows, err
					}
				}
			}
			rows = append(rows, row)
		}
	}
	return rows, nil
}

func (c *Compare) measure(ctx context.Context, who string, dst *Side, s Spec, run func(context.Context, Spec) (Samples, Usage, error)) error {
	res, u, err := run(ctx, s)
	if err != nil {
		return fmt.Errorf("%s on %s, %d threads: %w", who, filepath.Base(s.Model), s.Threads, err)
	}
	if res.Build != "" {
		c.Build = res.Build
	}
	dst.PP = append(dst.PP, res.PP...)
	dst.TG = append(dst.TG, res.TG...)
	dst.RSS = append(dst.RSS, u.MaxRSS)
	if c.Log != nil {
		fmt.Fprintf(c.Log, "%-9s %s t=%d pp %s tg %s rss %s\n", who, filepath.Base(s.Model), s.Threads,
			fmtRates(res.PP), fmtRates(res.TG), fmtMiB(u.MaxRSS))
	}
	return nil
}

// runSelf runs our side as a child process.
func (c *Compare) runSelf(ctx context.Context, s Spec) (Samples, Usage, error) {
	in, err := json.Marshal(s)
	if err != nil {
		return Samples{}, Usage{}, err
	}
	cmd := exec.CommandContext(ctx, c.Self[0], c.Self[1:]...)
	var stdout, stderr bytes.Buffer
	cmd.Stdin, cmd.Stdout, cmd.Stderr = bytes.NewReader(in), &stdout, &stderr
	err = cmd.Run()
	u := usageOf(cmd.ProcessState)
	if err != nil {
		return Samples{}, u, fmt.Errorf("%w: %s", err, tail(stderr.Bytes(), 2000))
	}
	var res Samples
	if err := json.Unmarshal(stdout.Bytes(), &res); err != nil {
		return Samples{}, u, fmt.Errorf("child output: %w: %s", err, tail(stdout.Bytes(), 500))
	}
	if len(res.PP) != s.Reps*min(1, s.Prompt) || len(res.TG) != s.Reps*min(1, s.Gen) {
		return Samples{}, u, fmt.Errorf("child gave %d+%d samples, want %d each", len(res.PP), len(res.TG), s.Reps)
	}
	return res, u, nil
}

// ftypeNames are llama.cpp's names of general.file_type values
// (llama_ftype), as llama-bench prints them.
var ftypeNames = map[uint64]string{
	0: "F32", 1: "F16", 2: "Q4_0", 3: "Q4_1", 7: "Q8_0", 8: "Q5_0", 9: "Q5_1",
	10: "Q2_K", 11: "Q3_K_S", 12: "Q3_K_M", 13: "Q3_K_L", 14: "Q4_K_S", 15: "Q4_K_M",
	16: "Q5_K_S", 17: "Q5_K_M", 18: "Q6_K", 21: "Q2_K_S", 25: "IQ4_NL", 30: "IQ4_XS", 32: "BF16",
}

// fileTypeName names a model file's quantization: general.file_type when
// the file records it, else the type holding most of the tensor bytes,
// marked "(guessed)" as llama.cpp does.
func fileTypeName(path string) (string, error) {
	f, err := gguf.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	if id, err := f.Uint("general.file_type"); err == nil {
		if n, ok := ftypeNames[id]; ok {
			return n, nil
		}
		return fmt.Sprintf("file type %d", id), nil
	}
	bytesOf := map[gguf.TensorType]uint64{}
	for _, t := range f.Tensors {
		bytesOf[t.Type] += t.Size
	}
	if len(bytesOf) == 0 {
		return "", fmt.Errorf("%s: no tensors", path)
	}
	types := make([]gguf.TensorType, 0, len(bytesOf))
	for t := range bytesOf {
		types = append(types, t)
	}
	most := slices.MaxFunc(types, func(a, b gguf.TensorType) int {
		return cmp.Or(cmp.Compare(bytesOf[a], bytesOf[b]), cmp.Compare(b, a))
	})
	return most.String() + " (guessed)", nil
}

// selfCommand is how this program runs itself as our side's child.
func selfCommand() ([]string, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, fmt.Errorf("finding this program to run our side as a child: %w", err)
	}
	return []string{exe, "-child"}, nil
}

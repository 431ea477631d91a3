package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"strconv"
	"strings"
)

// DefaultLlamaBench is where /work/shared/bench/README.md builds it.
const DefaultLlamaBench = "/work/llama.cpp/build/bin/llama-bench"

// buildHint says how to get llama-bench, for the error when it is absent.
const buildHint = `build it outside the module (CPU only), then pass its path with -llama-bench:
	git clone <a llama.cpp snapshot> /work/llama.cpp && cd /work/llama.cpp
	cmake -B build -DGGML_NATIVE=ON -DLLAMA_CURL=OFF -DCMAKE_BUILD_TYPE=Release
	cmake --build build -j2 --target llama-bench`

// checkLlamaBench fails with building instructions when path is not an
// executable file.
func checkLlamaBench(path string) error {
	st, err := os.Stat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("llama-bench not found at %s; %s", path, buildHint)
	}
	if err != nil {
		return fmt.Errorf("llama-bench: %w", err)
	}
	if st.IsDir() || st.Mode().Perm()&0o111 == 0 {
		return fmt.Errorf("llama-bench at %s is not an executable file; %s", path, buildHint)
	}
	return nil
}

// llamaBenchArgs are the arguments that make llama-bench run s: the same
// tokens, threads, repetitions and cache type as our side, JSON output.
func llamaBenchArgs(s Spec) []string {
	return []string{
		"-m", s.Model,
		"-t", strconv.Itoa(s.Threads),
		"-p", strconv.Itoa(s.Prompt),
		"-n", strconv.Itoa(s.Gen),
		"-r", strconv.Itoa(s.Reps),
		"-ctk", s.KV, "-ctv", s.KV,
		"-o", "json",
	}
}

// runTheirs runs llama-bench as a child process and returns its samples
// and peak resident memory.
func runTheirs(ctx context.Context, bin string, s Spec) (Samples, Usage, error) {
	cmd := exec.CommandContext(ctx, bin, llamaBenchArgs(s)...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	u := usageOf(cmd.ProcessState)
	if err != nil {
		return Samples{}, u, fmt.Errorf("%s %s: %w\n%s", bin, strings.Join(cmd.Args[1:], " "), err, tail(stderr.Bytes(), 2000))
	}
	res, err := parseLlamaBench(stdout.Bytes(), s)
	return res, u, err
}

// benchResult is the part of one llama-bench JSON record used here.
type benchResult struct {
	NPrompt   int       `json:"n_prompt"`
	NGen      int       `json:"n_gen"`
	NThreads  int       `json:"n_threads"`
	SamplesTS []float64 `json:"samples_ts"`
	Build     string    `json:"build_commit"`
}

// parseLlamaBench reads llama-bench -o json output: a prompt test
// (n_gen 0) and a generation test (n_prompt 0) with s's thread count and
// Reps samples each.
func parseLlamaBench(out []byte, s Spec) (Samples, error) {
	var recs []benchResult
	if err := json.Unmarshal(out, &recs); err != nil {
		return Samples{}, fmt.Errorf("llama-bench output is not the expected JSON: %w\n%s", err, tail(out, 500))
	}
	var res Samples
	for _, r := range recs {
		res.Build = r.Build
		if r.NThreads != s.Threads {
			return Samples{}, fmt.Errorf("llama-bench ran %d threads, asked for %d", r.NThreads, s.Threads)
		}
		if len(r.SamplesTS) != s.Reps {
			return Samples{}, fmt.Errorf("llama-bench gave %d samples, asked for %d", len(r.SamplesTS), s.Reps)
		}
		switch {
		case r.NPrompt == s.Prompt && r.NGen == 0:
			res.PP = r.SamplesTS
		case r.NPrompt == 0 && r.NGen == s.Gen:
			res.TG = r.SamplesTS
		default:
			return Samples{}, fmt.Errorf("llama-bench ran an unexpected test (prompt %d, generation %d)", r.NPrompt, r.NGen)
		}
	}
	if (s.Prompt > 0) != (res.PP != nil) || (s.Gen > 0) != (res.TG != nil) {
		return Samples{}, fmt.Errorf("llama-bench output lacks a test: %d records", len(recs))
	}
	return res, nil
}

// tail is the last n bytes of b, for error messages.
func tail(b []byte, n int) string {
	if len(b) > n {
		b = b[len(b)-n:]
	}
	return strings.TrimSpace(string(b))
}

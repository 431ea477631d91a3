package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"time"

	"github.com/batuta-go/stack/internal/testdata"
)

func main() {
	shape := flag.String("shape", "tinyllama", "model shape: "+shapeNames())
	typ := flag.String("type", "q4_0", "tensor types: f32, f16, q4_0, q8_0, q4_k_m")
	seed := flag.Uint64("seed", 1, "random seed (the same seed writes the same file)")
	out := flag.String("out", "", "output GGUF file (required)")
	vocab := flag.String("vocab", "", "GGUF file whose tokenizer.* keys are copied (default: the shared tokenizer/ggml-vocab-llama-spm.gguf)")
	workers := flag.Int("j", runtime.GOMAXPROCS(0), "goroutines generating and quantizing")
	flag.Parse()
	if err := run(*shape, *typ, *seed, *out, *vocab, *workers); err != nil {
		fmt.Fprintln(os.Stderr, "mkmodel:", err)
		os.Exit(1)
	}
}

func run(shapeName, typ string, seed uint64, out, vocab string, workers int) error {
	if out == "" {
		return fmt.Errorf("-out is required")
	}
	s, err := lookupShape(shapeName)
	if err != nil {
		return err
	}
	ft, err := lookupFileType(typ)
	if err != nil {
		return err
	}
	if vocab == "" {
		root, err := testdata.Root()
		if err != nil {
			return fmt.Errorf("no -vocab given and the shared test data is not found: %w", err)
		}
		vocab = filepath.Join(root, "tokenizer", "ggml-vocab-llama-spm.gguf")
	}
	start := time.Now()
	if err := Write(out, Options{Shape: s, Type: ft, Seed: seed, Vocab: vocab, Workers: workers}); err != nil {
		return err
	}
	st, err := os.Stat(out)
	if err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "mkmodel: wrote %s (%s %s, %.1f MB) in %v\n", out, s.Name, ft.Name,
		float64(st.Size())/1e6, time.Since(start).Round(time.Millisecond))
	return nil
}

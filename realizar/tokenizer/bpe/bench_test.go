package bpe

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/batuta-go/stack/internal/testdata"
)

// benchText is about 1 MB of English and code: this module's own Go and
// Markdown files, concatenated in walk order.
func benchText(b *testing.B) string {
	b.Helper()
	root, err := filepath.Abs("../../..")
	if err != nil {
		b.Fatal(err)
	}
	var sb strings.Builder
	err = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || sb.Len() >= 1<<20 {
			return err
		}
		if d.IsDir() && strings.HasPrefix(d.Name(), ".") && path != root {
			return filepath.SkipDir
		}
		if ext := filepath.Ext(path); !d.IsDir() && (ext == ".go" || ext == ".md") {
			data, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			sb.Write(data)
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	if sb.Len() < 1<<19 {
		b.Fatalf("only %d bytes of text under %s", sb.Len(), root)
	}
	s := sb.String()
	return s[:min(len(s), 1<<20)]
}

// BenchmarkEncode encodes ~1 MB with the gpt-2 vocabulary under several
// pre-tokenizers: "warm" keeps the per-model cache of pre-tokens between
// iterations, "cold" starts each iteration with an empty cache.
func BenchmarkEncode(b *testing.B) {
	dir := testdata.Dir(b, "tokenizer")
	f := filepath.Join(dir, "ggml-vocab-gpt-2.gguf")
	text := benchText(b)
	for _, pre := range []string{"gpt-2", "llama-bpe", "qwen2", "default", "deepseek-llm"} {
		m := loadBenchModel(b, f, pre)
		for _, cold := range []bool{false, true} {
			name := pre + "/warm"
			if cold {
				name = pre + "/cold"
			}
			b.Run(name, func(b *testing.B) {
				b.SetBytes(int64(len(text)))
				var ids []int32
				cpu0, cpuOK := cpuTime()
				for b.Loop() {
					if cold {
						m.cache.reset()
					}
					ids = m.Encode(ids[:0], text)
				}
				b.ReportMetric(float64(len(ids)), "tokens")
				reportCPU(b, cpu0, cpuOK, len(text))
			})
		}
	}
}

// BenchmarkPreTokenize measures the pre-tokenizers alone on the same text.
func BenchmarkPreTokenize(b *testing.B) {
	input := benchText(b)
	for _, pre := range []string{"gpt-2", "llama-bpe", "qwen2"} {
		p := preTypes[pre]
		b.Run(pre, func(b *testing.B) {
			b.SetBytes(int64(len(input)))
			sp := &splitter{t: text{ft: loadFlags()}}
			cpu0, cpuOK := cpuTime()
			for b.Loop() {
				sp.split(p, input)
			}
			reportCPU(b, cpu0, cpuOK, len(input))
		})
	}
}

// reportCPU adds the throughput per CPU second of the loop (the process's
// CPU time, so the benchmark must run alone: -cpu 1, no parallel tests).
func reportCPU(b *testing.B, cpu0 time.Duration, ok bool, n int) {
	cpu1, ok1 := cpuTime()
	if !ok || !ok1 || cpu1 <= cpu0 {
		return
	}
	b.ReportMetric(float64(n)*float64(b.N)/1e6/(cpu1-cpu0).Seconds(), "MB/cpu-s")
}

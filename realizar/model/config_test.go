package model

import (
	"math"
	"path/filepath"
	"testing"

	"github.com/batuta-go/stack/internal/testdata"
	"github.com/batuta-go/stack/realizar/gguf"
)

// TestConfigFromGGUF pins the configuration read from the shared models
// (hyper-parameters from models/README.md and models/arch/README.md).
func TestConfigFromGGUF(t *testing.T) {
	dir := testdata.Dir(t, "models")
	for _, c := range []struct {
		file string
		want Config
	}{
		{"stories260K.gguf", Config{Arch: "llama", VocabSize: 512, ContextLength: 2048, EmbeddingLength: 64, BlockCount: 5,
			FeedForwardLength: 172, HeadCount: 8, HeadCountKV: 4, HeadDim: 8, RMSNormEps: 1e-5, RopeTheta: 10000, RopeDim: 8,
			Activation: SiLU}},
		{"arch/qwen2-f32.gguf", Config{Arch: "qwen2", VocabSize: 512, ContextLength: 256, EmbeddingLength: 64, BlockCount: 2,
			FeedForwardLength: 128, HeadCount: 4, HeadCountKV: 2, HeadDim: 16, RMSNormEps: 1e-6, RopeTheta: 1e6, RopeDim: 16,
			RopeNeoX: true, QKVBias: true, Activation: SiLU}},
		{"arch/phi3-f32.gguf", Config{Arch: "phi3", VocabSize: 512, ContextLength: 256, EmbeddingLength: 64, BlockCount: 2,
			FeedForwardLength: 128, HeadCount: 4, HeadCountKV: 2, HeadDim: 16, RMSNormEps: 1e-5, RopeTheta: 1e4, RopeDim: 16,
			RopeNeoX: true, SlidingWindow: 2047, Activation: SiLU}},
		{"arch/gemma2-f32.gguf", Config{Arch: "gemma2", VocabSize: 512, ContextLength: 256, EmbeddingLength: 32, BlockCount: 26,
			FeedForwardLength: 64, HeadCount: 4, HeadCountKV: 2, HeadDim: 16, RMSNormEps: 1e-6, RopeTheta: 1e4, RopeDim: 16,
			RopeNeoX: true, SlidingWindow: 8, SlidingWindowPattern: 2, AttnSoftcap: 5, FinalSoftcap: 8,
			EmbedScale: float32(math.Sqrt(32)), Activation: GELU, PostNorm: true}},
	} {
		f, err := gguf.Open(filepath.Join(dir, filepath.FromSlash(c.file)))
		if err != nil {
			t.Fatal(err)
		}
		got, err := GGUFSource(f).Config()
		f.Close()
		if err != nil {
			t.Fatalf("%s: %v", c.file, err)
		}
		if got != c.want {
			t.Errorf("%s:\n got %+v\nwant %+v", c.file, got, c.want)
		}
	}
}

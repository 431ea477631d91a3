package realizar

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/batuta-go/stack/internal/testdata"
	"github.com/batuta-go/stack/realizar/gguf"
	"github.com/batuta-go/stack/realizar/sample"
)

// tinyQwen2 is one random-weight qwen2 model written twice: as a Hugging
// Face directory (config.json, model.safetensors, GPT-2's tokenizer.json)
// and as a GGUF file (the same tensors under GGUF names, GPT-2's vocabulary
// from the shared ggml-vocab-gpt-2.gguf). qwen2 rotates halves (NeoX) in
// both formats, so the bytes are the same and both must compute the same
// thing.
type tinyTensor struct {
	hf, gguf string
	shape    []int // Hugging Face order: outermost first
	data     []float32
}

func writeTinyQwen2(t *testing.T) (dir, ggufPath string) {
	t.Helper()
	vocabFile := filepath.Join(testdata.Dir(t, "tokenizer"), "ggml-vocab-gpt-2.gguf")
	hfTok := filepath.Join(testdata.Dir(t, "tokenizer"), "hf", "gpt2")
	vf, err := gguf.Open(vocabFile)
	if err != nil {
		t.Fatal(err)
	}
	defer vf.Close()
	tokens, err := vf.Strings("tokenizer.ggml.tokens")
	if err != nil {
		t.Fatal(err)
	}
	const (
		E, F, H, KV, L, ctx = 16, 32, 2, 1, 2, 128
		D                   = E / H
	)
	V := len(tokens)
	r := rand.New(rand.NewPCG(11, 12))
	randn := func(n int, scale float32) []float32 {
		x := make([]float32, n)
		for i := range x {
			x[i] = float32(r.NormFloat64()) * scale
		}
		return x
	}
	ones := func(n int) []float32 {
		x := make([]float32, n)
		for i := range x {
			x[i] = 1 + float32(r.NormFloat64())*0.1
		}
		return x
	}
	ts := []tinyTensor{
		{"model.embed_tokens.weight", "token_embd.weight", []int{V, E}, randn(V*E, 1)},
		{"model.norm.weight", "output_norm.weight", []int{E}, ones(E)},
		{"lm_head.weight", "output.weight", []int{V, E}, randn(V*E, 0.5)},
	}
	for l := range L {
		hf := func(s string) string { return "model.layers." + strconv.Itoa(l) + "." + s }
		gg := func(s string) string { return "blk." + strconv.Itoa(l) + "." + s }
		ts = append(ts,
			tinyTensor{hf("input_layernorm.weight"), gg("attn_norm.weight"), []int{E}, ones(E)},
			tinyTensor{hf("self_attn.q_proj.weight"), gg("attn_q.weight"), []int{H * D, E}, randn(H*D*E, 0.4)},
			tinyTensor{hf("self_attn.q_proj.bias"), gg("attn_q.bias"), []int{H * D}, randn(H*D, 0.2)},
			tinyTensor{hf("self_attn.k_proj.weight"), gg("attn_k.weight"), []int{KV * D, E}, randn(KV*D*E, 0.4)},
			tinyTensor{hf("self_attn.k_proj.bias"), gg("attn_k.bias"), []int{KV * D}, randn(KV*D, 0.2)},
			tinyTensor{hf("self_attn.v_proj.weight"), gg("attn_v.weight"), []int{KV * D, E}, randn(KV*D*E, 0.4)},
			tinyTensor{hf("self_attn.v_proj.bias"), gg("attn_v.bias"), []int{KV * D}, randn(KV*D, 0.2)},
			tinyTensor{hf("self_attn.o_proj.weight"), gg("attn_output.weight"), []int{E, H * D}, randn(E*H*D, 0.4)},
			tinyTensor{hf("post_attention_layernorm.weight"), gg("ffn_norm.weight"), []int{E}, ones(E)},
			tinyTensor{hf("mlp.gate_proj.weight"), gg("ffn_gate.weight"), []int{F, E}, randn(F*E, 0.4)},
			tinyTensor{hf("mlp.up_proj.weight"), gg("ffn_up.weight"), []int{F, E}, randn(F*E, 0.4)},
			tinyTensor{hf("mlp.down_proj.weight"), gg("ffn_down.weight"), []int{E, F}, randn(E*F, 0.4)},
		)
	}

	// The Hugging Face directory.
	dir = t.TempDir()
	cfg := map[string]any{
		"architectures": []string{"Qwen2ForCausalLM"}, "model_type": "qwen2",
		"hidden_size": E, "intermediate_size": F, "num_hidden_layers": L,
		"num_attention_heads": H, "num_key_value_heads": KV, "rms_norm_eps": 1e-6,
		"rope_theta": 10000.0, "max_position_embeddings": ctx, "vocab_size": V,
		"tie_word_embeddings": false, "torch_dtype": "float32",
	}
	writeJSON(t, filepath.Join(dir, "config.json"), cfg)
	writeSafetensors(t, filepath.Join(dir, "model.safetensors"), ts)
	for _, name := range []string{"tokenizer.json", "tokenizer_config.json"} {
		b, err := os.ReadFile(filepath.Join(hfTok, name))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}

	// The GGUF file.
	w := gguf.NewWriter()
	w.Set("general.architecture", "qwen2")
	w.Set("qwen2.context_length", uint32(ctx))
	w.Set("qwen2.embedding_length", uint32(E))
	w.Set("qwen2.block_count", uint32(L))
	w.Set("qwen2.feed_forward_length", uint32(F))
	w.Set("qwen2.attention.head_count", uint32(H))
	w.Set("qwen2.attention.head_count_kv", uint32(KV))
	w.Set("qwen2.attention.layer_norm_rms_epsilon", float32(1e-6))
	w.Set("qwen2.rope.freq_base", float32(10000))
	for _, kv := range vf.KVs {
		if strings.HasPrefix(kv.Key, "tokenizer.") {
			w.Set(kv.Key, kv.Value)
		}
	}
	for _, tt := range ts {
		dims := make([]uint64, len(tt.shape))
		for i, d := range tt.shape {
			dims[len(dims)-1-i] = uint64(d)
		}
		if err := w.AddTensor(tt.gguf, gguf.F32, dims, f32bytes(tt.data)); err != nil {
			t.Fatal(err)
		}
	}
	ggufPath = filepath.Join(t.TempDir(), "tiny-qwen2.gguf")
	if err := w.WriteFile(ggufPath); err != nil {
		t.Fatal(err)
	}
	return dir, ggufPath
}

func f32bytes(x []float32) []byte {
	b := make([]byte, 4*len(x))
	for i, v := range x {
		binary.LittleEndian.PutUint32(b[4*i:], math.Float32bits(v))
	}
	return b
}

func writeJSON(t *testing.T, path string, v any) {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// writeSafetensors writes the format's layout: an 8-byte little-endian
// header length, the JSON header (dtype, shape, data_offsets per tensor),
// then the data.
func writeSafetensors(t *testing.T, path string, ts []tinyTensor) {
	t.Helper()
	header := map[string]any{}
	var data []byte
	for _, tt := range ts {
		b := f32bytes(tt.data)
		header[tt.hf] = map[string]any{"dtype": "F32", "shape": tt.shape, "data_offsets": []int{len(data), len(data) + len(b)}}
		data = append(data, b...)
	}
	h, err := json.Marshal(header)
	if err != nil {
		t.Fatal(err)
	}
	for len(h)%8 != 0 {
		h = append(h, ' ')
	}
	out := binary.LittleEndian.AppendUint64(nil, uint64(len(h)))
	out = append(out, h...)
	out = append(out, data...)
	if err := os.WriteFile(path, out, 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestLoadHFDirectory loads the same model from a Hugging Face directory
// and from GGUF: same tokens for the same text, same greedy continuation.
func TestLoadHFDirectory(t *testing.T) {
	dir, ggufPath := writeTinyQwen2(t)
	hf, err := Load(dir, Options{Threads: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer hf.Close()
	gg, err := Load(ggufPath, Options{Threads: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer gg.Close()
	if hf.VocabSize() != gg.VocabSize() || hf.EmbeddingLength() != gg.EmbeddingLength() {
		t.Fatalf("sizes differ: vocab %d/%d, embedding %d/%d", hf.VocabSize(), gg.VocabSize(), hf.EmbeddingLength(), gg.EmbeddingLength())
	}
	const text = "Hello world, this is a test of the directory loader."
	a, b := hf.Tokenize(text, true, false), gg.Tokenize(text, true, false)
	if !slices.Equal(a, b) || len(a) == 0 {
		t.Fatalf("tokens differ:\nHF   %v\nGGUF %v", a, b)
	}
	gen := func(l *LLM) []int32 {
		var ids []int32
		for tok, err := range l.GenerateTokens(context.Background(), a, sample.Params{MaxTokens: 16, IgnoreEOS: true}) {
			if err != nil {
				t.Fatal(err)
			}
			ids = append(ids, tok.ID)
		}
		return ids
	}
	x, y := gen(hf), gen(gg)
	if !slices.Equal(x, y) || len(x) != 16 {
		t.Fatalf("greedy ids differ:\nHF   %v\nGGUF %v", x, y)
	}
	if distinct := len(slices.Compact(slices.Sorted(slices.Values(x)))); distinct < 3 {
		t.Fatalf("degenerate continuation %v: the comparison proves little", x)
	}
}

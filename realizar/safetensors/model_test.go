package safetensors

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/batuta-go/stack/internal/testdata"
	"github.com/batuta-go/stack/realizar/gguf"
	"github.com/batuta-go/stack/realizar/model"
	"github.com/batuta-go/stack/trueno/quant"
)

// hfNames inverts ggufName for one architecture: GGUF name → Hugging Face
// name.
func hfName(arch, g string) string {
	switch g {
	case "token_embd.weight":
		return "model.embed_tokens.weight"
	case "output_norm.weight":
		return "model.norm.weight"
	case "output.weight":
		return "lm_head.weight"
	}
	var l int
	var rest string
	if _, err := fmt.Sscanf(g, "blk.%d.%s", &l, &rest); err != nil {
		return ""
	}
	if arch == "gemma2" {
		for hf, gg := range gemma2LayerTensors {
			if gg == rest {
				return fmt.Sprintf("model.layers.%d.%s", l, hf)
			}
		}
	}
	for hf, gg := range layerTensors {
		if gg == rest && (hf != "mlp.gate_up_proj.weight" || arch == "phi3") && (hf != "mlp.up_proj.weight" || arch != "phi3") {
			return fmt.Sprintf("model.layers.%d.%s", l, hf)
		}
	}
	return ""
}

// floats returns a tensor's values as float32.
func floats(t *testing.T, typ gguf.TensorType, data []byte, n int) []float32 {
	v := make([]float32, n)
	if typ == gguf.F32 {
		for i := range v {
			v[i] = math.Float32frombits(uint32(data[4*i]) | uint32(data[4*i+1])<<8 | uint32(data[4*i+2])<<16 | uint32(data[4*i+3])<<24)
		}
		return v
	}
	q, ok := typ.Quant()
	if !ok {
		t.Fatalf("type %s", typ)
	}
	quant.Dequantize(q, v, data)
	return v
}

// encode stores v as type typ (F32, F16 or BF16).
func encode(typ gguf.TensorType, v []float32) []byte {
	if typ == gguf.F32 {
		return f32Bytes(v)
	}
	q, _ := typ.Quant()
	b := make([]byte, q.RowBytes(len(v)))
	quant.Quantize(q, b, v)
	return b
}

// unpermute undoes llama.cpp's converter permutation of Q/K rows: GGUF
// row h·d + 2i + j holds Hugging Face row h·d + j·d/2 + i, for heads of
// d rows; rows are rowBytes long.
func unpermute(data []byte, heads, rowBytes int) []byte {
	rows := len(data) / rowBytes
	d := rows / heads
	out := make([]byte, len(data))
	for h := range heads {
		for i := range d / 2 {
			for j := range 2 {
				src := h*d + 2*i + j
				dst := h*d + j*d/2 + i
				copy(out[dst*rowBytes:(dst+1)*rowBytes], data[src*rowBytes:(src+1)*rowBytes])
			}
		}
	}
	return out
}

// variant is how the matrices are stored in the generated checkpoint.
type variant struct {
	dtype  DType
	shards int
}

// TestModelFromGGUF turns each shared GGUF model into a Hugging Face
// directory (config.json + safetensors in F32, F16 and BF16, single and
// sharded) — undoing what llama.cpp's converter does: the Q/K permutation
// of llama, the 1+w of gemma2's norms — and requires the same logits from
// both through model.Load. The reference for F16 and BF16 is the GGUF
// with its matrices converted to that type, so both sides compute with
// the same weights bit for bit.
func TestModelFromGGUF(t *testing.T) {
	var paths []string
	for _, sub := range []string{"models", "models/arch"} {
		m, _ := filepath.Glob(filepath.Join(testdata.Dir(t, sub), "*.gguf"))
		paths = append(paths, m...)
	}
	if len(paths) == 0 {
		t.Fatal("no GGUF models in the shared test data")
	}
	for _, path := range paths {
		orig, err := gguf.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		defer orig.Close()
		models := map[string]*gguf.File{filepath.Base(path): orig}
		// Architectures without a shared model, derived from one that is
		// close: qwen3 (Q/K norms, no biases) from qwen2, mistral (a
		// sliding window) from llama.
		switch arch, _ := orig.String("general.architecture"); arch {
		case "qwen2":
			models[filepath.Base(path)+"+qwen3"] = deriveQwen3(t, orig)
		case "llama":
			models[filepath.Base(path)+"+mistral"] = deriveMistral(t, orig)
		}
		for name, f := range models {
			for _, v := range []variant{{F32, 1}, {F16, 3}, {BF16, 1}} {
				t.Run(fmt.Sprintf("%s/%s-%d", name, v.dtype, v.shards), func(t *testing.T) {
					compareModel(t, f, v)
				})
			}
		}
	}
}

// rebuild writes a GGUF from kvs and f's tensors passing keep, plus
// extra F32 tensors, and parses it back.
func rebuild(t *testing.T, f *gguf.File, kvs []gguf.KV, keep func(string) bool, extra map[string][]float32) *gguf.File {
	w := gguf.NewWriter()
	for _, kv := range kvs {
		w.Set(kv.Key, kv.Value)
	}
	for _, ti := range f.Tensors {
		if !keep(ti.Name) {
			continue
		}
		d, _ := f.TensorData(ti.Name)
		if err := w.AddTensor(ti.Name, ti.Type, ti.Dims, d); err != nil {
			t.Fatal(err)
		}
	}
	names := make([]string, 0, len(extra))
	for n := range extra {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, n := range names {
		if err := w.AddTensor(n, gguf.F32, []uint64{uint64(len(extra[n]))}, f32Bytes(extra[n])); err != nil {
			t.Fatal(err)
		}
	}
	var buf bytes.Buffer
	if _, err := w.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	g, err := gguf.Parse(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		t.Fatal(err)
	}
	return g
}

// deriveQwen3 turns a qwen2 model into a qwen3 one: keys renamed, the
// Q/K/V biases dropped, per-head Q and K norms added.
func deriveQwen3(t *testing.T, f *gguf.File) *gguf.File {
	var kvs []gguf.KV
	for _, kv := range f.KVs {
		switch {
		case kv.Key == "general.architecture":
			kv.Value = "qwen3"
		case strings.HasPrefix(kv.Key, "qwen2."):
			kv.Key = "qwen3." + strings.TrimPrefix(kv.Key, "qwen2.")
		}
		kvs = append(kvs, kv)
	}
	cfg, err := model.GGUFSource(f).Config()
	if err != nil {
		t.Fatal(err)
	}
	extra := map[string][]float32{}
	for l := range cfg.BlockCount {
		for k, name := range []string{"attn_q_norm", "attn_k_norm"} {
			w := make([]float32, cfg.HeadDim)
			for i := range w {
				w[i] = float32(1 + 0.2*math.Sin(float64(7*l+3*k+i)))
			}
			extra[fmt.Sprintf("blk.%d.%s.weight", l, name)] = w
		}
	}
	return rebuild(t, f, kvs, func(n string) bool { return !strings.HasSuffix(n, ".bias") }, extra)
}

// deriveMistral gives a llama model a sliding window shorter than the
// test prompt.
func deriveMistral(t *testing.T, f *gguf.File) *gguf.File {
	kvs := append(slices.Clone(f.KVs), gguf.KV{Key: "llama.attention.sliding_window", Value: uint32(5)})
	return rebuild(t, f, kvs, func(string) bool { return true }, nil)
}

func compareModel(t *testing.T, orig *gguf.File, v variant) {
	mt, _ := v.dtype.GGUF()
	ref := convertGGUF(t, orig, mt)
	cfg, err := model.GGUFSource(ref).Config()
	if err != nil {
		t.Fatal(err)
	}

	dir := t.TempDir()
	var ts []stTensor
	for _, ti := range ref.Tensors {
		name := hfName(cfg.Arch, ti.Name)
		if name == "" {
			t.Fatalf("no Hugging Face name for %s", ti.Name)
		}
		data, _ := ref.TensorData(ti.Name)
		data = append([]byte(nil), data...)
		typ := ti.Type
		shape := make([]uint64, len(ti.Dims))
		for i, d := range ti.Dims {
			shape[len(shape)-1-i] = d
		}
		if cfg.Arch == "llama" && (strings.HasSuffix(ti.Name, "attn_q.weight") || strings.HasSuffix(ti.Name, "attn_k.weight")) {
			heads := cfg.HeadCount
			if strings.HasSuffix(ti.Name, "attn_k.weight") {
				heads = cfg.HeadCountKV
			}
			data = unpermute(data, heads, typ.RowBytes(int(ti.Dims[0])))
		}
		if cfg.Arch == "gemma2" && strings.HasSuffix(ti.Name, "norm.weight") {
			w := floats(t, typ, data, int(ti.Elements()))
			for i := range w {
				w[i]--
			}
			data, typ = f32Bytes(w), gguf.F32
		}
		dt := map[gguf.TensorType]DType{gguf.F32: F32, gguf.F16: F16, gguf.BF16: BF16}[typ]
		ts = append(ts, stTensor{name: name, dtype: dt, shape: shape, data: data})
	}
	writeModelDir(t, dir, ts, v.shards)
	writeConfig(t, dir, cfg, ref)

	hf, err := OpenModel(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer hf.Close()
	hcfg, _ := hf.Config()
	want := cfg
	want.RopeNeoX = true // the Hugging Face layout, for llama too
	if fmt.Sprintf("%+v", hcfg) != fmt.Sprintf("%+v", want) {
		t.Fatalf("config differs:\n got %+v\nwant %+v", hcfg, want)
	}

	a := logits(t, model.GGUFSource(ref), cfg)
	b := logits(t, hf, cfg)
	var maxAbs, maxDiff float64
	for i := range a {
		maxAbs = max(maxAbs, math.Abs(float64(a[i])))
		maxDiff = max(maxDiff, math.Abs(float64(a[i]-b[i])))
	}
	// Both sides use the same weights bit for bit, so the logits agree to
	// rounding. For llama the order of the sums in Q·K differs (permuted
	// rows, NeoX rotation); with half-precision weights the activations
	// are rounded to the half type before each product, where a last-bit
	// difference can move a rounding by one half-precision ulp.
	tol := 1e-5 * max(1, maxAbs)
	if cfg.Arch == "llama" {
		tol = 1e-4 * max(1, maxAbs)
		switch v.dtype {
		case F16:
			tol = 4 * 0x1p-11 * max(1, maxAbs)
		case BF16:
			tol = 4 * 0x1p-8 * max(1, maxAbs)
		}
	}
	if maxDiff > tol || math.IsNaN(maxDiff) {
		t.Errorf("logits differ by up to %g (tolerance %g, largest logit %g)", maxDiff, tol, maxAbs)
	}
	t.Logf("max |Δlogit| %.3g of max |logit| %.3g", maxDiff, maxAbs)
}

// logits evaluates a fixed prompt and returns the last position's logits.
func logits(t *testing.T, src model.Source, cfg model.Config) []float32 {
	m, err := model.Load(src, model.Options{Threads: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	s, err := m.NewState(32)
	if err != nil {
		t.Fatal(err)
	}
	prompt := make([]int32, 12)
	for i := range prompt {
		prompt[i] = int32((1 + 37*i) % cfg.VocabSize)
	}
	out := make([]float32, cfg.VocabSize)
	if err := s.Eval(context.Background(), prompt, out); err != nil {
		t.Fatal(err)
	}
	return out
}

// convertGGUF returns f with its 2-D tensors stored as typ (1-D tensors,
// norms and biases, stay F32), written and parsed back in memory.
func convertGGUF(t *testing.T, f *gguf.File, typ gguf.TensorType) *gguf.File {
	w := gguf.NewWriter()
	for _, kv := range f.KVs {
		w.Set(kv.Key, kv.Value)
	}
	for _, ti := range f.Tensors {
		data, err := f.TensorData(ti.Name)
		if err != nil {
			t.Fatal(err)
		}
		tt := ti.Type
		if len(ti.Dims) >= 2 && tt != typ {
			data, tt = encode(typ, floats(t, tt, data, int(ti.Elements()))), typ
		}
		if err := w.AddTensor(ti.Name, tt, ti.Dims, data); err != nil {
			t.Fatal(err)
		}
	}
	var buf bytes.Buffer
	if _, err := w.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	g, err := gguf.Parse(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		t.Fatal(err)
	}
	return g
}

// writeConfig writes the config.json that describes cfg.
func writeConfig(t *testing.T, dir string, cfg model.Config, f *gguf.File) {
	_, hasOutput := f.Tensor("output.weight")
	modelType := cfg.Arch
	if modelType == "llama" && cfg.SlidingWindow > 0 {
		modelType = "mistral"
	}
	c := map[string]any{
		"architectures":           []string{"TestForCausalLM"},
		"model_type":              modelType,
		"vocab_size":              cfg.VocabSize,
		"hidden_size":             cfg.EmbeddingLength,
		"intermediate_size":       cfg.FeedForwardLength,
		"num_hidden_layers":       cfg.BlockCount,
		"num_attention_heads":     cfg.HeadCount,
		"num_key_value_heads":     cfg.HeadCountKV,
		"head_dim":                cfg.HeadDim,
		"max_position_embeddings": cfg.ContextLength,
		"rms_norm_eps":            cfg.RMSNormEps,
		"rope_theta":              cfg.RopeTheta,
		"tie_word_embeddings":     !hasOutput,
		"torch_dtype":             "float32",
	}
	switch cfg.Arch {
	case "llama", "qwen2", "qwen3", "phi3":
		c["hidden_act"] = "silu"
	case "gemma2":
		c["hidden_activation"] = "gelu_pytorch_tanh"
		c["attn_logit_softcapping"] = cfg.AttnSoftcap
		c["final_logit_softcapping"] = cfg.FinalSoftcap
		c["query_pre_attn_scalar"] = cfg.HeadDim
	}
	if cfg.SlidingWindow > 0 {
		c["sliding_window"] = cfg.SlidingWindow
	}
	if cfg.RopeDim != cfg.HeadDim {
		c["partial_rotary_factor"] = float64(cfg.RopeDim) / float64(cfg.HeadDim)
	}
	b, err := json.MarshalIndent(c, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, ConfigName), b, 0o644); err != nil {
		t.Fatal(err)
	}
}

package safetensors

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/batuta-go/stack/realizar/gguf"
	"github.com/batuta-go/stack/realizar/model"
	"github.com/batuta-go/stack/trueno/quant"
)

// ConfigName is the Hugging Face configuration file of a model directory.
const ConfigName = "config.json"

// maxConfigSize bounds the config.json read into memory.
const maxConfigSize = 16 << 20

// Model is a Hugging Face model directory (config.json and safetensors
// weights) presented as a model.Source: the configuration mapped to
// model.Config and the tensors under their GGUF names, used in place from
// the mapping. Close it after the model.Model loaded from it.
type Model struct {
	File   *File // the weights
	config model.Config
	names  map[string]string       // GGUF name → Hugging Face name
	owned  map[string]model.Tensor // tensors derived at open: gemma2 norms, Phi-3 rope factors
}

// Interface check.
var _ model.Source = (*Model)(nil)

// OpenModel opens the Hugging Face model in dir: config.json and
// model.safetensors or a sharded model.safetensors.index.json. Tensor names
// are mapped to GGUF's for llama (and mistral), qwen2, qwen3, phi3 and
// gemma2 checkpoints; a tensor the mapping does not know is an error, as
// is an element type other than F32, F16 and BF16.
//
// The weights are used as Hugging Face stores them, with two exceptions
// that match what llama.cpp's converter writes: gemma2's RMSNorm weights
// w become 1+w (small float32 copies), and Phi-3's long-context rotation
// factors become the rope_factors_long/short tensors.
func OpenModel(dir string) (*Model, error) {
	cfgPath := filepath.Join(dir, ConfigName)
	cfgData, err := readLimited(cfgPath, maxConfigSize)
	if err != nil {
		return nil, err
	}
	c, extra, err := parseConfig(cfgData)
	if err != nil {
		return nil, fmt.Errorf("%w (%s)", err, cfgPath)
	}
	f, err := Open(dir)
	if err != nil {
		return nil, err
	}
	m := &Model{File: f, config: c, names: map[string]string{}, owned: map[string]model.Tensor{}}
	if err := m.init(extra); err != nil {
		f.Close()
		return nil, err
	}
	return m, nil
}

func readLimited(path string, limit int64) ([]byte, error) {
	fd, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("safetensors: %w", err)
	}
	defer fd.Close()
	b, err := io.ReadAll(io.LimitReader(fd, limit+1))
	if err != nil {
		return nil, fmt.Errorf("safetensors: %s: %w", path, err)
	}
	if int64(len(b)) > limit {
		return nil, fmt.Errorf("safetensors: %s is larger than %d bytes", path, limit)
	}
	return b, nil
}

var layerName = regexp.MustCompile(`^model\.layers\.([0-9]+)\.(.+)$`)

// layerTensors maps the per-layer Hugging Face names (after
// "model.layers.N.") to GGUF's (after "blk.N.").
var layerTensors = map[string]string{
	"input_layernorm.weight":          "attn_norm.weight",
	"self_attn.q_proj.weight":         "attn_q.weight",
	"self_attn.q_proj.bias":           "attn_q.bias",
	"self_attn.k_proj.weight":         "attn_k.weight",
	"self_attn.k_proj.bias":           "attn_k.bias",
	"self_attn.v_proj.weight":         "attn_v.weight",
	"self_attn.v_proj.bias":           "attn_v.bias",
	"self_attn.o_proj.weight":         "attn_output.weight",
	"self_attn.qkv_proj.weight":       "attn_qkv.weight",
	"self_attn.q_norm.weight":         "attn_q_norm.weight",
	"self_attn.k_norm.weight":         "attn_k_norm.weight",
	"mlp.gate_proj.weight":            "ffn_gate.weight",
	"mlp.up_proj.weight":              "ffn_up.weight",
	"mlp.gate_up_proj.weight":         "ffn_up.weight", // phi3: [gate; up], as GGUF fuses it
	"mlp.down_proj.weight":            "ffn_down.weight",
	"post_attention_layernorm.weight": "ffn_norm.weight",
}

// gemma2LayerTensors are gemma2's four norms per layer.
var gemma2LayerTensors = map[string]string{
	"post_attention_layernorm.weight":   "post_attention_norm.weight",
	"pre_feedforward_layernorm.weight":  "ffn_norm.weight",
	"post_feedforward_layernorm.weight": "post_ffw_norm.weight",
}

// ggufName returns the GGUF name of a Hugging Face tensor, "" for a
// tensor to leave out, or an error for one it cannot place.
func ggufName(arch, hf string, layers int) (string, error) {
	switch hf {
	case "model.embed_tokens.weight":
		return "token_embd.weight", nil
	case "model.norm.weight":
		return "output_norm.weight", nil
	case "lm_head.weight":
		if arch == "gemma2" {
			return "", nil // gemma2 ties the head to the embedding; llama.cpp's converter drops lm_head too
		}
		return "output.weight", nil
	}
	if strings.HasSuffix(hf, ".rotary_emb.inv_freq") {
		return "", nil // a buffer some checkpoints save; the rotation is computed
	}
	m := layerName.FindStringSubmatch(hf)
	if m == nil {
		return "", fmt.Errorf("safetensors: tensor %q: unknown %s tensor", hf, arch)
	}
	var l int
	if _, err := fmt.Sscan(m[1], &l); err != nil || l >= layers || m[1] != fmt.Sprint(l) {
		return "", fmt.Errorf("safetensors: tensor %q: layer %s outside the %d layers of config.json", hf, m[1], layers)
	}
	g, ok := "", false
	if arch == "gemma2" {
		g, ok = gemma2LayerTensors[m[2]]
	}
	if !ok {
		g, ok = layerTensors[m[2]]
	}
	if !ok {
		return "", fmt.Errorf("safetensors: tensor %q: unknown %s tensor", hf, arch)
	}
	return fmt.Sprintf("blk.%d.%s", l, g), nil
}

func (m *Model) init(extra *extraTensors) error {
	c := &m.config
	for _, t := range m.File.Tensors {
		g, err := ggufName(c.Arch, t.Name, c.BlockCount)
		if err != nil {
			return err
		}
		if g == "" {
			continue
		}
		if prev, dup := m.names[g]; dup {
			return fmt.Errorf("safetensors: tensors %q and %q both map to %q", prev, t.Name, g)
		}
		if _, err := t.DType.GGUF(); err != nil {
			return fmt.Errorf("safetensors: tensor %q: %w", t.Name, err)
		}
		m.names[g] = t.Name
	}
	emb, ok := m.File.Tensor(m.names["token_embd.weight"])
	if !ok {
		return fmt.Errorf("safetensors: tensor %q: %w", "model.embed_tokens.weight", ErrTensorNotFound)
	}
	if len(emb.Shape) != 2 || emb.Shape[0] == 0 || emb.Shape[0] > math.MaxInt32 {
		return fmt.Errorf("safetensors: tensor %q has shape %v, want [vocab, hidden]", emb.Name, emb.Shape)
	}
	if c.VocabSize != 0 && uint64(c.VocabSize) != emb.Shape[0] {
		return fmt.Errorf("safetensors: config.json vocab_size %d but %s has %d rows", c.VocabSize, emb.Name, emb.Shape[0])
	}
	c.VocabSize = int(emb.Shape[0])

	if c.Arch == "gemma2" {
		// Gemma scales by 1+w; GGUF stores the sum.
		for g, hf := range m.names {
			if !strings.HasSuffix(g, "norm.weight") {
				continue
			}
			t, err := m.hfTensor(g, hf)
			if err != nil {
				return err
			}
			v, err := toFloat32(t)
			if err != nil {
				return err
			}
			for i := range v {
				v[i]++
			}
			m.owned[g] = model.Tensor{Name: g, Type: gguf.F32, Dims: t.Dims, Data: f32Bytes(v)}
		}
	}
	if extra.ropeLong != nil {
		for g, v := range map[string][]float32{"rope_factors_long.weight": extra.ropeLong, "rope_factors_short.weight": extra.ropeShort} {
			m.owned[g] = model.Tensor{Name: g, Type: gguf.F32, Dims: []int{len(v)}, Data: f32Bytes(v)}
		}
	}
	return c.Validate()
}

// Config returns the configuration mapped from config.json.
func (m *Model) Config() (model.Config, error) { return m.config, nil }

// Tensor returns the tensor with GGUF name name: the dimensions reversed
// into GGUF order (innermost first), the data in place.
func (m *Model) Tensor(name string) (model.Tensor, error) {
	if t, ok := m.owned[name]; ok {
		return t, nil
	}
	hf, ok := m.names[name]
	if !ok {
		return model.Tensor{}, fmt.Errorf("safetensors: tensor %q: %w", name, gguf.ErrTensorNotFound)
	}
	return m.hfTensor(name, hf)
}

func (m *Model) hfTensor(name, hf string) (model.Tensor, error) {
	info, _ := m.File.Tensor(hf)
	typ, err := info.DType.GGUF()
	if err != nil {
		return model.Tensor{}, fmt.Errorf("safetensors: tensor %q: %w", hf, err)
	}
	dims := make([]int, len(info.Shape))
	for i, d := range info.Shape {
		if d > math.MaxInt32 {
			return model.Tensor{}, fmt.Errorf("safetensors: tensor %q: dimension %d is %d, too large", hf, i, d)
		}
		dims[len(dims)-1-i] = int(d)
	}
	if len(dims) == 0 {
		dims = []int{1}
	}
	data, err := m.File.TensorData(hf)
	if err != nil {
		return model.Tensor{}, err
	}
	return model.Tensor{Name: name, Type: typ, Dims: dims, Data: data}, nil
}

// Close releases the weights' mappings.
func (m *Model) Close() error { return m.File.Close() }

func toFloat32(t model.Tensor) ([]float32, error) {
	n := 1
	for _, d := range t.Dims {
		n *= d
	}
	v := make([]float32, n)
	switch t.Type {
	case gguf.F32:
		for i := range v {
			v[i] = math.Float32frombits(binary.LittleEndian.Uint32(t.Data[4*i:]))
		}
	case gguf.F16, gguf.BF16:
		q, _ := t.Type.Quant()
		quant.Dequantize(q, v, t.Data)
	default:
		return nil, errors.New("safetensors: tensor " + t.Name + ": unexpected type " + t.Type.String())
	}
	return v, nil
}

func f32Bytes(v []float32) []byte {
	b := make([]byte, 4*len(v))
	for i, x := range v {
		binary.LittleEndian.PutUint32(b[4*i:], math.Float32bits(x))
	}
	return b
}

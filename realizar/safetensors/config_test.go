package safetensors

import (
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/batuta-go/stack/realizar/model"
)

const baseConfig = `"vocab_size": 100, "hidden_size": 64, "intermediate_size": 128, "num_hidden_layers": 2,
	"num_attention_heads": 4, "max_position_embeddings": 512`

func TestParseConfig(t *testing.T) {
	for _, c := range []struct {
		name, json string
		check      func(model.Config) bool
	}{
		{"llama defaults", `{"model_type":"llama",` + baseConfig + `}`, func(c model.Config) bool {
			return c.Arch == "llama" && c.HeadCountKV == 4 && c.HeadDim == 16 && c.RopeDim == 16 && c.RopeNeoX &&
				c.RopeTheta == 10000 && c.RMSNormEps == 1e-6 && c.Activation == model.SiLU && c.SlidingWindow == 0
		}},
		{"mistral window", `{"model_type":"mistral","sliding_window":4096,"num_key_value_heads":2,"rope_theta":1e6,` + baseConfig + `}`, func(c model.Config) bool {
			return c.Arch == "llama" && c.SlidingWindow == 4096 && c.HeadCountKV == 2 && c.RopeTheta == 1e6
		}},
		{"mistral null window", `{"model_type":"mistral","sliding_window":null,` + baseConfig + `}`, func(c model.Config) bool { return c.SlidingWindow == 0 }},
		{"qwen2", `{"model_type":"qwen2","sliding_window":131072,"use_sliding_window":false,` + baseConfig + `}`, func(c model.Config) bool {
			return c.Arch == "qwen2" && c.QKVBias && c.SlidingWindow == 0
		}},
		{"qwen3", `{"model_type":"qwen3","head_dim":32,` + baseConfig + `}`, func(c model.Config) bool {
			return c.Arch == "qwen3" && c.QKNorm && c.HeadDim == 32 && c.RopeDim == 32
		}},
		{"phi3", `{"model_type":"phi3","sliding_window":2047,"original_max_position_embeddings":256,"partial_rotary_factor":0.5,` + baseConfig + `}`, func(c model.Config) bool {
			return c.Arch == "phi3" && c.SlidingWindow == 2047 && c.RopeScaling.OriginalContextLength == 256 && c.RopeDim == 8 && c.RMSNormEps == 1e-5
		}},
		{"gemma2 defaults", `{"model_type":"gemma2","head_dim":16,"hidden_activation":"gelu_pytorch_tanh",` + baseConfig + `}`, func(c model.Config) bool {
			return c.Arch == "gemma2" && c.AttnSoftcap == 50 && c.FinalSoftcap == 30 && c.SlidingWindow == 4096 &&
				c.SlidingWindowPattern == 2 && c.PostNorm && c.Activation == model.GELU && c.EmbedScale == 8 && c.AttnScale == 0
		}},
		{"gemma2 27B scale, no caps", `{"model_type":"gemma2","head_dim":16,"query_pre_attn_scalar":144,"attn_logit_softcapping":null,"final_logit_softcapping":null,` + baseConfig + `}`, func(c model.Config) bool {
			return c.AttnScale == float32(1.0/12) && c.AttnSoftcap == 0 && c.FinalSoftcap == 0
		}},
		{"linear", `{"model_type":"llama","rope_scaling":{"type":"linear","factor":4},` + baseConfig + `}`, func(c model.Config) bool {
			return c.RopeScaling.Type == "linear" && c.RopeScaling.Factor == 4
		}},
		{"yarn", `{"model_type":"qwen2","rope_scaling":{"type":"yarn","factor":4,"original_max_position_embeddings":32768},` + baseConfig + `}`, func(c model.Config) bool {
			return c.RopeScaling.Type == "yarn" && c.RopeScaling.Factor == 4 && c.RopeScaling.OriginalContextLength == 32768
		}},
		{"llama3", `{"model_type":"llama","rope_scaling":{"rope_type":"llama3","factor":8,"low_freq_factor":1,"high_freq_factor":4,"original_max_position_embeddings":8192},` + baseConfig + `}`, func(c model.Config) bool {
			s := c.RopeScaling
			return s.Type == "llama3" && s.Factor == 8 && s.LowFreqFactor == 1 && s.HighFreqFactor == 4 && s.OriginalContextLength == 8192
		}},
		{"default rope", `{"model_type":"llama","rope_scaling":{"rope_type":"default"},` + baseConfig + `}`, func(c model.Config) bool { return c.RopeScaling.Type == "" }},
	} {
		t.Run(c.name, func(t *testing.T) {
			cfg, err := ParseConfig([]byte(c.json))
			if err != nil {
				t.Fatal(err)
			}
			if !c.check(cfg) {
				t.Errorf("%+v", cfg)
			}
		})
	}

	for _, c := range []struct{ name, json, want string }{
		{"unknown type", `{"model_type":"gpt2",` + baseConfig + `}`, `unsupported model_type "gpt2"`},
		{"no type", `{` + baseConfig + `}`, `unsupported model_type ""`},
		{"qwen2 window", `{"model_type":"qwen2","use_sliding_window":true,` + baseConfig + `}`, "use_sliding_window"},
		{"dynamic rope", `{"model_type":"llama","rope_scaling":{"type":"dynamic","factor":2},` + baseConfig + `}`, `"dynamic"`},
		{"longrope factors", `{"model_type":"phi3","rope_scaling":{"type":"longrope","long_factor":[1],"short_factor":[1]},` + baseConfig + `}`, "want 8"},
		{"activation", `{"model_type":"llama","hidden_act":"relu",` + baseConfig + `}`, `"relu"`},
		{"no heads", `{"model_type":"llama","hidden_size":64}`, "num_attention_heads"},
		{"bad JSON", `{"model_type":`, "config.json"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := ParseConfig([]byte(c.json))
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("want %q, got %v", c.want, err)
			}
		})
	}
}

// TestLongRope checks that Phi-3's long-context factors become the
// rope_factors tensors and the attention factor llama.cpp derives.
func TestLongRope(t *testing.T) {
	dir := t.TempDir()
	long := `[1,2,3,4,5,6,7,8]`
	cfg := `{"model_type":"phi3","original_max_position_embeddings":128,"rope_scaling":{"type":"longrope","long_factor":` + long + `,"short_factor":[1,1,1,1,1,1,1,1]},` + baseConfig + `}`
	os.WriteFile(filepath.Join(dir, ConfigName), []byte(cfg), 0o644)
	writeModelDir(t, dir, []stTensor{{"model.embed_tokens.weight", F32, []uint64{100, 64}, make([]byte, 100*64*4)}}, 1)
	m, err := OpenModel(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	c, _ := m.Config()
	want := float32(math.Sqrt(1 + math.Log(512.0/128)/math.Log(128)))
	if c.RopeScaling.AttnFactor != want || c.RopeScaling.OriginalContextLength != 128 {
		t.Errorf("rope scaling %+v, want attn factor %g", c.RopeScaling, want)
	}
	lt, err := m.Tensor("rope_factors_long.weight")
	if err != nil || len(lt.Dims) != 1 || lt.Dims[0] != 8 || lt.Data[4*7+3] != 0x41 { // 8.0 = 0x41000000
		t.Errorf("rope_factors_long: %+v, %v", lt, err)
	}
	if _, err := m.Tensor("rope_factors_short.weight"); err != nil {
		t.Error(err)
	}
}

func TestOpenModelErrors(t *testing.T) {
	cfg := `{"model_type":"llama",` + baseConfig + `}`
	emb := stTensor{"model.embed_tokens.weight", F32, []uint64{100, 64}, make([]byte, 100*64*4)}
	for _, c := range []struct {
		name   string
		cfg    string
		ts     []stTensor
		want   string
		absent bool
	}{
		{"no config", "", []stTensor{emb}, "config.json", true},
		{"unknown tensor", cfg, []stTensor{emb, {"model.layers.0.mlp.experts.0.weight", F32, []uint64{1}, make([]byte, 4)}}, `"model.layers.0.mlp.experts.0.weight": unknown llama tensor`, false},
		{"layer past the count", cfg, []stTensor{emb, {"model.layers.7.input_layernorm.weight", F32, []uint64{64}, make([]byte, 256)}}, "layer 7 outside", false},
		{"int tensor", cfg, []stTensor{emb, {"model.norm.weight", "I32", []uint64{64}, make([]byte, 256)}}, "I32 is not supported", false},
		{"vocab mismatch", `{"model_type":"llama","vocab_size":99,"hidden_size":64,"intermediate_size":128,"num_hidden_layers":2,"num_attention_heads":4,"max_position_embeddings":512}`, []stTensor{emb}, "vocab_size 99", false},
		{"no embedding", cfg, []stTensor{{"model.norm.weight", F32, []uint64{64}, make([]byte, 256)}}, "model.embed_tokens.weight", false},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			if !c.absent {
				os.WriteFile(filepath.Join(dir, ConfigName), []byte(c.cfg), 0o644)
			}
			writeModelDir(t, dir, c.ts, 1)
			_, err := OpenModel(dir)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("want %q, got %v", c.want, err)
			}
		})
	}
}

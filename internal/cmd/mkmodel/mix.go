package main

import (
	"fmt"
	"strings"

	"github.com/batuta-go/stack/realizar/gguf"
	"github.com/batuta-go/stack/trueno/quant"
)

// FileType is a whole-model quantization preset, as llama-quantize names
// them: a default tensor type plus the per-tensor exceptions llama.cpp
// applies for it (src/llama-quant.cpp, llama_tensor_get_type, for a llama
// model with one expert and no importance matrix).
type FileType struct {
	Name string
	// ID is llama_ftype, the value of general.file_type.
	ID uint32
	// Base is the type of the 2-D weights without an exception.
	Base gguf.TensorType
	// KMix marks Q4_K_M: output Q6_K, attn_v and ffn_down Q6_K in the
	// layers use_more_bits selects, everything else Q4_K.
	KMix bool
}

var fileTypes = []FileType{
	{Name: "f32", ID: 0, Base: gguf.F32},
	{Name: "f16", ID: 1, Base: gguf.TensorType(quant.F16)},
	{Name: "q4_0", ID: 2, Base: gguf.TensorType(quant.Q4_0)},
	{Name: "q8_0", ID: 7, Base: gguf.TensorType(quant.Q8_0)},
	{Name: "q4_k_m", ID: 15, Base: gguf.TensorType(quant.Q4_K), KMix: true},
}

func lookupFileType(name string) (FileType, error) {
	names := make([]string, len(fileTypes))
	for i, ft := range fileTypes {
		if strings.EqualFold(ft.Name, name) {
			return ft, nil
		}
		names[i] = ft.Name
	}
	return FileType{}, fmt.Errorf("unknown type %q (have %s)", name, strings.Join(names, ", "))
}

// quantized reports whether the preset stores quantized blocks (it then
// records general.quantization_version, as llama-quantize does).
func (ft FileType) quantized() bool {
	_, q := ft.Base.Quant()
	return q && ft.Base != gguf.TensorType(quant.F16)
}

// useMoreBits is llama.cpp's choice of the layers that get more bits in the
// _M mixes: the first and last eighth, and every third layer in between.
func useMoreBits(layer, layers int) bool {
	return layer < layers/8 || layer >= 7*layers/8 || (layer-layers/8)%3 == 2
}

// weightType is the stored type of a 2-D weight. role is the tensor name
// without its "blk.N." prefix; layer is N (ignored for the global tensors).
// Norms and other 1-D tensors are always F32 and never reach here.
//
// llama.cpp's rules for these presets on a llama model:
//   - output.weight: Q6_K unless the preset is Q8_0 (or F16/F32, which are
//     not re-typed at all);
//   - Q4_K_M only: attn_v.weight and ffn_down.weight are Q6_K in the layers
//     useMoreBits picks (for 22 layers: 0, 1, 4, 7, 10, 13, 16, 19, 20, 21);
//   - token_embd.weight keeps the base type.
func (ft FileType) weightType(role string, layer, layers int) gguf.TensorType {
	if !ft.quantized() {
		return ft.Base
	}
	q6k := gguf.TensorType(quant.Q6_K)
	switch role {
	case "output.weight":
		if ft.Base != gguf.TensorType(quant.Q8_0) {
			return q6k
		}
	case "attn_v.weight", "ffn_down.weight":
		if ft.KMix && useMoreBits(layer, layers) {
			return q6k
		}
	}
	return ft.Base
}

// Package safetensors reads Hugging Face SafeTensors checkpoints — single
// files and sharded ones (model.safetensors.index.json) — memory-mapped,
// so tensor data is used in place, and presents a Hugging Face model
// directory (config.json beside the weights) as a model.Source for
// realizar/model, with GGUF tensor names.
//
// Every header is validated before use: the header length against the
// file size and a 100 MB limit, every shape's element count and every
// data_offsets pair with overflow-safe arithmetic, and overlaps between
// tensors; errors are *FormatError values naming the file, offset and
// tensor.
//
//	src, err := safetensors.OpenModel("Qwen2.5-0.5B-Instruct") // config.json + *.safetensors
//	if err != nil {
//		return err
//	}
//	defer src.Close()
//	m, err := model.Load(src, model.Options{})
//	if err != nil {
//		return err
//	}
//	defer m.Close()
//
// The weights must be F32, F16 or BF16. Llama-family query and key
// weights stay in Hugging Face's layout (model.Config.RopeNeoX is set
// instead of permuting them); gemma2's norm weights w are handed out as
// 1+w, as GGUF stores them.
package safetensors

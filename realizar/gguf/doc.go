// Package gguf reads and writes GGUF, the model file format of ggml and
// llama.cpp: versions 2 and 3, every metadata value type (arrays of arrays
// included), general.alignment, every ggml tensor type, and models split
// over several files ("model-00001-of-00003.gguf").
//
// Open memory-maps a file, so TensorData returns slices of the mapping and
// weights are never copied; Parse reads from any io.ReaderAt instead. Both
// validate the whole header before returning: every count, length, shape,
// offset and size is checked against the file size with overflow-safe
// arithmetic before anything is allocated, and a bad file is reported as a
// *FormatError naming the byte offset and the key or tensor.
//
//	f, err := gguf.Open("model.gguf")
//	if err != nil {
//		return err
//	}
//	defer f.Close()
//	arch, err := f.String("general.architecture")
//	if err != nil {
//		return err
//	}
//	for _, t := range f.Tensors {
//		fmt.Println(arch, t.Name, t.Type, t.Dims)
//	}
//	emb, err := f.TensorData("token_embd.weight") // read-only, zero-copy
//
// A Writer produces GGUF files, streaming tensor data at write time.
package gguf

package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/batuta-go/stack/realizar/gguf"
)

// Options says what model to write.
type Options struct {
	Shape Shape
	Type  FileType
	Seed  uint64
	// Vocab is a GGUF file whose tokenizer.* keys are copied; its token
	// count must equal Shape.Vocab.
	Vocab string
	// Workers generate and quantize chunks of rows in parallel (≥ 1). The
	// output does not depend on it.
	Workers int
}

// WeightStd is the standard deviation of every random weight matrix. With
// RMSNorm before each block it keeps the projections near unit scale
// (0.02·√2048 ≈ 0.9), so 22 layers of random weights stay far from
// overflow and the logits stay varied.
const WeightStd = 0.02

// tensorSpec is one tensor of the model: its GGUF name, stored type, GGUF
// dims (innermost first) and contents (random normal with std, or every
// element equal to fill when std is 0).
type tensorSpec struct {
	name string
	typ  gguf.TensorType
	dims []uint64
	std  float32
	fill float32
}

// rowsCols gives the tensor as rows of contiguous elements.
func (t tensorSpec) rowsCols() (rows, cols int) {
	rows = 1
	for _, d := range t.dims[1:] {
		rows *= int(d)
	}
	return rows, int(t.dims[0])
}

// tensors lists the model's tensors in file order: the global ones, then
// each block's, the order llama.cpp's converter writes a llama model in.
func tensors(s Shape, ft FileType) []tensorSpec {
	e, kv, ff, v := uint64(s.Embd), uint64(s.HeadsKV*s.HeadDim()), uint64(s.FFN), uint64(s.Vocab)
	weight := func(name, role string, layer int, dims ...uint64) tensorSpec {
		return tensorSpec{name: name, typ: ft.weightType(role, layer, s.Layers), dims: dims, std: WeightStd}
	}
	norm := func(name string) tensorSpec {
		return tensorSpec{name: name, typ: gguf.F32, dims: []uint64{e}, fill: 1}
	}
	ts := []tensorSpec{
		weight("token_embd.weight", "token_embd.weight", 0, e, v),
		norm("output_norm.weight"),
		weight("output.weight", "output.weight", 0, e, v),
	}
	for l := range s.Layers {
		p := fmt.Sprintf("blk.%d.", l)
		ts = append(ts,
			norm(p+"attn_norm.weight"),
			weight(p+"attn_q.weight", "attn_q.weight", l, e, e),
			weight(p+"attn_k.weight", "attn_k.weight", l, e, kv),
			weight(p+"attn_v.weight", "attn_v.weight", l, e, kv),
			weight(p+"attn_output.weight", "attn_output.weight", l, e, e),
			norm(p+"ffn_norm.weight"),
			weight(p+"ffn_gate.weight", "ffn_gate.weight", l, e, ff),
			weight(p+"ffn_up.weight", "ffn_up.weight", l, e, ff),
			weight(p+"ffn_down.weight", "ffn_down.weight", l, ff, e),
		)
	}
	return ts
}

// metadata sets the llama hyperparameters llama.cpp reads, then copies
// every tokenizer.* key of the vocabulary file.
func metadata(w *gguf.Writer, o Options, vocab *gguf.File) error {
	s := o.Shape
	tokens, err := vocab.Strings("tokenizer.ggml.tokens")
	if err != nil {
		return fmt.Errorf("vocabulary %s: %w", o.Vocab, err)
	}
	if len(tokens) != s.Vocab {
		return fmt.Errorf("vocabulary %s has %d tokens, shape %s needs %d", o.Vocab, len(tokens), s.Name, s.Vocab)
	}
	w.Set("general.architecture", "llama")
	w.Set("general.name", fmt.Sprintf("random %s %s seed %d", s.Name, o.Type.Name, o.Seed))
	w.Set("general.file_type", o.Type.ID)
	if o.Type.quantized() {
		w.Set("general.quantization_version", uint32(2))
	}
	w.Set("llama.vocab_size", uint32(s.Vocab))
	w.Set("llama.context_length", uint32(s.Context))
	w.Set("llama.embedding_length", uint32(s.Embd))
	w.Set("llama.block_count", uint32(s.Layers))
	w.Set("llama.feed_forward_length", uint32(s.FFN))
	w.Set("llama.rope.dimension_count", uint32(s.HeadDim()))
	w.Set("llama.rope.freq_base", s.RopeTheta)
	w.Set("llama.attention.head_count", uint32(s.Heads))
	w.Set("llama.attention.head_count_kv", uint32(s.HeadsKV))
	w.Set("llama.attention.layer_norm_rms_epsilon", s.Eps)
	n := 0
	for _, kv := range vocab.KVs {
		if strings.HasPrefix(kv.Key, "tokenizer.") {
			w.Set(kv.Key, kv.Value)
			n++
		}
	}
	if n == 0 {
		return fmt.Errorf("vocabulary %s has no tokenizer.* keys", o.Vocab)
	}
	return nil
}

// validate checks the options before anything is generated.
func (o Options) validate() error {
	s := o.Shape
	if s.Heads <= 0 || s.HeadsKV <= 0 || s.Embd%s.Heads != 0 || s.Heads%s.HeadsKV != 0 {
		return fmt.Errorf("shape %s: %d heads, %d KV heads and width %d do not divide", s.Name, s.Heads, s.HeadsKV, s.Embd)
	}
	if o.Workers < 1 {
		return fmt.Errorf("workers = %d, need at least 1", o.Workers)
	}
	for _, t := range tensors(s, o.Type) {
		if q, ok := t.typ.Quant(); ok && int(t.dims[0])%q.BlockSize() != 0 {
			return fmt.Errorf("tensor %s: %d columns are not a multiple of %v's block of %d", t.name, t.dims[0], q, q.BlockSize())
		}
	}
	return nil
}

// write prepares the whole model, metadata first, and hands it to emit,
// which streams it out: tensor data is generated while it is written.
// The vocabulary file stays open until emit returns, since the copied
// values may refer to its mapping.
func write(o Options, emit func(*gguf.Writer) error) error {
	if err := o.validate(); err != nil {
		return err
	}
	vocab, err := gguf.Open(o.Vocab)
	if err != nil {
		return fmt.Errorf("vocabulary: %w", err)
	}
	defer vocab.Close()
	w := gguf.NewWriter()
	if err := metadata(w, o, vocab); err != nil {
		return err
	}
	for i, t := range tensors(o.Shape, o.Type) {
		g := generator{spec: t, seed: o.Seed, index: uint64(i), workers: o.Workers}
		if err := w.AddTensorFunc(t.name, t.typ, t.dims, g.writeTo); err != nil {
			return fmt.Errorf("tensor %s: %w", t.name, err)
		}
	}
	return emit(w)
}

// Write writes the model o describes to path, atomically.
func Write(path string, o Options) error {
	return write(o, func(w *gguf.Writer) error { return w.WriteFile(path) })
}

// WriteTo streams the model o describes to out.
func WriteTo(out io.Writer, o Options) (n int64, err error) {
	err = write(o, func(w *gguf.Writer) error {
		n, err = w.WriteTo(out)
		return err
	})
	return n, err
}

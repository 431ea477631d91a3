package main

import (
	"fmt"
	"slices"
	"strings"
)

// Shape is the hyperparameter set of a llama-architecture model.
type Shape struct {
	Name      string
	Embd      int // n_embd: width of the residual stream
	Layers    int // transformer blocks
	Heads     int // query heads
	HeadsKV   int // key/value heads (grouped-query attention when < Heads)
	FFN       int // feed-forward hidden width
	Vocab     int // must equal the vocabulary file's token count
	Context   int // training context length
	RopeTheta float32
	Eps       float32 // RMSNorm epsilon
}

// HeadDim is the width of one attention head.
func (s Shape) HeadDim() int { return s.Embd / s.Heads }

// shapes are the models mkmodel can write. tinyllama is TinyLlama-1.1B's
// shape (its config.json); small keeps every dimension a multiple of 256 so
// that all types, K-quants included, apply, and writes a few-MB file.
var shapes = map[string]Shape{
	"tinyllama": {Name: "tinyllama", Embd: 2048, Layers: 22, Heads: 32, HeadsKV: 4, FFN: 5632,
		Vocab: 32000, Context: 2048, RopeTheta: 10000, Eps: 1e-5},
	"small": {Name: "small", Embd: 256, Layers: 2, Heads: 4, HeadsKV: 2, FFN: 512,
		Vocab: 32000, Context: 512, RopeTheta: 10000, Eps: 1e-5},
}

func shapeNames() string {
	names := make([]string, 0, len(shapes))
	for n := range shapes {
		names = append(names, n)
	}
	slices.Sort(names)
	return strings.Join(names, ", ")
}

func lookupShape(name string) (Shape, error) {
	s, ok := shapes[name]
	if !ok {
		return Shape{}, fmt.Errorf("unknown shape %q (have %s)", name, shapeNames())
	}
	return s, nil
}

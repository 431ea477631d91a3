package main

import (
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"sync"

	"github.com/batuta-go/stack/realizar/gguf"
	"github.com/batuta-go/stack/trueno/quant"
)

// chunkElems is about how many elements one worker generates and encodes
// at a time (4 MB of float32): small enough that a 2 GB model never sits
// in memory, large enough that the workers rarely wait for each other.
const chunkElems = 1 << 20

// generator produces one tensor's data in chunks of whole rows. Chunk c
// draws from its own PCG stream keyed by (seed, tensor index, c), so the
// bytes do not depend on the number of workers.
type generator struct {
	spec    tensorSpec
	seed    uint64
	index   uint64
	workers int
}

// chunk is one worker's share: rows [first, first+rows).
type chunk struct {
	no, first, rows int
	vals            []float32
	out             []byte
}

// writeTo generates, encodes and writes the tensor, workers chunks at a
// time, always in row order.
func (g generator) writeTo(w io.Writer) error {
	rows, cols := g.spec.rowsCols()
	per := max(1, chunkElems/cols)
	rowBytes := g.spec.typ.RowBytes(cols)
	bufs := make([]chunk, g.workers)
	for i := range bufs {
		bufs[i].vals = make([]float32, per*cols)
		bufs[i].out = make([]byte, per*rowBytes)
	}
	for no, first := 0, 0; first < rows; {
		n := 0
		for ; n < g.workers && first < rows; n++ {
			c := &bufs[n]
			c.no, c.first, c.rows = no, first, min(per, rows-first)
			no, first = no+1, first+c.rows
		}
		var wg sync.WaitGroup
		for i := range n {
			wg.Go(func() { g.fill(&bufs[i], cols, rowBytes) })
		}
		wg.Wait()
		for i := range n {
			c := &bufs[i]
			if _, err := w.Write(c.out[:c.rows*rowBytes]); err != nil {
				return fmt.Errorf("writing rows %d..%d: %w", c.first, c.first+c.rows, err)
			}
		}
	}
	return nil
}

// fill generates chunk c's values and encodes them row by row.
func (g generator) fill(c *chunk, cols, rowBytes int) {
	vals := c.vals[:c.rows*cols]
	if g.spec.std == 0 {
		for i := range vals {
			vals[i] = g.spec.fill
		}
	} else {
		r := rand.New(rand.NewPCG(g.seed, g.index<<32|uint64(c.no)))
		for i := range vals {
			vals[i] = float32(r.NormFloat64()) * g.spec.std
		}
	}
	for row := range c.rows {
		encodeRow(g.spec.typ, c.out[row*rowBytes:(row+1)*rowBytes], vals[row*cols:(row+1)*cols])
	}
}

// encodeRow stores src as one row of type t: little-endian float32 for F32,
// trueno's (ggml bit-exact) quantizer for every other type.
func encodeRow(t gguf.TensorType, dst []byte, src []float32) {
	q, ok := t.Quant()
	if !ok {
		for i, v := range src {
			binary.LittleEndian.PutUint32(dst[4*i:], math.Float32bits(v))
		}
		return
	}
	quant.Quantize(q, dst, src)
}

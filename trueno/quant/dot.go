package quant

import "sync"

// Dot returns the dot product of the first n values of the row x, of type
// t, with the row y in t's companion format t.DotType() (Q8_0, Q8_1, Q8_K;
// F16 and BF16 pair with themselves). Inside each block the products are
// summed exactly in integers; each block contributes one float32 term,
// its scales times that sum (minus the scaled block minimum for the types
// that have one). The terms are added in float32 in an order that depends
// on the path; results stay within a few float32 roundings per block of
// the reference. Non-finite scales propagate: the result is then NaN or
// infinite. n must be a multiple of t.BlockSize(); x and y must hold
// exactly n values. A Q8_K row's bsums must be the sums of its quants, as
// Quantize writes them: the kernels take the K-quants' minimum terms (and
// Q6_K's and Q3_K's level offsets) from them.
func Dot(t Type, n int, x, y []byte) float32 {
	checkRow("Dot", t, n, x)
	checkRow("Dot", t.DotType(), n, y)
	return dot(t, n, x, y)
}

// DotF32 quantizes y to t.DotType() and returns Dot(t, len(y), x, yq): the
// way ggml multiplies quantized weights with float32 activations.
func DotF32(t Type, x []byte, y []float32) float32 {
	checkRow("DotF32", t, len(y), x)
	yq := getScratch(t.DotType().RowBytes(len(y)))
	defer putScratch(yq)
	quantizeAct(t.DotType(), *yq, y)
	return dot(t, len(y), x, *yq)
}

var scratch sync.Pool

func getScratch(n int) *[]byte {
	if p, ok := scratch.Get().(*[]byte); ok && cap(*p) >= n {
		*p = (*p)[:n]
		return p
	}
	b := make([]byte, n)
	return &b
}

func putScratch(p *[]byte) { scratch.Put(p) }

package trueno

import (
	"fmt"
	"math"
)

// Row operations of transformer inference: RMSNorm, LayerNorm and rotary
// position embedding.
//
// The normalisations reduce the row with Dot, Mean and Variance (whose
// summation order differs between paths, see Sum) and then apply the scale
// element by element. The apply step is bit-exact on every path for a
// given scale, and so is RoPE: every product is rounded to float32 before
// it is added or subtracted, never fused.

// RMSNormTo sets dst[i] = (x[i]·s)·w[i] with s = 1/√(mean(x²) + eps), the
// RMSNorm of llama and its successors. dst may be x itself.
//
// The scale is computed as
//
//	ms := float64(Dot(x, x)) / float64(len(x))
//	s := float32(1 / math.Sqrt(ms + float64(eps)))
//
// so the float32 sum of squares may come in any order; when it overflows
// (elements beyond about 1.8e19) ms is taken from L2Norm(x)², which does
// not. The two products are rounded to float32 one after the other, as in
// llama.cpp (scale, then multiply by the weight). A nil w means all ones
// (dst[i] = x[i]·s). An infinite element makes s zero and that element
// NaN; a NaN makes everything NaN. An empty x does nothing. RMSNormTo
// panics unless dst and x have the same length, and w too when it is not
// nil.
func RMSNormTo(dst, x, w []float32, eps float32) {
	checkLen2("RMSNormTo", len(dst), len(x))
	if w != nil {
		checkLen2("RMSNormTo", len(w), len(x))
	}
	n := len(x)
	if n == 0 {
		return
	}
	ms := float64(Dot(x, x)) / float64(n)
	if ms > math.MaxFloat64/2 {
		r := float64(L2Norm(x))
		ms = r * r / float64(n)
	}
	s := float32(1 / math.Sqrt(ms+float64(eps)))
	if w == nil {
		rmsNormScale(dst, x, s)
		return
	}
	rmsNormApply(dst, x, w, s)
}

// LayerNormTo sets dst[i] = ((x[i]−m)·r)·w[i] + b[i] with m = Mean(x) and
// r = 1/√(Variance(x) + eps), the LayerNorm of GPT-2, BERT and phi.
// dst may be x itself.
//
// The variance is the population variance (divided by n); r is computed
// as float32(1 / math.Sqrt(float64(Variance(x)) + float64(eps))), except
// that a variance beyond MaxFloat32 (finite elements beyond about 1.8e19)
// is recomputed in float64 from the same mean, so such rows still
// normalise. Each
// operation of the apply step is rounded to float32 in the order written,
// the way llama.cpp applies the norm, then the weight, then the bias. A
// nil w means all ones and a nil b all zeros: those operations are
// skipped, so dst[i] = (x[i]−m)·r with both nil. An infinite or NaN
// element makes every output NaN. An empty x does nothing. LayerNormTo
// panics unless dst and x have the same length, and w and b too when they
// are not nil.
func LayerNormTo(dst, x, w, b []float32, eps float32) {
	checkLen2("LayerNormTo", len(dst), len(x))
	if w != nil {
		checkLen2("LayerNormTo", len(w), len(x))
	}
	if b != nil {
		checkLen2("LayerNormTo", len(b), len(x))
	}
	if len(x) == 0 {
		return
	}
	m := Mean(x)
	v := float64(Variance(x))
	if v > math.MaxFloat32 {
		// Finite elements beyond about 1.8e19 can have a variance beyond
		// float32; the normalised row is still ordinary.
		v = layerNormVariance64(x, m)
	}
	r := float32(1 / math.Sqrt(v+float64(eps)))
	switch {
	case w != nil && b != nil:
		layerNormApplyWB(dst, x, w, b, m, r)
	case w != nil:
		layerNormApplyW(dst, x, w, m, r)
	case b != nil:
		layerNormApplyB(dst, x, b, m, r)
	default:
		layerNormApply(dst, x, m, r)
	}
}

// RoPE applies rotary position embedding in the "normal" layout of GPT-J
// and llama.cpp (adjacent pairs) to x, one position's vector of
// len(x)/headDim heads of headDim values each, in place.
//
// With p = len(cos) rotated pairs (p = headDim/2 rotates the whole head;
// fewer is partial rotary: the dimensions from 2p on are left unchanged),
// every head h rotates its pairs (x0, x1) = (x[h·headDim+2i],
// x[h·headDim+2i+1]) for i < p by the angle whose cosine and sine are
// cos[i] and sin[i]:
//
//	x0' = x0·cos[i] − x1·sin[i]
//	x1' = x0·sin[i] + x1·cos[i]
//
// each product rounded to float32 before the subtraction or addition (no
// fused multiply-add), so every path gives the same bits. RoPEAngles fills
// the tables. RoPE panics unless headDim is positive and even, len(x) a
// multiple of headDim, len(cos) == len(sin) and 2·len(cos) <= headDim.
func RoPE(x []float32, headDim int, cos, sin []float32) {
	ropeCheck("RoPE", len(x), headDim, len(cos), len(sin))
	rope(x, headDim, cos, sin)
}

// RoPENeoX applies rotary position embedding in the NeoX layout of GPT-NeoX
// and Hugging Face ("rotate half"): like RoPE, but the pair i of every head
// is (x[h·headDim+i], x[h·headDim+p+i]) with p = len(cos), the first half
// of the rotated dimensions against the second. With p = headDim/2 that is
// (x[i], x[i+headDim/2]); with fewer pairs (phi's partial rotary) the
// dimensions from 2p on are left unchanged. Rounding, panics and tables as
// for RoPE.
func RoPENeoX(x []float32, headDim int, cos, sin []float32) {
	ropeCheck("RoPENeoX", len(x), headDim, len(cos), len(sin))
	ropeNeoX(x, headDim, cos, sin)
}

// RoPEAngles fills cos and sin with the rotation of position pos for
// p = len(cos) rotated pairs (2p rotated dimensions), base theta
// (10000 for llama 1 and 2, 500000 for llama 3, 1e6 for qwen2):
//
//	angle = float64(pos) · freqScale · theta^(−2i/(2p))
//	cos[i], sin[i] = float32(cos(angle)), float32(sin(angle))
//
// computed in float64 with math.Pow and math.Sincos and rounded once.
// freqScale is llama.cpp's linear rope scaling factor: 1 for none, 1/f to
// stretch the context f times. RoPEAngles panics unless len(cos) ==
// len(sin).
func RoPEAngles(cos, sin []float32, pos int, theta float64, freqScale float64) {
	checkLen2("RoPEAngles", len(cos), len(sin))
	d := float64(2 * len(cos))
	for i := range cos {
		a := float64(pos) * freqScale * math.Pow(theta, -float64(2*i)/d)
		s, c := math.Sincos(a)
		cos[i], sin[i] = float32(c), float32(s)
	}
}

func ropeCheck(op string, n, headDim, nc, ns int) {
	if headDim <= 0 || headDim%2 != 0 {
		panic(fmt.Sprintf("trueno: %s: head dimension %d is not a positive even number", op, headDim))
	}
	if n%headDim != 0 {
		panic(fmt.Sprintf("trueno: %s: length %d is not a multiple of the head dimension %d", op, n, headDim))
	}
	checkLen2(op, nc, ns)
	if 2*nc > headDim {
		panic(fmt.Sprintf("trueno: %s: %d rotated pairs do not fit the head dimension %d", op, nc, headDim))
	}
}

// layerNormVariance64 returns Σ(x[i]−m)²/n in float64, LayerNormTo's path
// for rows whose variance overflows float32.
func layerNormVariance64(x []float32, m float32) float64 {
	var s float64
	for _, v := range x {
		d := float64(v) - float64(m)
		s += d * d
	}
	return s / float64(len(x))
}

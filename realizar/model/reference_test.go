package model

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/batuta-go/stack/realizar/gguf"
	"github.com/batuta-go/stack/trueno/quant"
)

// This file is an independent float64 reference of the forward pass,
// written with plain loops from the architectures' descriptions (the
// Llama, Qwen2/3, Phi-3 and Gemma 2 papers and model cards, Hugging Face's
// modelling code as a description of the maths, not as code), and small
// random-weight models built with our GGUF writer. It checks what the
// llama.cpp goldens cannot: qwen3 (llama.cpp at the golden commit has no
// qwen3) and llama with a sliding window (Mistral: llama.cpp at that
// commit ignores the key), and the rope scalings.

// refSpec describes a random test model.
type refSpec struct {
	arch                  string
	E, L, H, KVH, D, F, V int
	ctx                   int
	theta                 float64
	eps                   float64
	window                int // sliding window (metadata key)
	tied, bias, fusedQKV  bool
	attnCap, finalCap     float64
	scaling               map[string]any // extra rope.scaling.* keys
	wtype                 gguf.TensorType
	seed                  uint64
	omit                  string // a tensor left out (error tests)
	reshape               string // a tensor written with wrong dims (error tests)
	headDimKey            bool
	ropeFactors           string // "freqs" (rope_freqs.weight) or "longrope" (Phi-3's short and long factor tensors)
	cacheSize             int    // the NewState size the reference assumes (longrope picks its factors by it)
}

// ropeFactorValues are the frequency divisors the test models carry.
func ropeFactorValues(kind string, pairs int) []float32 {
	f := make([]float32, pairs)
	for i := range f {
		switch kind {
		case "freqs":
			f[i] = 1 + 0.25*float32(i)
		case "short":
			f[i] = 1 + 0.05*float32(i)
		case "long":
			f[i] = 1 + 0.6*float32(i)
		}
	}
	return f
}

// refModel is a built model: its GGUF bytes and the weights as the
// engine sees them (after any quantization), in float64.
type refModel struct {
	spec refSpec
	file []byte
	w    map[string][]float64
}

func (s refSpec) neox() bool { return s.arch != "llama" }

// build writes the GGUF of a random model of spec s.
func (s refSpec) build(tb testing.TB) *refModel {
	tb.Helper()
	rng := rand.New(rand.NewPCG(s.seed, 99))
	rm := &refModel{spec: s, w: map[string][]float64{}}
	w := gguf.NewWriter()
	p := s.arch + "."
	w.Set("general.architecture", s.arch)
	w.Set(p+"context_length", uint32(s.ctx))
	w.Set(p+"embedding_length", uint32(s.E))
	w.Set(p+"block_count", uint32(s.L))
	w.Set(p+"feed_forward_length", uint32(s.F))
	w.Set(p+"attention.head_count", uint32(s.H))
	w.Set(p+"attention.head_count_kv", uint32(s.KVH))
	if s.headDimKey || s.D != s.E/s.H {
		w.Set(p+"attention.key_length", uint32(s.D))
		w.Set(p+"attention.value_length", uint32(s.D))
	}
	w.Set(p+"rope.freq_base", float32(s.theta))
	w.Set(p+"attention.layer_norm_rms_epsilon", float32(s.eps))
	if s.window > 0 {
		w.Set(p+"attention.sliding_window", uint32(s.window))
	}
	if s.arch == "gemma2" {
		w.Set(p+"attn_logit_softcapping", float32(s.attnCap))
		w.Set(p+"final_logit_softcapping", float32(s.finalCap))
	}
	for k, v := range s.scaling {
		w.Set(p+"rope.scaling."+k, v)
	}
	add := func(name string, rows, cols int, std float64, norm bool) {
		if name == s.omit {
			return
		}
		if name == s.reshape {
			cols++
		}
		vals := make([]float32, rows*cols)
		for i := range vals {
			if norm {
				vals[i] = float32(1 + 0.1*rng.NormFloat64())
			} else {
				vals[i] = float32(std * rng.NormFloat64())
			}
		}
		t := gguf.F32
		if isMatrix(name) {
			t = s.wtype
		}
		data, deq := encode(t, vals, cols)
		rm.w[name] = deq
		dims := []uint64{uint64(cols)}
		if isMatrix(name) {
			dims = append(dims, uint64(rows))
		}
		if err := w.AddTensor(name, t, dims, data); err != nil {
			tb.Fatal(err)
		}
	}
	qDim, kvDim := s.H*s.D, s.KVH*s.D
	addFactors := func(name, kind string) {
		vals := ropeFactorValues(kind, s.D/2)
		data, _ := encode(gguf.F32, vals, len(vals))
		if err := w.AddTensor(name, gguf.F32, []uint64{uint64(len(vals))}, data); err != nil {
			tb.Fatal(err)
		}
	}
	switch s.ropeFactors {
	case "freqs":
		addFactors("rope_freqs.weight", "freqs")
	case "longrope":
		addFactors("rope_factors_short.weight", "short")
		addFactors("rope_factors_long.weight", "long")
	}
	add("token_embd.weight", s.V, s.E, 0.5, false)
	add("output_norm.weight", 1, s.E, 0, true)
	if !s.tied {
		add("output.weight", s.V, s.E, 0.3, false)
	}
	for l := range s.L {
		n := func(x string) string { return fmt.Sprintf("blk.%d.%s", l, x) }
		add(n("attn_norm.weight"), 1, s.E, 0, true)
		if s.fusedQKV {
			add(n("attn_qkv.weight"), qDim+2*kvDim, s.E, 0.15, false)
		} else {
			add(n("attn_q.weight"), qDim, s.E, 0.15, false)
			add(n("attn_k.weight"), kvDim, s.E, 0.15, false)
			add(n("attn_v.weight"), kvDim, s.E, 0.15, false)
		}
		if s.bias {
			add(n("attn_q.bias"), 1, qDim, 0.2, false)
			add(n("attn_k.bias"), 1, kvDim, 0.2, false)
			add(n("attn_v.bias"), 1, kvDim, 0.2, false)
		}
		if s.arch == "qwen3" {
			add(n("attn_q_norm.weight"), 1, s.D, 0, true)
			add(n("attn_k_norm.weight"), 1, s.D, 0, true)
		}
		add(n("attn_output.weight"), s.E, qDim, 0.15, false)
		if s.arch == "gemma2" {
			add(n("post_attention_norm.weight"), 1, s.E, 0, true)
			add(n("post_ffw_norm.weight"), 1, s.E, 0, true)
		}
		add(n("ffn_norm.weight"), 1, s.E, 0, true)
		if s.arch == "phi3" {
			add(n("ffn_up.weight"), 2*s.F, s.E, 0.15, false)
		} else {
			add(n("ffn_gate.weight"), s.F, s.E, 0.15, false)
			add(n("ffn_up.weight"), s.F, s.E, 0.15, false)
		}
		add(n("ffn_down.weight"), s.E, s.F, 0.15, false)
	}
	var buf bytes.Buffer
	if _, err := w.WriteTo(&buf); err != nil {
		tb.Fatal(err)
	}
	rm.file = buf.Bytes()
	return rm
}

// isMatrix says whether a tensor name is a 2-D weight (biases and norms
// are 1-D even when written with add's rows = 1).
func isMatrix(name string) bool {
	return !strings.HasSuffix(name, ".bias") && !strings.Contains(name, "norm")
}

// encode stores vals (rows of cols) as type t and returns the bytes and
// the values the engine will see, in float64.
func encode(t gguf.TensorType, vals []float32, cols int) ([]byte, []float64) {
	deq := make([]float64, len(vals))
	if t == gguf.F32 {
		b := make([]byte, 4*len(vals))
		for i, v := range vals {
			binary.LittleEndian.PutUint32(b[4*i:], math.Float32bits(v))
			deq[i] = float64(v)
		}
		return b, deq
	}
	q, _ := t.Quant()
	rows := len(vals) / cols
	rb := q.RowBytes(cols)
	b := make([]byte, rows*rb)
	row := make([]float32, cols)
	for r := range rows {
		quant.Quantize(q, b[r*rb:(r+1)*rb], vals[r*cols:(r+1)*cols])
		quant.Dequantize(q, row, b[r*rb:(r+1)*rb])
		for i, v := range row {
			deq[r*cols+i] = float64(v)
		}
	}
	return b, deq
}

// load opens the built file through the engine.
func (rm *refModel) load(tb testing.TB, opts Options) *Model {
	tb.Helper()
	f, err := gguf.Parse(bytes.NewReader(rm.file), int64(len(rm.file)))
	if err != nil {
		tb.Fatal(err)
	}
	m, err := Load(GGUFSource(f), opts)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { m.Close() })
	return m
}

// forward is the float64 reference: the logits (and final normed hidden
// state) at every position of tokens, from position 0.
func (rm *refModel) forward(tokens []int32) (logits, hidden [][]float64) {
	s := rm.spec
	W := rm.w
	T := len(tokens)
	qDim, kvDim := s.H*s.D, s.KVH*s.D
	x := make([][]float64, T)
	for t, tok := range tokens {
		x[t] = append([]float64(nil), W["token_embd.weight"][int(tok)*s.E:(int(tok)+1)*s.E]...)
		if s.arch == "gemma2" {
			for i := range x[t] {
				x[t][i] *= math.Sqrt(float64(s.E))
			}
		}
	}
	freqs, mscale := refFreqs(s), refMscale(s)
	for l := range s.L {
		n := func(x string) string { return fmt.Sprintf("blk.%d.%s", l, x) }
		Q := make([][]float64, T)
		K := make([][]float64, T)
		V := make([][]float64, T)
		for t := range T {
			h := rmsnorm(x[t], W[n("attn_norm.weight")], s.eps)
			if s.fusedQKV {
				qkv := rm.matvec(W[n("attn_qkv.weight")], h)
				Q[t], K[t], V[t] = qkv[:qDim], qkv[qDim:qDim+kvDim], qkv[qDim+kvDim:]
			} else {
				Q[t] = rm.matvec(W[n("attn_q.weight")], h)
				K[t] = rm.matvec(W[n("attn_k.weight")], h)
				V[t] = rm.matvec(W[n("attn_v.weight")], h)
			}
			if s.bias {
				addTo(Q[t], W[n("attn_q.bias")])
				addTo(K[t], W[n("attn_k.bias")])
				addTo(V[t], W[n("attn_v.bias")])
			}
			for hd := range s.H {
				seg := Q[t][hd*s.D : (hd+1)*s.D]
				if s.arch == "qwen3" {
					copy(seg, rmsnorm(seg, W[n("attn_q_norm.weight")], s.eps))
				}
				refRope(seg, t, freqs, mscale, s.neox())
			}
			for hd := range s.KVH {
				seg := K[t][hd*s.D : (hd+1)*s.D]
				if s.arch == "qwen3" {
					copy(seg, rmsnorm(seg, W[n("attn_k_norm.weight")], s.eps))
				}
				refRope(seg, t, freqs, mscale, s.neox())
			}
		}
		window := 0
		if s.window > 0 && (s.arch != "gemma2" || l%2 == 0) {
			window = s.window
		}
		for t := range T {
			att := make([]float64, qDim)
			for hd := range s.H {
				g := hd / (s.H / s.KVH)
				q := Q[t][hd*s.D : (hd+1)*s.D]
				sc := make([]float64, t+1)
				mx := math.Inf(-1)
				for p := 0; p <= t; p++ {
					if window > 0 && t-p >= window {
						sc[p] = math.Inf(-1)
						continue
					}
					d := 0.0
					for i := range s.D {
						d += q[i] * K[p][g*s.D+i]
					}
					d /= math.Sqrt(float64(s.D))
					if s.arch == "gemma2" {
						d = s.attnCap * math.Tanh(d/s.attnCap)
					}
					sc[p] = d
					mx = max(mx, d)
				}
				sum := 0.0
				for p := range sc {
					sc[p] = math.Exp(sc[p] - mx)
					sum += sc[p]
				}
				for p := range sc {
					for i := range s.D {
						att[hd*s.D+i] += sc[p] / sum * V[p][g*s.D+i]
					}
				}
			}
			o := rm.matvec(W[n("attn_output.weight")], att)
			if s.arch == "gemma2" {
				o = rmsnorm(o, W[n("post_attention_norm.weight")], s.eps)
			}
			addTo(x[t], o)
			h := rmsnorm(x[t], W[n("ffn_norm.weight")], s.eps)
			var gate, up []float64
			if s.arch == "phi3" {
				gu := rm.matvec(W[n("ffn_up.weight")], h)
				gate, up = gu[:s.F], gu[s.F:]
			} else {
				gate = rm.matvec(W[n("ffn_gate.weight")], h)
				up = rm.matvec(W[n("ffn_up.weight")], h)
			}
			for i := range gate {
				a := gate[i] / (1 + math.Exp(-gate[i])) // SiLU
				if s.arch == "gemma2" {
					a = 0.5 * gate[i] * (1 + math.Tanh(math.Sqrt(2/math.Pi)*(gate[i]+0.044715*gate[i]*gate[i]*gate[i])))
				}
				gate[i] = a * up[i]
			}
			f := rm.matvec(W[n("ffn_down.weight")], gate)
			if s.arch == "gemma2" {
				f = rmsnorm(f, W[n("post_ffw_norm.weight")], s.eps)
			}
			addTo(x[t], f)
		}
	}
	out := W["output.weight"]
	if s.tied {
		out = W["token_embd.weight"]
	}
	for t := range T {
		h := rmsnorm(x[t], W["output_norm.weight"], s.eps)
		lg := rm.matvec(out, h)
		if s.arch == "gemma2" {
			for i := range lg {
				lg[i] = s.finalCap * math.Tanh(lg[i]/s.finalCap)
			}
		}
		hidden = append(hidden, h)
		logits = append(logits, lg)
	}
	return logits, hidden
}

func rmsnorm(x, w []float64, eps float64) []float64 {
	ss := 0.0
	for _, v := range x {
		ss += v * v
	}
	r := 1 / math.Sqrt(ss/float64(len(x))+eps)
	out := make([]float64, len(x))
	for i, v := range x {
		out[i] = v * r * w[i]
	}
	return out
}

// matvec is w (rows of len(x)) times x, with x first rounded as the
// engine's kernels round activations for the weight type: to the type's
// dot-product companion (Q8_0 blocks for Q8_0, float16 for F16), as ggml
// does. The rounding uses trueno/quant's quantizers, which are bit-exact
// with ggml's reference ones.
func (rm *refModel) matvec(w, x []float64) []float64 {
	if q, ok := rm.spec.wtype.Quant(); ok {
		dt := q.DotType()
		x32 := make([]float32, len(x))
		for i, v := range x {
			x32[i] = float32(v)
		}
		b := make([]byte, dt.RowBytes(len(x)))
		quant.Quantize(dt, b, x32)
		quant.Dequantize(dt, x32, b)
		x = make([]float64, len(x))
		for i, v := range x32 {
			x[i] = float64(v)
		}
	}
	return matvec(w, x)
}

// matvec is w (rows of len(x)) times x.
func matvec(w, x []float64) []float64 {
	out := make([]float64, len(w)/len(x))
	for r := range out {
		s := 0.0
		for i, v := range x {
			s += w[r*len(x)+i] * v
		}
		out[r] = s
	}
	return out
}

func addTo(x, y []float64) {
	for i := range x {
		x[i] += y[i]
	}
}

// refFreqs is the rotation frequency of each dimension pair after
// scaling, as the scaling methods define it: linear divides the
// frequencies by the factor; Llama 3.1 divides the long-wavelength ones
// by the factor and blends in between; YaRN blends interpolated and
// original frequencies along a ramp over the pairs (and scales cos and
// sin by 0.1·ln(factor)+1, returned as mscale through refMscale).
func refFreqs(s refSpec) []float64 {
	half := s.D / 2
	f := make([]float64, half)
	for i := range f {
		f[i] = math.Pow(s.theta, -2*float64(i)/float64(s.D))
	}
	typ, _ := s.scaling["type"].(string)
	factor := 1.0
	if v, ok := s.scaling["factor"].(float32); ok {
		factor = float64(v)
	}
	orig := float64(s.ctx)
	if v, ok := s.scaling["original_context_length"].(uint32); ok {
		orig = float64(v)
	}
	switch typ {
	case "linear":
		for i := range f {
			f[i] /= factor
		}
	case "llama3":
		lo, hi := 1.0, 4.0
		loWave, hiWave := orig/lo, orig/hi
		for i, fr := range f {
			wave := 2 * math.Pi / fr
			switch {
			case wave < hiWave:
			case wave > loWave:
				f[i] = fr / factor
			default:
				sm := (orig/wave - lo) / (hi - lo)
				f[i] = (1-sm)*fr/factor + sm*fr
			}
		}
	case "yarn":
		corr := func(rot float64) float64 {
			return float64(s.D) * math.Log(orig/(rot*2*math.Pi)) / (2 * math.Log(s.theta))
		}
		low := max(0, math.Floor(corr(32)))
		high := min(float64(s.D-1), math.Ceil(corr(1)))
		for i, fr := range f {
			ramp := min(1, max(0, (float64(i)-low)/max(0.001, high-low)))
			extrap := 1 - ramp
			f[i] = fr/factor*(1-extrap) + fr*extrap
		}
	}
	// Per-pair divisors carried as tensors: Llama 3.1's rope_freqs, or
	// Phi-3's long factors when the cache exceeds the original context,
	// its short ones otherwise.
	var div []float32
	switch s.ropeFactors {
	case "freqs":
		div = ropeFactorValues("freqs", half)
	case "longrope":
		div = ropeFactorValues("short", half)
		if float64(s.cacheSize) > orig {
			div = ropeFactorValues("long", half)
		}
	}
	for i, d := range div {
		f[i] /= float64(d)
	}
	return f
}

// refMscale is the factor on cos and sin: YaRN's 0.1·ln(factor)+1, or
// the file's rope.scaling.attn_factor.
func refMscale(s refSpec) float64 {
	m := 1.0
	if v, ok := s.scaling["attn_factor"].(float32); ok {
		m = float64(v)
	}
	if typ, _ := s.scaling["type"].(string); typ == "yarn" {
		m *= 0.1*math.Log(float64(s.scaling["factor"].(float32))) + 1
	}
	return m
}

// refRope rotates one head at position pos: pairs (2i, 2i+1), or (i,
// i+D/2) in the NeoX layout, by pos·freqs[i], scaled by mscale.
func refRope(x []float64, pos int, freqs []float64, mscale float64, neox bool) {
	half := len(x) / 2
	for i, f := range freqs {
		a, b := 2*i, 2*i+1
		if neox {
			a, b = i, i+half
		}
		sn, cs := math.Sincos(float64(pos) * f)
		sn, cs = sn*mscale, cs*mscale
		x0, x1 := x[a], x[b]
		x[a] = x0*cs - x1*sn
		x[b] = x0*sn + x1*cs
	}
}

// refSpecs are the random models checked against the reference.
func refSpecs() map[string]refSpec {
	base := refSpec{E: 48, L: 2, H: 4, KVH: 2, D: 12, F: 96, V: 96, ctx: 256, theta: 10000, eps: 1e-5, wtype: gguf.F32, cacheSize: 160}
	sp := map[string]refSpec{}
	add := func(name string, f func(*refSpec)) {
		s := base
		s.seed = uint64(len(sp) + 1)
		f(&s)
		sp[name] = s
	}
	add("llama", func(s *refSpec) { s.arch = "llama" })
	add("mistral-window", func(s *refSpec) { s.arch = "llama"; s.window = 5; s.L = 3 })
	add("qwen3", func(s *refSpec) { s.arch = "qwen3"; s.D = 16; s.tied = true; s.theta = 1e6; s.eps = 1e-6 })
	add("qwen2", func(s *refSpec) { s.arch = "qwen2"; s.bias = true; s.tied = true })
	add("phi3", func(s *refSpec) { s.arch = "phi3"; s.fusedQKV = true; s.window = 6 })
	add("gemma2", func(s *refSpec) {
		s.arch = "gemma2"
		s.D = 16
		s.L = 3
		s.window = 4
		s.tied = true
		s.attnCap, s.finalCap = 5, 8
	})
	add("llama-linear", func(s *refSpec) {
		s.arch = "llama"
		s.scaling = map[string]any{"type": "linear", "factor": float32(4)}
	})
	add("llama3-scaling", func(s *refSpec) {
		s.arch = "llama"
		s.theta = 500000
		s.D = 32
		s.E = 64
		s.H = 2
		s.KVH = 1
		s.scaling = map[string]any{"type": "llama3", "factor": float32(8), "original_context_length": uint32(16)}
	})
	add("qwen2-yarn", func(s *refSpec) {
		s.arch = "qwen2"
		s.bias = true
		s.D = 32
		s.E = 64
		s.H = 2
		s.KVH = 2
		s.scaling = map[string]any{"type": "yarn", "factor": float32(4), "original_context_length": uint32(16)}
	})
	add("llama-rope-freqs", func(s *refSpec) { s.arch = "llama"; s.ropeFactors = "freqs"; s.theta = 500000 })
	add("phi3-longrope-long", func(s *refSpec) {
		s.arch = "phi3"
		s.fusedQKV = true
		s.ropeFactors = "longrope"
		s.window = 300
		s.scaling = map[string]any{"original_context_length": uint32(64), "attn_factor": float32(1.19)}
	})
	add("phi3-longrope-short", func(s *refSpec) {
		s.arch = "phi3"
		s.fusedQKV = true
		s.ropeFactors = "longrope"
		s.window = 300
		s.scaling = map[string]any{"original_context_length": uint32(200), "attn_factor": float32(1.19)}
	})
	add("llama-q8_0", func(s *refSpec) { s.arch = "llama"; s.wtype = gguf.Q8_0; s.E = 64; s.F = 128; s.D = 16 })
	add("qwen3-f16", func(s *refSpec) { s.arch = "qwen3"; s.wtype = gguf.F16; s.D = 16 })
	add("gemma2-bf16", func(s *refSpec) {
		s.arch = "gemma2"
		s.wtype = gguf.BF16
		s.D = 16
		s.window = 4
		s.tied = true
		s.attnCap, s.finalCap = 5, 8
	})
	add("qwen2-q4_k", func(s *refSpec) {
		// K-quants take rows of 256: every matrix width is a multiple.
		s.arch = "qwen2"
		s.bias = true
		s.wtype = gguf.TensorType(quant.Q4_K)
		s.E, s.F, s.H, s.KVH, s.D = 256, 512, 8, 4, 32
	})
	return sp
}

// refTolerance is the logit tolerance against the float64 reference,
// for every logit (max) and on average (mean). Float32 arithmetic stays
// within 1e-5 on these sizes (2e-4 allowed for both). With F16, BF16 and
// quantized weights the reference rounds the activations as the kernels
// do, but a float32 difference upstream (another summation order) can
// move a value across a rounding boundary — a float16 ulp, a Q8_0 step
// of 1/127 of its block's largest value — and the jump propagates to the
// later positions through the cache: measured up to 3e-2 on single
// logits (0.1 allowed) for Q8_0, and up to 0.17 (0.3 allowed) for the
// K-quants, whose activations are quantized in coarser blocks of 256
// (Q8_K). The mean, which a real fault (a wrong scale, row or block)
// would push to the order of the logits themselves, stays below 1.5e-3
// on every kernel path (5e-3 allowed).
func refTolerance(s refSpec) (maxTol, meanTol float64) {
	q, ok := s.wtype.Quant()
	switch {
	case !ok:
		return 2e-4, 2e-4
	case q.DotType() == quant.Q8_K:
		return 0.3, 5e-3
	}
	return 0.1, 5e-3
}

// TestReference compares every random model with the float64 reference
// at every position of a 150-token sequence (longer than the sliding
// windows and than one attention query block), evaluated in chunks of
// several sizes (one batch, one token at a time, mixed, passes of 40),
// with 1 and 2 threads, and the final hidden states of EvalHidden.
func TestReference(t *testing.T) {
	ctx := t.Context()
	for name, s := range refSpecs() {
		t.Run(name, func(t *testing.T) {
			rm := s.build(t)
			rng := rand.New(rand.NewPCG(s.seed, 7))
			tokens := make([]int32, 150)
			for i := range tokens {
				tokens[i] = int32(rng.IntN(s.V))
			}
			want, wantHidden := rm.forward(tokens)
			tol, meanTol := refTolerance(s)
			if mscale := refMscale(s); mscale != 1 {
				t.Logf("rope cos/sin scale %g", mscale)
			}
			worst, sum, count := 0.0, 0.0, 0
			for _, threads := range []int{1, 2} {
				m := rm.load(t, Options{Threads: threads})
				// One batch (three query blocks), one token at a time, mixed
				// chunks, and one batch split into passes of 40 tokens.
				for _, chunks := range [][]int{{150}, ones(150), {5, 1, 7, 2, 8, 127}, {150, -40}} {
					st, err := m.NewState(s.cacheSize)
					if err != nil {
						t.Fatal(err)
					}
					if chunks[len(chunks)-1] < 0 {
						st.batch = -chunks[len(chunks)-1]
						chunks = chunks[:len(chunks)-1]
					}
					logits := make([]float32, s.V)
					pos := 0
					for _, c := range chunks {
						if err := st.Eval(ctx, tokens[pos:pos+c], logits); err != nil {
							t.Fatal(err)
						}
						pos += c
						for i, v := range logits {
							d := math.Abs(float64(v) - want[pos-1][i])
							worst = max(worst, d)
							sum += d
							count++
							if d > tol {
								t.Fatalf("threads %d, chunks %v: position %d logit %d = %g, reference %g (|diff| %.3g > %g)", threads, chunks, pos-1, i, v, want[pos-1][i], d, tol)
							}
						}
					}
				}
				st, err := m.NewState(s.cacheSize)
				if err != nil {
					t.Fatal(err)
				}
				st.batch = 64
				hidden := make([]float32, len(tokens)*s.E)
				if err := st.EvalHidden(ctx, tokens, hidden); err != nil {
					t.Fatal(err)
				}
				for i, v := range hidden {
					if d := math.Abs(float64(v) - wantHidden[i/s.E][i%s.E]); d > tol {
						t.Fatalf("hidden state %d of position %d = %g, reference %g", i%s.E, i/s.E, v, wantHidden[i/s.E][i%s.E])
					}
				}
			}
			mean := sum / float64(count)
			if mean > meanTol {
				t.Fatalf("mean |logit - reference| = %.3g > %g", mean, meanTol)
			}
			t.Logf("|logit - reference|: max %.3g (tolerance %g), mean %.3g (tolerance %g)", worst, tol, mean, meanTol)
		})
	}
}

func ones(n int) []int {
	o := make([]int, n)
	for i := range o {
		o[i] = 1
	}
	return o
}

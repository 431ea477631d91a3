package main

import (
	"context"
	"crypto/sha256"
	"math"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/batuta-go/stack/internal/testdata"
	"github.com/batuta-go/stack/realizar/gguf"
	"github.com/batuta-go/stack/realizar/model"
	"github.com/batuta-go/stack/trueno/quant"
)

func vocabFile(t *testing.T) string {
	return filepath.Join(testdata.Dir(t, "tokenizer"), "ggml-vocab-llama-spm.gguf")
}

func TestUseMoreBitsTinyLlama(t *testing.T) {
	var got []int
	for l := range 22 {
		if useMoreBits(l, 22) {
			got = append(got, l)
		}
	}
	// The Q6_K layers llama-quantize reports for TinyLlama Q4_K_M.
	want := []int{0, 1, 4, 7, 10, 13, 16, 19, 20, 21}
	if !slices.Equal(got, want) {
		t.Fatalf("useMoreBits layers = %v, want %v", got, want)
	}
}

func TestMix(t *testing.T) {
	q4km, _ := lookupFileType("Q4_K_M")
	q40, _ := lookupFileType("q4_0")
	q80, _ := lookupFileType("q8_0")
	f16, _ := lookupFileType("f16")
	tt := func(q quant.Type) gguf.TensorType { return gguf.TensorType(q) }
	cases := []struct {
		ft    FileType
		role  string
		layer int
		want  gguf.TensorType
	}{
		{q4km, "token_embd.weight", 0, tt(quant.Q4_K)},
		{q4km, "output.weight", 0, tt(quant.Q6_K)},
		{q4km, "attn_v.weight", 4, tt(quant.Q6_K)},
		{q4km, "attn_v.weight", 5, tt(quant.Q4_K)},
		{q4km, "ffn_down.weight", 21, tt(quant.Q6_K)},
		{q4km, "ffn_down.weight", 3, tt(quant.Q4_K)},
		{q4km, "attn_q.weight", 0, tt(quant.Q4_K)},
		{q4km, "ffn_up.weight", 0, tt(quant.Q4_K)},
		{q40, "output.weight", 0, tt(quant.Q6_K)},
		{q40, "attn_v.weight", 0, tt(quant.Q4_0)},
		{q40, "token_embd.weight", 0, tt(quant.Q4_0)},
		{q80, "output.weight", 0, tt(quant.Q8_0)},
		{f16, "output.weight", 0, tt(quant.F16)},
	}
	for _, c := range cases {
		if got := c.ft.weightType(c.role, c.layer, 22); got != c.want {
			t.Errorf("%s %s layer %d: %v, want %v", c.ft.Name, c.role, c.layer, got, c.want)
		}
	}
}

// TestSmallModel writes the small shape in every type, reopens it and
// checks the metadata, the tensor list and types, and the weights'
// statistics.
func TestSmallModel(t *testing.T) {
	vocabPath := vocabFile(t)
	vocab, err := gguf.Open(vocabPath)
	if err != nil {
		t.Fatal(err)
	}
	defer vocab.Close()
	wantTokens, err := vocab.Strings("tokenizer.ggml.tokens")
	if err != nil {
		t.Fatal(err)
	}
	s := shapes["small"]
	for _, ft := range fileTypes {
		t.Run(ft.Name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "m.gguf")
			if err := Write(path, Options{Shape: s, Type: ft, Seed: 7, Vocab: vocabPath, Workers: 2}); err != nil {
				t.Fatal(err)
			}
			f, err := gguf.Open(path)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			checkMetadata(t, f, s, ft, wantTokens, vocab)
			checkTensors(t, f, s, ft)
			checkForward(t, f)
		})
	}
}

func checkMetadata(t *testing.T, f *gguf.File, s Shape, ft FileType, wantTokens []string, vocab *gguf.File) {
	t.Helper()
	if a, err := f.String("general.architecture"); err != nil || a != "llama" {
		t.Errorf("general.architecture = %q, %v", a, err)
	}
	uints := map[string]int{
		"general.file_type":             int(ft.ID),
		"llama.context_length":          s.Context,
		"llama.embedding_length":        s.Embd,
		"llama.block_count":             s.Layers,
		"llama.feed_forward_length":     s.FFN,
		"llama.rope.dimension_count":    s.HeadDim(),
		"llama.attention.head_count":    s.Heads,
		"llama.attention.head_count_kv": s.HeadsKV,
		"llama.vocab_size":              s.Vocab,
		"general.quantization_version":  2,
	}
	if !ft.quantized() {
		delete(uints, "general.quantization_version")
		if _, ok := f.Value("general.quantization_version"); ok {
			t.Errorf("%s: general.quantization_version set on an unquantized file", ft.Name)
		}
	}
	for k, want := range uints {
		if got, err := f.Uint(k); err != nil || got != uint64(want) {
			t.Errorf("%s = %d, %v; want %d", k, got, err, want)
		}
	}
	if eps, err := f.Float("llama.attention.layer_norm_rms_epsilon"); err != nil || float32(eps) != s.Eps {
		t.Errorf("rms epsilon = %v, %v", eps, err)
	}
	if base, err := f.Float("llama.rope.freq_base"); err != nil || base != float64(s.RopeTheta) {
		t.Errorf("rope base = %v, %v", base, err)
	}
	tokens, err := f.Strings("tokenizer.ggml.tokens")
	if err != nil || !slices.Equal(tokens, wantTokens) {
		t.Errorf("tokenizer.ggml.tokens differ from the vocabulary file's (%d vs %d tokens, %v)", len(tokens), len(wantTokens), err)
	}
	for _, kv := range vocab.KVs {
		if !strings.HasPrefix(kv.Key, "tokenizer.") {
			continue
		}
		if got, ok := f.Value(kv.Key); !ok || !reflect.DeepEqual(got, kv.Value) {
			t.Errorf("%s not copied (present: %v)", kv.Key, ok)
		}
	}
}

func checkTensors(t *testing.T, f *gguf.File, s Shape, ft FileType) {
	t.Helper()
	specs := tensors(s, ft)
	if len(f.Tensors) != len(specs) || len(specs) != 3+9*s.Layers {
		t.Fatalf("%d tensors, want %d", len(f.Tensors), 3+9*s.Layers)
	}
	sawMix := false
	for i, want := range specs {
		got := f.Tensors[i]
		if got.Name != want.name || got.Type != want.typ || !slices.Equal(got.Dims, want.dims) {
			t.Fatalf("tensor %d = %s %v %v, want %s %v %v", i, got.Name, got.Type, got.Dims, want.name, want.typ, want.dims)
		}
		if got.Type != ft.Base && got.Type != gguf.F32 {
			sawMix = true
		}
		data, err := f.TensorData(got.Name)
		if err != nil {
			t.Fatal(err)
		}
		rows, cols := want.rowsCols()
		vals := make([]float32, rows*cols)
		decode(t, got.Type, vals, data, cols)
		if want.std == 0 {
			for j, v := range vals {
				if v != want.fill {
					t.Fatalf("%s[%d] = %v, want %v", got.Name, j, v, want.fill)
				}
			}
			continue
		}
		var sum, sq float64
		for _, v := range vals {
			if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
				t.Fatalf("%s holds %v", got.Name, v)
			}
			sum += float64(v)
			sq += float64(v) * float64(v)
		}
		n := float64(len(vals))
		mean, std := sum/n, math.Sqrt(sq/n-(sum/n)*(sum/n))
		// At least 65536 values: the sample mean is within 5 standard
		// errors (5·0.02/256) and the std within 8% (quantization noise
		// of Q4_0 adds a few per cent).
		if math.Abs(mean) > 5*WeightStd/math.Sqrt(n) || math.Abs(std-WeightStd) > 0.08*WeightStd {
			t.Errorf("%s (%v): mean %.3g, std %.4g; want 0 and %g", got.Name, got.Type, mean, std, WeightStd)
		}
	}
	// Q8_0 keeps output.weight in Q8_0; the other quantized presets
	// have exceptions, the float ones none.
	if wantMix := ft.quantized() && ft.Name != "q8_0"; sawMix != wantMix {
		t.Errorf("%s: per-tensor exceptions present = %v, want %v", ft.Name, sawMix, wantMix)
	}
}

// checkForward runs the model: random weights of WeightStd must give
// finite logits of about unit spread (0.02·√n_embd on the normalized
// last hidden state), not overflow or collapse.
func checkForward(t *testing.T, f *gguf.File) {
	t.Helper()
	m, err := model.Load(model.GGUFSource(f), model.Options{Threads: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	st, err := m.NewState(16)
	if err != nil {
		t.Fatal(err)
	}
	logits := make([]float32, m.Config.VocabSize)
	if err := st.Eval(context.Background(), []int32{1, 450, 4996, 17354, 1701, 432, 17204, 975}, logits); err != nil {
		t.Fatal(err)
	}
	var sum, sq float64
	for i, v := range logits {
		x := float64(v)
		if math.IsNaN(x) || math.IsInf(x, 0) {
			t.Fatalf("logit %d = %v", i, v)
		}
		sum, sq = sum+x, sq+x*x
	}
	n := float64(len(logits))
	std := math.Sqrt(sq/n - (sum/n)*(sum/n))
	want := WeightStd * math.Sqrt(float64(m.Config.EmbeddingLength))
	if std < want/2 || std > 2*want {
		t.Errorf("logits' std %.3f, want about %.3f", std, want)
	}
}

func decode(t *testing.T, typ gguf.TensorType, dst []float32, src []byte, cols int) {
	t.Helper()
	q, ok := typ.Quant()
	if !ok {
		for i := range dst {
			dst[i] = math.Float32frombits(uint32(src[4*i]) | uint32(src[4*i+1])<<8 | uint32(src[4*i+2])<<16 | uint32(src[4*i+3])<<24)
		}
		return
	}
	rb := q.RowBytes(cols)
	for r := 0; r*cols < len(dst); r++ {
		quant.Dequantize(q, dst[r*cols:(r+1)*cols], src[r*rb:(r+1)*rb])
	}
}

// TestDeterministic: the seed alone decides the bytes, not the number of
// workers; another seed gives other weights.
func TestDeterministic(t *testing.T) {
	vocabPath := vocabFile(t)
	ft, _ := lookupFileType("q4_0")
	sum := func(seed uint64, workers int) [32]byte {
		h := sha256.New()
		if _, err := WriteTo(h, Options{Shape: shapes["small"], Type: ft, Seed: seed, Vocab: vocabPath, Workers: workers}); err != nil {
			t.Fatal(err)
		}
		return [32]byte(h.Sum(nil))
	}
	a, b, c := sum(3, 1), sum(3, 3), sum(4, 2)
	if a != b {
		t.Error("1 and 3 workers wrote different files for the same seed")
	}
	if a == c {
		t.Error("seeds 3 and 4 wrote the same file")
	}
}

func TestErrors(t *testing.T) {
	tok := testdata.Dir(t, "tokenizer")
	ft, _ := lookupFileType("q8_0")
	if _, err := lookupShape("huge"); err == nil || !strings.Contains(err.Error(), "tinyllama") {
		t.Errorf("unknown shape: %v", err)
	}
	if _, err := lookupFileType("q3_k"); err == nil || !strings.Contains(err.Error(), "q4_k_m") {
		t.Errorf("unknown type: %v", err)
	}
	out := filepath.Join(t.TempDir(), "m.gguf")
	// GPT-2's vocabulary has 50257 tokens, not the shape's 32000.
	err := Write(out, Options{Shape: shapes["small"], Type: ft, Seed: 1, Vocab: filepath.Join(tok, "ggml-vocab-gpt-2.gguf"), Workers: 1})
	if err == nil || !strings.Contains(err.Error(), "50257") {
		t.Errorf("wrong vocabulary size: %v", err)
	}
	err = Write(out, Options{Shape: shapes["small"], Type: ft, Seed: 1, Vocab: filepath.Join(tok, "absent.gguf"), Workers: 1})
	if err == nil || !strings.Contains(err.Error(), "absent.gguf") {
		t.Errorf("missing vocabulary: %v", err)
	}
	bad := shapes["small"]
	bad.Embd = 200 // 6·32 + 8: not a whole number of Q8_0 blocks
	bad.Heads = 4
	if err := Write(out, Options{Shape: bad, Type: ft, Seed: 1, Vocab: vocabFile(t), Workers: 1}); err == nil || !strings.Contains(err.Error(), "block") {
		t.Errorf("unaligned width: %v", err)
	}
	if err := Write(out, Options{Shape: shapes["small"], Type: ft, Seed: 1, Vocab: vocabFile(t), Workers: 0}); err == nil {
		t.Error("0 workers accepted")
	}
}

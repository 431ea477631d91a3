package sample

import (
	"errors"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

func mustNew(t testing.TB, p Params, vocab int) *Sampler {
	t.Helper()
	s, err := New(p, vocab)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// logitsOf returns log(p) for a distribution (the model's logits up to a
// constant).
func logitsOf(p ...float64) []float32 {
	x := make([]float32, len(p))
	for i, v := range p {
		x[i] = float32(math.Log(v))
	}
	return x
}

func randomLogits(r *rand.Rand, n int) []float32 {
	x := make([]float32, n)
	for i := range x {
		x[i] = float32(r.NormFloat64() * 3)
	}
	return x
}

// counts draws n tokens (not accepted) and counts them.
func counts(t *testing.T, s *Sampler, logits []float32, n int) []int {
	t.Helper()
	c := make([]int, len(logits))
	for range n {
		id, err := s.Sample(logits)
		if err != nil {
			t.Fatal(err)
		}
		c[id]++
	}
	return c
}

// chiSquare checks observed counts against probabilities with Pearson's
// test; limit is the 0.999 quantile of χ² for the degrees of freedom, so a
// correct sampler fails one run in a thousand seeds (the seeds are fixed).
func chiSquare(t *testing.T, obs []int, want []float64, limit float64) {
	t.Helper()
	total := 0
	for _, o := range obs {
		total += o
	}
	var x2 float64
	for i, p := range want {
		e := p * float64(total)
		if e == 0 {
			if obs[i] != 0 {
				t.Fatalf("token %d has probability 0 but was drawn %d times (counts %v)", i, obs[i], obs)
			}
			continue
		}
		d := float64(obs[i]) - e
		x2 += d * d / e
	}
	if x2 > limit {
		t.Fatalf("χ² = %.2f > %.2f: counts %v, want probabilities %v", x2, limit, obs, want)
	}
}

func TestValidate(t *testing.T) {
	nan := float32(math.NaN())
	inf := float32(math.Inf(1))
	bad := map[string]Params{
		"negative temperature": {Temperature: -0.1},
		"NaN temperature":      {Temperature: nan},
		"inf temperature":      {Temperature: inf},
		"negative top-k":       {TopK: -1},
		"top-p above 1":        {TopP: 1.5},
		"negative top-p":       {TopP: -0.1},
		"NaN top-p":            {TopP: nan},
		"min-p above 1":        {MinP: 2},
		"negative min-p":       {MinP: -0.5},
		"negative min-keep":    {MinKeep: -1},
		"negative repeat":      {RepeatPenalty: -1},
		"repeat last n -2":     {RepeatLastN: -2},
		"NaN frequency":        {FrequencyPenalty: nan},
		"inf presence":         {PresencePenalty: inf},
		"NaN bias":             {LogitBias: map[int32]float32{3: nan}},
		"+inf bias":            {LogitBias: map[int32]float32{3: inf}},
		"negative max tokens":  {MaxTokens: -1},
		"empty stop string":    {Stop: []string{"ok", ""}},
	}
	for name, p := range bad {
		if err := p.Validate(); err == nil {
			t.Errorf("%s: Validate accepted %+v", name, p)
		}
		if _, err := New(p, 10); err == nil {
			t.Errorf("%s: New accepted %+v", name, p)
		}
	}
	good := []Params{{}, Defaults(1), {TopP: 1}, {MinP: 1}, {RepeatLastN: -1, RepeatPenalty: 1.1},
		{LogitBias: map[int32]float32{2: float32(math.Inf(-1)), 3: -5}}}
	for _, p := range good {
		if _, err := New(p, 10); err != nil {
			t.Errorf("New(%+v): %v", p, err)
		}
	}
	if _, err := New(Params{LogitBias: map[int32]float32{10: 1}}, 10); err == nil {
		t.Error("bias for token 10 of a 10-token vocabulary accepted")
	}
	if _, err := New(Params{LogitBias: map[int32]float32{-1: 1}}, 10); err == nil {
		t.Error("bias for token -1 accepted")
	}
	if _, err := New(Params{}, 0); err == nil {
		t.Error("empty vocabulary accepted")
	}
}

func TestBadLogits(t *testing.T) {
	for _, p := range []Params{{}, {Temperature: 1}} {
		s := mustNew(t, p, 4)
		if _, err := s.Sample([]float32{1, 2, 3}); err == nil {
			t.Error("3 logits for 4 tokens accepted")
		}
		if _, err := s.Sample([]float32{1, float32(math.NaN()), 3, 4}); err == nil {
			t.Error("NaN logit accepted")
		}
		if _, err := s.Sample([]float32{1, 2, float32(math.Inf(1)), 4}); err == nil {
			t.Error("+Inf logit accepted")
		}
		ninf := float32(math.Inf(-1))
		if _, err := s.Sample([]float32{ninf, ninf, ninf, ninf}); !errors.Is(err, ErrNoCandidate) {
			t.Errorf("all -Inf: got %v, want ErrNoCandidate", err)
		}
	}
}

func TestGreedy(t *testing.T) {
	s := mustNew(t, Params{}, 6)
	logits := []float32{1, 5, 3, 5, -2, 5}
	in := slices.Clone(logits)
	for range 3 {
		id, err := s.Sample(logits)
		if err != nil || id != 1 {
			t.Fatalf("got %d, %v; want 1 (the lowest id of the tied maxima)", id, err)
		}
	}
	if !slices.Equal(in, logits) {
		t.Fatal("Sample modified the caller's logits")
	}
}

// TestTopK1IsGreedy: with top-k 1 only the most likely token is left, at any
// temperature.
func TestTopK1IsGreedy(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	g := mustNew(t, Params{}, 500)
	for seed := range int64(20) {
		s := mustNew(t, Params{Temperature: 1.5, TopK: 1, Seed: seed}, 500)
		for range 20 {
			x := randomLogits(r, 500)
			want, _ := g.Sample(x)
			got, err := s.Sample(x)
			if err != nil || got != want {
				t.Fatalf("seed %d: top-k 1 drew %d, greedy %d (%v)", seed, got, want, err)
			}
		}
	}
}

// TestLowTemperature: as the temperature goes to 0 the draw becomes the
// argmax.
func TestLowTemperature(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	g := mustNew(t, Params{}, 300)
	s := mustNew(t, Params{Temperature: 1e-3, Seed: 7}, 300)
	for range 200 {
		x := randomLogits(r, 300)
		want, _ := g.Sample(x)
		got, _ := s.Sample(x)
		if got != want {
			// Allowed only when the top two are within a few thousandths.
			t.Fatalf("T=0.001 drew %d (logit %v), argmax %d (logit %v)", got, x[got], want, x[want])
		}
	}
	// A denormal temperature does not turn the weights into NaN.
	tiny := mustNew(t, Params{Temperature: math.SmallestNonzeroFloat32, Seed: 1}, 3)
	if id, err := tiny.Sample([]float32{0, 2, 1}); err != nil || id != 1 {
		t.Fatalf("denormal temperature: %d, %v", id, err)
	}
}

func TestDistribution(t *testing.T) {
	p := []float64{0.1, 0.2, 0.3, 0.4}
	x := logitsOf(p...)
	s := mustNew(t, Params{Temperature: 1, Seed: 11}, 4)
	chiSquare(t, counts(t, s, x, 20000), p, 16.27)

	// T = 2 flattens: probabilities ∝ p^(1/2).
	var want []float64
	var z float64
	for _, v := range p {
		z += math.Sqrt(v)
	}
	for _, v := range p {
		want = append(want, math.Sqrt(v)/z)
	}
	s = mustNew(t, Params{Temperature: 2, Seed: 12}, 4)
	chiSquare(t, counts(t, s, x, 20000), want, 16.27)
}

// TestTopP: with probabilities 0.4, 0.3, 0.2, 0.1 in shuffled order, top-p
// 0.65 keeps exactly the two most likely (0.4+0.3 ≥ 0.65), renormalised.
func TestTopP(t *testing.T) {
	x := logitsOf(0.2, 0.4, 0.1, 0.3) // ids 1 and 3 are kept
	want := []float64{0, 4.0 / 7, 0, 3.0 / 7}
	for _, k := range []int{0, 3} { // unsorted (lazy heap) and after top-k (sorted)
		s := mustNew(t, Params{Temperature: 1, TopK: k, TopP: 0.65, Seed: 5}, 4)
		chiSquare(t, counts(t, s, x, 20000), want, 10.83)
	}
	// The kept set exactly, through the step itself.
	for _, tc := range []struct {
		p       float32
		minKeep int
		want    []int32
	}{
		{0.65, 0, []int32{1, 3}},
		{0.7, 0, []int32{1, 3}}, // 0.7 reached exactly (within float rounding)
		{0.71, 0, []int32{1, 3, 0}},
		{0.3, 0, []int32{1}},
		{0.3, 3, []int32{1, 3, 0}}, // min_keep
		{0.99, 0, []int32{1, 3, 0, 2}},
	} {
		for _, sorted := range []bool{false, true} {
			s := mustNew(t, Params{Temperature: 1, TopP: tc.p, MinKeep: tc.minKeep}, 4)
			cand := []candidate{{0, x[0]}, {1, x[1]}, {2, x[2]}, {3, x[3]}}
			if sorted {
				cand = []candidate{{1, x[1]}, {3, x[3]}, {0, x[0]}, {2, x[2]}}
			}
			got := ids(s.topP(cand, sorted, tc.p))
			if tc.p == 0.7 && len(got) == 3 {
				got = got[:2] // 0.4+0.3 may round just below 0.7 in float
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("top-p %v min_keep %d sorted %v: kept %v, want %v", tc.p, tc.minKeep, sorted, got, tc.want)
			}
		}
	}
}

func ids(c []candidate) []int32 {
	out := make([]int32, len(c))
	for i, v := range c {
		out[i] = v.id
	}
	return out
}

func TestTopK(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 9))
	x := randomLogits(r, 1000)
	order := make([]int32, len(x))
	for i := range order {
		order[i] = int32(i)
	}
	slices.SortFunc(order, func(a, b int32) int {
		if before(candidate{a, x[a]}, candidate{b, x[b]}) {
			return -1
		}
		return 1
	})
	s := mustNew(t, Params{Temperature: 1, TopK: 5}, len(x))
	cand := make([]candidate, len(x))
	for i := range x {
		cand[i] = candidate{int32(i), x[i]}
	}
	if got := ids(s.topK(cand, 5)); !slices.Equal(got, order[:5]) {
		t.Fatalf("top-5 = %v, want %v", got, order[:5])
	}
	// The draws follow the softmax of the five.
	want := make([]float64, len(x))
	var z float64
	for _, id := range order[:5] {
		z += math.Exp(float64(x[id] - x[order[0]]))
	}
	for _, id := range order[:5] {
		want[id] = math.Exp(float64(x[id]-x[order[0]])) / z
	}
	s = mustNew(t, Params{Temperature: 1, TopK: 5, Seed: 3}, len(x))
	chiSquare(t, counts(t, s, x, 20000), want, 18.47)

	// Ties: the lower id wins the last place.
	s = mustNew(t, Params{Temperature: 1, TopK: 2}, 4)
	tie := []candidate{{0, 1}, {1, 3}, {2, 1}, {3, 1}}
	if got := ids(s.topK(tie, 2)); !slices.Equal(got, []int32{1, 0}) {
		t.Fatalf("tied top-2 = %v, want [1 0]", got)
	}
}

func TestMinP(t *testing.T) {
	// p = 0.5, 0.3, 0.15, 0.05; min-p 0.25 keeps p ≥ 0.125: ids 0, 1, 2.
	x := logitsOf(0.15, 0.5, 0.05, 0.3)
	for _, tc := range []struct {
		p       float32
		minKeep int
		want    []int32
	}{
		{0.25, 0, []int32{0, 1, 3}}, // unsorted: vocabulary order kept
		{0.7, 0, []int32{1}},
		{0.7, 2, []int32{1, 3}}, // too few pass: the two most likely
		{1, 0, []int32{1}},
	} {
		s := mustNew(t, Params{Temperature: 1, MinP: tc.p, MinKeep: tc.minKeep}, 4)
		cand := []candidate{{0, x[0]}, {1, x[1]}, {2, x[2]}, {3, x[3]}}
		if got := ids(s.minP(cand, false, tc.p)); !slices.Equal(got, tc.want) {
			t.Errorf("min-p %v min_keep %d: kept %v, want %v", tc.p, tc.minKeep, got, tc.want)
		}
	}
	s := mustNew(t, Params{Temperature: 1, MinP: 0.25, Seed: 8}, 4)
	chiSquare(t, counts(t, s, x, 20000), []float64{0.15 / 0.95, 0.5 / 0.95, 0, 0.3 / 0.95}, 13.82)
}

func TestPenalties(t *testing.T) {
	p := Params{RepeatPenalty: 2, FrequencyPenalty: 0.1, PresencePenalty: 0.5, RepeatLastN: 3}
	s := mustNew(t, p, 5)
	for _, id := range []int32{0, 1, 1} {
		s.Accept(id)
	}
	x := []float32{2, -2, 1, 0.5, 0}
	s.applyPenalties(x)
	// In float32 arithmetic, as the sampler computes.
	rep, freq, pres := p.RepeatPenalty, p.FrequencyPenalty, p.PresencePenalty
	want := []float32{x0(2)/rep - 1*freq - pres, x0(-2)*rep - 2*freq - pres, 1, 0.5, 0}
	if !slices.Equal(x, want) {
		t.Fatalf("penalised %v, want %v", x, want)
	}
	// The window slides: after two more tokens, 0 and the first 1 are out.
	s.Accept(4)
	s.Accept(4)
	x = []float32{2, -2, 1, 0.5, 0}
	s.applyPenalties(x)
	want = []float32{2, x0(-2)*rep - 1*freq - pres, 1, 0.5, x0(0)*rep - 2*freq - pres}
	if !slices.Equal(x, want) {
		t.Fatalf("after sliding: %v, want %v", x, want)
	}
	// A repetition penalty turns greedy away from a repeated token.
	g := mustNew(t, Params{RepeatPenalty: 1.5}, 3)
	g.Accept(0)
	if id, _ := g.Sample([]float32{3, 2.5, 0}); id != 1 {
		t.Fatalf("repeat penalty: greedy chose %d, want 1 (3/1.5 < 2.5)", id)
	}
	// Unbounded window (-1) remembers everything.
	u := mustNew(t, Params{PresencePenalty: 1, RepeatLastN: -1}, 3)
	for range 500 {
		u.Accept(2)
	}
	u.Accept(0)
	x = []float32{1, 1, 1}
	u.applyPenalties(x)
	if !slices.Equal(x, []float32{0, 1, 0}) {
		t.Fatalf("unbounded window: %v", x)
	}
	// Reset forgets.
	u.Reset()
	x = []float32{1, 1, 1}
	u.applyPenalties(x)
	if !slices.Equal(x, []float32{1, 1, 1}) {
		t.Fatalf("after Reset: %v", x)
	}
}

func TestLogitBias(t *testing.T) {
	ban := map[int32]float32{2: float32(math.Inf(-1))}
	x := []float32{0, 1, 5, 2}
	g := mustNew(t, Params{LogitBias: ban}, 4)
	if id, _ := g.Sample(x); id != 3 {
		t.Fatalf("greedy with the argmax banned chose %d, want 3", id)
	}
	s := mustNew(t, Params{Temperature: 1, LogitBias: ban, Seed: 4}, 4)
	c := counts(t, s, x, 5000)
	if c[2] != 0 {
		t.Fatalf("banned token drawn %d times", c[2])
	}
	boost := mustNew(t, Params{LogitBias: map[int32]float32{0: 10}}, 4)
	if id, _ := boost.Sample(x); id != 0 {
		t.Fatalf("bias +10 on token 0: chose %d", id)
	}
	all := mustNew(t, Params{Temperature: 1, LogitBias: map[int32]float32{0: ninf(), 1: ninf(), 2: ninf(), 3: ninf()}}, 4)
	if _, err := all.Sample(x); !errors.Is(err, ErrNoCandidate) {
		t.Fatalf("every token banned: %v", err)
	}
}

func x0(v float32) float32 { return v }

func ninf() float32 { return float32(math.Inf(-1)) }

func TestReproducible(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	steps := make([][]float32, 50)
	for i := range steps {
		steps[i] = randomLogits(r, 2000)
	}
	run := func(s *Sampler) []int32 {
		var out []int32
		for _, x := range steps {
			id, err := s.Sample(x)
			if err != nil {
				t.Fatal(err)
			}
			s.Accept(id)
			out = append(out, id)
		}
		return out
	}
	p := Defaults(42)
	p.RepeatPenalty = 1.1
	a := run(mustNew(t, p, 2000))
	b := mustNew(t, p, 2000)
	if got := run(b); !slices.Equal(a, got) {
		t.Fatalf("same seed, different tokens:\n%v\n%v", a, got)
	}
	b.Reset()
	if got := run(b); !slices.Equal(a, got) {
		t.Fatalf("after Reset, different tokens:\n%v\n%v", a, got)
	}
	p.Seed = 43
	if got := run(mustNew(t, p, 2000)); slices.Equal(a, got) {
		t.Fatalf("seeds 42 and 43 drew the same 50 tokens: %v", a)
	}
	p.Seed = -1
	rs := mustNew(t, p, 2000)
	p.Seed = int64(rs.Seed() & math.MaxInt64)
	if rs.Seed()>>63 == 0 {
		if got, again := run(rs), run(mustNew(t, p, 2000)); !slices.Equal(got, again) {
			t.Fatal("a random seed, reused, did not repeat the tokens")
		}
	}
}

func TestNoAllocation(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	x := randomLogits(r, 32000)
	for _, p := range []Params{{}, Defaults(1), {Temperature: 0.7, TopP: 0.9, RepeatPenalty: 1.1}, {Temperature: 1}} {
		s := mustNew(t, p, len(x))
		for i := range 64 {
			s.Accept(int32(i * 7))
		}
		allocs := testing.AllocsPerRun(20, func() {
			if _, err := s.Sample(x); err != nil {
				t.Fatal(err)
			}
		})
		if allocs != 0 {
			t.Errorf("%+v: %v allocations per step", p, allocs)
		}
	}
}

// BenchmarkSample runs one step over a flat distribution (normal logits,
// σ = 3: thousands of tokens share the mass, the worst case for top-p) and a
// peaked one (20 tokens 10 logits above the rest, like a language model's
// usual next-token distribution).
func BenchmarkSample(b *testing.B) {
	r := rand.New(rand.NewPCG(7, 8))
	for _, vocab := range []int{32000, 151936} {
		flat := randomLogits(r, vocab)
		peaked := slices.Clone(flat)
		for range 20 {
			peaked[r.IntN(vocab)] += 10
		}
		for _, shape := range []struct {
			name string
			x    []float32
		}{{"flat", flat}, {"peaked", peaked}} {
			for _, p := range []struct {
				name string
				p    Params
			}{{"greedy", Params{}}, {"defaults", Defaults(1)}, {"top-p", Params{Temperature: 0.8, TopP: 0.95}}} {
				b.Run(p.name+"/"+shape.name+"/"+itoa(vocab), func(b *testing.B) {
					s := mustNew(b, p.p, vocab)
					for b.Loop() {
						if _, err := s.Sample(shape.x); err != nil {
							b.Fatal(err)
						}
					}
				})
			}
		}
	}
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	var b []byte
	for ; n > 0; n /= 10 {
		b = append([]byte{byte('0' + n%10)}, b...)
	}
	return string(b)
}

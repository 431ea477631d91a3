package sample

import (
	crand "crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"

	"github.com/batuta-go/stack/trueno"
)

// ErrNoCandidate is returned when no token can be drawn: every logit is -Inf
// after the logit bias (every token banned).
var ErrNoCandidate = errors.New("sample: no token can be drawn (every token has logit -Inf)")

// candidate is one token still in the running.
type candidate struct {
	id    int32
	logit float32
}

// before is the order of likelihood: higher logit first, lower id on a tie,
// so that every selection below is deterministic.
func before(a, b candidate) bool {
	return a.logit > b.logit || (a.logit == b.logit && a.id < b.id)
}

// Sampler draws tokens from logits with llama.cpp's sampling chain, in its
// order: logit bias, repetition/frequency/presence penalties over the last
// RepeatLastN accepted tokens, top-k, top-p, min-p, temperature, then a draw
// from the remaining distribution (or the most likely token when greedy).
//
// A Sampler keeps the penalty window and the random state of one generation;
// it is not safe for concurrent use. Its buffers are allocated once, so a
// step allocates nothing.
type Sampler struct {
	p     Params
	vocab int
	lastN int // penalty window; -1: unbounded
	seed  uint64
	rng   *rand.Rand
	pcg   *rand.PCG

	biasID  []int32 // Params.LogitBias as two slices ordered by id
	biasVal []float32
	logits  []float32   // working copy of the step's logits
	cand    []candidate // candidates of the step
	heap    []candidate // selection scratch
	weights []float64   // the draw's unnormalised probabilities
	exps    []float32   // exp(logit - max) over the vocabulary, for top-p

	// Penalty window: the accepted tokens (a ring of lastN when bounded) and
	// how often each occurs in it.
	hist   []int32
	head   int // next slot to overwrite when the ring is full
	counts map[int32]int32
}

// New returns a Sampler for a vocabulary of vocabSize tokens.
func New(p Params, vocabSize int) (*Sampler, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	if vocabSize <= 0 {
		return nil, fmt.Errorf("sample: vocabulary size %d: must be > 0", vocabSize)
	}
	for id := range p.LogitBias {
		if id < 0 || int(id) >= vocabSize {
			return nil, fmt.Errorf("sample: LogitBias names token %d, outside the vocabulary [0, %d)", id, vocabSize)
		}
	}
	s := &Sampler{p: p, vocab: vocabSize, logits: make([]float32, vocabSize)}
	for id := range p.LogitBias {
		s.biasID = append(s.biasID, id)
	}
	slices.Sort(s.biasID)
	for _, id := range s.biasID {
		s.biasVal = append(s.biasVal, p.LogitBias[id])
	}
	s.lastN = p.RepeatLastN
	if s.lastN == 0 {
		s.lastN = DefaultRepeatLastN
	}
	if p.penalized() {
		s.counts = make(map[int32]int32)
		if s.lastN > 0 {
			s.hist = make([]int32, 0, s.lastN)
		}
	}
	if !p.Greedy() {
		s.cand = make([]candidate, 0, vocabSize)
		s.heap = make([]candidate, 0, vocabSize)
		s.weights = make([]float64, vocabSize)
		s.exps = make([]float32, vocabSize)
	}
	if p.Seed >= 0 {
		s.seed = uint64(p.Seed)
	} else {
		var b [8]byte
		_, _ = crand.Read(b[:]) // crypto/rand.Read never fails (Go ≥ 1.24)
		s.seed = binary.LittleEndian.Uint64(b[:])
	}
	s.pcg = rand.NewPCG(s.seed, s.seed^0x9e3779b97f4a7c15)
	s.rng = rand.New(s.pcg)
	return s, nil
}

// Params returns the parameters the Sampler was made with.
func (s *Sampler) Params() Params { return s.p }

// Seed returns the seed in use (the drawn one when Params.Seed was negative).
func (s *Sampler) Seed() uint64 { return s.seed }

// Reset forgets the penalty window and restarts the random sequence from the
// seed, so that the Sampler repeats its draws.
func (s *Sampler) Reset() {
	s.hist = s.hist[:0]
	s.head = 0
	clear(s.counts)
	s.pcg.Seed(s.seed, s.seed^0x9e3779b97f4a7c15)
}

// Accept records a token as part of the sequence (prompt or generated), for
// the penalties. The generation loop calls it for every prompt token and
// every sampled token, as llama.cpp does.
func (s *Sampler) Accept(id int32) {
	if s.counts == nil {
		return
	}
	if s.lastN > 0 && len(s.hist) == s.lastN {
		old := s.hist[s.head]
		if s.counts[old]--; s.counts[old] <= 0 {
			delete(s.counts, old)
		}
		s.hist[s.head] = id
		s.head = (s.head + 1) % s.lastN
	} else if s.lastN > 0 {
		s.hist = append(s.hist, id)
	}
	s.counts[id]++
}

// Sample returns the next token for the given logits (len = the vocabulary
// size; not modified). It does not Accept the token.
func (s *Sampler) Sample(logits []float32) (int32, error) {
	if len(logits) != s.vocab {
		return 0, fmt.Errorf("sample: %d logits for a vocabulary of %d", len(logits), s.vocab)
	}
	x := s.logits
	copy(x, logits)
	if m := trueno.Max(x); math.IsNaN(float64(m)) || math.IsInf(float64(m), 1) {
		i := trueno.Argmax(x)
		return 0, fmt.Errorf("sample: logit of token %d is %v", i, x[i])
	}
	for i, id := range s.biasID {
		x[id] += s.biasVal[i]
	}
	s.applyPenalties(x)

	if s.p.Greedy() {
		i := trueno.Argmax(x)
		if math.IsInf(float64(x[i]), -1) {
			return 0, ErrNoCandidate
		}
		return int32(i), nil
	}

	mx := trueno.Max(x)
	if math.IsInf(float64(mx), -1) {
		return 0, ErrNoCandidate
	}
	// The first stage that is on picks its candidates straight from the
	// vocabulary, so that the common settings never order all of it.
	var cand []candidate
	sorted := false
	topP, minP := s.p.TopP > 0 && s.p.TopP < 1, s.p.MinP > 0
	switch {
	case s.p.TopK > 0 && s.p.TopK < len(x):
		cand = s.topKFrom(x, s.p.TopK)
		sorted = true
	case topP:
		cand = s.topPFrom(x, mx)
		sorted = true
		topP = false
	case minP:
		cand = s.minPFrom(x, mx)
		minP = false
	default:
		cand = s.finite(x)
	}
	if topP {
		cand = s.topP(cand, sorted, s.p.TopP)
		sorted = true
	}
	if minP {
		cand = s.minP(cand, sorted, s.p.MinP)
	}
	// Temperature scales what is left; the draw below works on
	// exp((l - max)/T), which is the same thing without touching cand.
	return s.draw(cand, s.p.Temperature), nil
}

// finite returns every token whose logit is not -Inf.
func (s *Sampler) finite(x []float32) []candidate {
	cand := s.cand[:0]
	for i, l := range x {
		if !math.IsInf(float64(l), -1) {
			cand = append(cand, candidate{int32(i), l})
		}
	}
	return cand
}

// topKFrom selects the k most likely tokens of the vocabulary, most likely
// first, with a k-element min-heap (O(n log k)); -Inf tokens never enter.
func (s *Sampler) topKFrom(x []float32, k int) []candidate {
	h := s.heap[:0]
	for i, l := range x {
		c := candidate{int32(i), l}
		switch {
		case math.IsInf(float64(l), -1):
		case len(h) < k:
			h = append(h, c)
			siftUpMin(h, len(h)-1)
		case before(c, h[0]):
			h[0] = c
			siftDownMin(h, 0, len(h))
		}
	}
	return s.heapSorted(h)
}

// heapSorted empties a likelihood min-heap into s.cand, most likely first.
func (s *Sampler) heapSorted(h []candidate) []candidate {
	for end := len(h) - 1; end > 0; end-- {
		h[0], h[end] = h[end], h[0]
		siftDownMin(h, 0, end)
	}
	out := s.cand[:len(h)]
	copy(out, h)
	return out
}

// topPFrom is top-p over the whole vocabulary. The probabilities are
// computed once (vectorised). The kept prefix cannot reach past a set of
// most likely tokens that already holds TopP of the mass, so only the tokens
// within a factor 1e3 (else 1e6, else all) of the most likely are ordered,
// lazily, through a max-heap from which only the kept ones are popped.
func (s *Sampler) topPFrom(x []float32, mx float32) []candidate {
	e := s.exps
	trueno.AddConstTo(e, -mx, x)
	trueno.ExpTo(e, e)
	sum := float64(trueno.Sum(e))
	var cand []candidate
	for _, rel := range []float32{1e-3, 1e-6} {
		var head float64
		cand = s.cand[:0]
		for i, w := range e {
			if w >= rel {
				head += float64(w)
				cand = append(cand, candidate{int32(i), x[i]})
			}
		}
		if head/sum >= float64(s.p.TopP) && len(cand) >= s.p.MinKeep {
			return s.topPHeap(cand, mx, sum, s.p.TopP)
		}
	}
	return s.topPHeap(s.finite(x), mx, sum, s.p.TopP)
}

// minPFrom is min-p over the whole vocabulary.
func (s *Sampler) minPFrom(x []float32, mx float32) []candidate {
	threshold := mx + float32(math.Log(float64(s.p.MinP)))
	cand := s.cand[:0]
	for i, l := range x {
		if l >= threshold {
			cand = append(cand, candidate{int32(i), l})
		}
	}
	if len(cand) >= s.p.MinKeep {
		return cand
	}
	return s.topKFrom(x, s.p.MinKeep)
}

// applyPenalties applies llama.cpp's penalties to the tokens of the window:
// a positive logit is divided by RepeatPenalty and a non-positive one
// multiplied by it, then count·FrequencyPenalty and PresencePenalty are
// subtracted.
func (s *Sampler) applyPenalties(x []float32) {
	if len(s.counts) == 0 {
		return
	}
	rep := s.p.RepeatPenalty
	if rep == 0 {
		rep = 1
	}
	for id, n := range s.counts {
		if id < 0 || int(id) >= len(x) {
			continue
		}
		l := x[id]
		if l <= 0 {
			l *= rep
		} else {
			l /= rep
		}
		x[id] = l - float32(n)*s.p.FrequencyPenalty - s.p.PresencePenalty
	}
}

// topK returns the k most likely candidates, most likely first, selecting
// them with a k-element min-heap (O(n log k)) instead of sorting all n.
func (s *Sampler) topK(cand []candidate, k int) []candidate {
	h := s.heap[:0]
	for _, c := range cand {
		switch {
		case len(h) < k:
			h = append(h, c)
			siftUpMin(h, len(h)-1)
		case before(c, h[0]):
			h[0] = c
			siftDownMin(h, 0, len(h))
		}
	}
	// Heap-sort in place: popping the least likely to the end leaves the
	// slice most likely first.
	for end := len(h) - 1; end > 0; end-- {
		h[0], h[end] = h[end], h[0]
		siftDownMin(h, 0, end)
	}
	out := cand[:k]
	copy(out, h)
	return out
}

// topP keeps the most likely candidates until their probabilities (softmax
// over cand) reach p, and at least MinKeep of them. Unsorted candidates are
// ordered lazily: a max-heap is built in O(n) and only the kept ones are
// popped.
func (s *Sampler) topP(cand []candidate, sorted bool, p float32) []candidate {
	max := cand[0].logit
	if !sorted {
		for _, c := range cand[1:] {
			max = float32(math.Max(float64(max), float64(c.logit)))
		}
	}
	var sum float64
	for _, c := range cand {
		sum += math.Exp(float64(c.logit - max))
	}
	if sorted {
		return s.topPSorted(cand, max, sum, p)
	}
	return s.topPHeap(cand, max, sum, p)
}

// topPHeap is top-p over unordered candidates whose softmax denominator
// (relative to the logit mx) is sum: a max-heap is built in O(n) and the
// kept candidates are popped into cand, most likely first.
func (s *Sampler) topPHeap(cand []candidate, mx float32, sum float64, p float32) []candidate {
	h := append(s.heap[:0], cand...)
	for i := len(h)/2 - 1; i >= 0; i-- {
		siftDownMax(h, i, len(h))
	}
	var cum float64
	n := 0
	for end := len(h); end > 0; end-- {
		top := h[0]
		h[0] = h[end-1]
		siftDownMax(h, 0, end-1)
		cand[n] = top
		n++
		cum += math.Exp(float64(top.logit-mx)) / sum
		if cum >= float64(p) && n >= s.p.MinKeep {
			break
		}
	}
	return cand[:n]
}

// topPSorted is top-p over candidates ordered most likely first, whose
// softmax denominator (relative to the logit mx) is sum.
func (s *Sampler) topPSorted(cand []candidate, mx float32, sum float64, p float32) []candidate {
	var cum float64
	for i, c := range cand {
		cum += math.Exp(float64(c.logit-mx)) / sum
		if cum >= float64(p) && i+1 >= s.p.MinKeep {
			return cand[:i+1]
		}
	}
	return cand
}

// minP keeps the candidates whose probability is at least p times the
// largest, i.e. whose logit is at least max + ln p, and at least MinKeep.
func (s *Sampler) minP(cand []candidate, sorted bool, p float32) []candidate {
	max := cand[0].logit
	if !sorted {
		for _, c := range cand[1:] {
			max = float32(math.Max(float64(max), float64(c.logit)))
		}
	}
	threshold := max + float32(math.Log(float64(p)))
	if sorted {
		i := 1
		for ; i < len(cand); i++ {
			if cand[i].logit < threshold && i >= s.p.MinKeep {
				break
			}
		}
		return cand[:i]
	}
	n := 0
	for _, c := range cand {
		if c.logit >= threshold {
			n++
		}
	}
	if n >= s.p.MinKeep {
		kept := cand[:0]
		for _, c := range cand {
			if c.logit >= threshold {
				kept = append(kept, c)
			}
		}
		return kept
	}
	// Too few pass: keep the MinKeep most likely.
	return s.topK(cand, min(s.p.MinKeep, len(cand)))
}

// draw picks a candidate with probability softmax(logit/temp).
func (s *Sampler) draw(cand []candidate, temp float32) int32 {
	best := 0
	for i, c := range cand {
		if before(c, cand[best]) {
			best = i
		}
	}
	inv := 1 / float64(temp)
	if len(cand) == 1 || math.IsInf(inv, 1) {
		return cand[best].id
	}
	max := float64(cand[best].logit)
	w := s.weights[:len(cand)]
	var sum float64
	for i, c := range cand {
		w[i] = math.Exp((float64(c.logit) - max) * inv)
		sum += w[i]
	}
	u := s.rng.Float64() * sum
	var cum float64
	for i, c := range cand {
		cum += w[i]
		if u < cum {
			return c.id
		}
	}
	// Rounding left u at or past the total: the most likely candidate.
	return cand[best].id
}

// Min-heap by likelihood: h[0] is the least likely.
func siftUpMin(h []candidate, i int) {
	for i > 0 {
		parent := (i - 1) / 2
		if !before(h[parent], h[i]) {
			break
		}
		h[parent], h[i] = h[i], h[parent]
		i = parent
	}
}

func siftDownMin(h []candidate, i, n int) { siftDown(h, i, n, false) }

// Max-heap by likelihood: h[0] is the most likely.
func siftDownMax(h []candidate, i, n int) { siftDown(h, i, n, true) }

// siftDown moves h[i] down a heap of n: a max-heap by likelihood when
// mostFirst, else a min-heap.
func siftDown(h []candidate, i, n int, mostFirst bool) {
	above := func(a, b candidate) bool { // a belongs above b
		if mostFirst {
			return before(a, b)
		}
		return before(b, a)
	}
	for {
		l := 2*i + 1
		if l >= n {
			return
		}
		c := l
		if r := l + 1; r < n && above(h[r], h[l]) {
			c = r
		}
		if !above(h[c], h[i]) {
			return
		}
		h[i], h[c] = h[c], h[i]
		i = c
	}
}

package bpe

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"sync"
)

// Model is a byte-level BPE vocabulary with its merges and pre-tokenizer.
// It is safe for concurrent use.
type Model struct {
	pre *preTokenizer

	// vocab maps the bytes a token stands for (its text with the byte
	// alphabet undone) to its id, for tokens written in that alphabet; a
	// repeated text keeps its last id, as in llama.cpp.
	vocab map[string]int32

	// Merge state works on interned strings ("sids"): sid b < 256 is the
	// single byte b, the others are merge parts and results.
	sidTok []int32            // sid → token id, -1 when not a token
	merges map[uint64]mergeTo // sidL<<32 | sidR → rank and result

	// byteFallback[b]: the ids llama.cpp emits for byte b inside a symbol
	// that is not a token: each byte of b's alphabet character looked up
	// as a one-byte token text (usually none).
	byteFallback [256][]int32

	decoded    []byte   // every token's bytes, concatenated
	decodedEnd []uint32 // decoded[decodedEnd[i-1]:decodedEnd[i]] is token i

	cacheMu sync.RWMutex
	cache   map[string][]int32
}

type mergeTo struct {
	rank   int32
	result int32
}

// Bounds of the per-model cache of encoded pre-tokens.
const (
	cacheMaxEntries = 1 << 16
	cacheMaxWord    = 64 // bytes; longer pre-tokens are rare and not cached
)

// New builds a model from the vocabulary (tokenizer.ggml.tokens: token
// texts in GPT-2's byte alphabet, index = id), the merges
// (tokenizer.ggml.merges: "left right", rank = index) and the
// pre-tokenizer name (tokenizer.ggml.pre; "" means "default" as in
// llama.cpp). An unknown pre-tokenizer is an *UnknownPreError.
//
// As in llama.cpp, an empty token text is read as "[EMPTY_<id>]", a merge
// without a space after its first byte is ignored, and a repeated merge
// keeps its first rank.
func New(tokens []string, merges []string, pre string) (*Model, error) {
	p, err := lookupPre(pre)
	if err != nil {
		return nil, err
	}
	if len(tokens) == 0 {
		return nil, errors.New("bpe: empty vocabulary")
	}
	if len(tokens) > math.MaxInt32 || len(merges) > math.MaxInt32 {
		return nil, fmt.Errorf("bpe: %d tokens and %d merges exceed the int32 id range", len(tokens), len(merges))
	}
	m := &Model{
		pre:    p,
		vocab:  make(map[string]int32, len(tokens)),
		merges: make(map[uint64]mergeTo, len(merges)),
		cache:  make(map[string][]int32),
	}
	texts := make(map[string]int32, len(tokens)) // raw vocabulary text → id
	m.decodedEnd = make([]uint32, len(tokens))
	for i, tok := range tokens {
		if tok == "" {
			tok = "[EMPTY_" + strconv.Itoa(i) + "]"
		}
		texts[tok] = int32(i)
		if raw, ok := unmapToken(tok); ok {
			m.vocab[raw] = int32(i)
		}
		m.decoded = appendDecoded(m.decoded, tok)
		if uint64(len(m.decoded)) > math.MaxUint32 {
			return nil, fmt.Errorf("bpe: vocabulary text exceeds 4 GiB at token %d", i)
		}
		m.decodedEnd[i] = uint32(len(m.decoded))
	}
	for b := 0; b < 256; b++ {
		for _, c := range []byte(string(byteToRune[b])) {
			if id, ok := texts[string([]byte{c})]; ok {
				m.byteFallback[b] = append(m.byteFallback[b], id)
			}
		}
	}

	sids := make(map[string]int32, 2*len(merges)+256)
	var sidStr []string
	intern := func(s string) int32 {
		if id, ok := sids[s]; ok {
			return id
		}
		id := int32(len(sidStr))
		sids[s] = id
		sidStr = append(sidStr, s)
		return id
	}
	for b := 0; b < 256; b++ {
		intern(string([]byte{byte(b)}))
	}
	for rank, mg := range merges {
		// The split is at the first space after the first byte, as
		// llama.cpp does.
		sp := strings.IndexByte(mg[min(1, len(mg)):], ' ')
		if sp < 0 {
			continue
		}
		sp += min(1, len(mg))
		left, lok := unmapToken(mg[:sp])
		right, rok := unmapToken(mg[sp+1:])
		if !lok || !rok || left == "" || right == "" {
			continue // can never apply to text
		}
		key := uint64(intern(left))<<32 | uint64(intern(right))
		if _, dup := m.merges[key]; dup {
			continue
		}
		m.merges[key] = mergeTo{rank: int32(rank), result: intern(left + right)}
	}
	if len(sidStr) > math.MaxInt32 {
		return nil, errors.New("bpe: too many merge strings")
	}
	m.sidTok = make([]int32, len(sidStr))
	for i, s := range sidStr {
		id, ok := m.vocab[s]
		if !ok {
			id = -1
		}
		m.sidTok[i] = id
	}
	return m, nil
}

// appendDecoded appends the bytes a vocabulary text stands for. A
// character outside the byte alphabet is written as llama.cpp's
// llama_decode_text writes it: "[UNK_BYTE_0x<hex of its UTF-8>" followed
// by the whole token text and "]".
func appendDecoded(dst []byte, tok string) []byte {
	for i := 0; i < len(tok); {
		var r rune
		n := 1
		if tok[i] < 0x80 {
			r = rune(tok[i])
		} else {
			r, n = decodeMulti(tok, i)
		}
		i += n
		if int(r) < len(runeToByte) && runeToByte[r] >= 0 {
			dst = append(dst, byte(runeToByte[r]))
			continue
		}
		dst = append(dst, "[UNK_BYTE_0x"...)
		for _, c := range appendRune(nil, r) {
			dst = append(dst, "0123456789abcdef"[c>>4], "0123456789abcdef"[c&15])
		}
		dst = append(dst, tok...)
		dst = append(dst, ']')
	}
	return dst
}

// Pre returns the model's pre-tokenizer name.
func (m *Model) Pre() string { return m.pre.name }

// Encode appends the ids of text to dst. text is plain text: special
// tokens in it are not recognised (the caller splits them out first).
//
// Text that is not valid UTF-8 is read as llama.cpp reads it: each byte
// that does not start a complete sequence becomes U+FFFD (and is encoded
// as that character); overlong forms and surrogates are taken for the
// codepoints they spell.
func (m *Model) Encode(dst []int32, text string) []int32 {
	if text == "" {
		return dst
	}
	sp := splitterPool.Get().(*splitter)
	defer splitterPool.Put(sp)
	sp.split(m.pre, text)
	start := 0
	for _, n := range sp.pieces {
		w := sp.wordBuf[:0]
		for _, r := range sp.t.cpts[start : start+n] {
			w = appendRune(w, r)
		}
		sp.wordBuf = w
		start += n
		dst = m.encodeWord(sp, w, dst)
	}
	return dst
}

// encodeWord appends the ids of one pre-token (raw bytes).
func (m *Model) encodeWord(sp *splitter, w []byte, dst []int32) []int32 {
	if len(w) <= cacheMaxWord {
		m.cacheMu.RLock()
		ids, ok := m.cache[string(w)]
		m.cacheMu.RUnlock()
		if ok {
			return append(dst, ids...)
		}
	}
	n0 := len(dst)
	dst = m.bpe(sp, w, dst)
	if len(w) <= cacheMaxWord {
		ids := append([]int32(nil), dst[n0:]...)
		m.cacheMu.Lock()
		if len(m.cache) >= cacheMaxEntries {
			clear(m.cache)
		}
		m.cache[string(w)] = ids
		m.cacheMu.Unlock()
	}
	return dst
}

// symbol is a run of the pre-token's bytes, merged so far.
type symbol struct {
	start, n   int32
	prev, next int32
	sid        int32
}

// bigram is a candidate merge of symbols left and right.
type bigram struct {
	rank        int32
	left, right int32
	sidL, sidR  int32
	result      int32
}

// bigramHeap is a min-heap by (rank, left): the lowest rank first, the
// leftmost on ties.
type bigramHeap []bigram

func (h bigramHeap) less(i, j int) bool {
	return h[i].rank < h[j].rank || (h[i].rank == h[j].rank && h[i].left < h[j].left)
}

func (h *bigramHeap) push(b bigram) {
	*h = append(*h, b)
	s := *h
	for i := len(s) - 1; i > 0; {
		p := (i - 1) / 2
		if !s.less(i, p) {
			break
		}
		s[i], s[p] = s[p], s[i]
		i = p
	}
}

func (h *bigramHeap) pop() bigram {
	s := *h
	top := s[0]
	last := len(s) - 1
	s[0] = s[last]
	s = s[:last]
	for i := 0; ; {
		l := 2*i + 1
		if l >= len(s) {
			break
		}
		c := l
		if r := l + 1; r < len(s) && s.less(r, l) {
			c = r
		}
		if !s.less(c, i) {
			break
		}
		s[i], s[c] = s[c], s[i]
		i = c
	}
	*h = s
	return top
}

// bpe merges the bytes of w by rank and appends the resulting ids.
func (m *Model) bpe(sp *splitter, w []byte, dst []int32) []int32 {
	if m.pre.ignoreMerges {
		if id, ok := m.vocab[string(w)]; ok {
			return append(dst, id)
		}
	}
	if len(w) == 0 {
		return dst
	}
	syms := sp.symbols[:0]
	for i, c := range w {
		syms = append(syms, symbol{start: int32(i), n: 1, prev: int32(i - 1), next: int32(i + 1), sid: int32(c)})
	}
	syms[len(syms)-1].next = -1
	h := sp.bigrams[:0]
	try := func(l, r int32) {
		if l < 0 || r < 0 {
			return
		}
		a, b := syms[l].sid, syms[r].sid
		if mt, ok := m.merges[uint64(a)<<32|uint64(b)]; ok {
			h.push(bigram{rank: mt.rank, left: l, right: r, sidL: a, sidR: b, result: mt.result})
		}
	}
	for i := 1; i < len(syms); i++ {
		try(int32(i-1), int32(i))
	}
	for len(h) > 0 {
		bg := h.pop()
		l, r := &syms[bg.left], &syms[bg.right]
		if l.n == 0 || r.n == 0 || l.sid != bg.sidL || r.sid != bg.sidR {
			continue // outdated
		}
		l.n += r.n
		l.sid = bg.result
		r.n = 0
		l.next = r.next
		if r.next >= 0 {
			syms[r.next].prev = bg.left
		}
		try(l.prev, bg.left)
		try(bg.left, l.next)
	}
	for i := int32(0); i >= 0; i = syms[i].next {
		s := syms[i]
		if id := m.sidTok[s.sid]; id >= 0 {
			dst = append(dst, id)
			continue
		}
		for _, c := range w[s.start : s.start+s.n] {
			dst = append(dst, m.byteFallback[c]...)
		}
	}
	sp.symbols, sp.bigrams = syms, h
	return dst
}

// Decode appends the bytes token id stands for (the byte alphabet
// undone) to dst. An id outside the vocabulary appends nothing.
func (m *Model) Decode(dst []byte, id int32) []byte {
	if id < 0 || int(id) >= len(m.decodedEnd) {
		return dst
	}
	lo := uint32(0)
	if id > 0 {
		lo = m.decodedEnd[id-1]
	}
	return append(dst, m.decoded[lo:m.decodedEnd[id]]...)
}

// VocabSize returns the number of tokens.
func (m *Model) VocabSize() int { return len(m.decodedEnd) }

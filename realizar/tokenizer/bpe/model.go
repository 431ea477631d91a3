package bpe

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Model is a byte-level BPE vocabulary with its merges and pre-tokenizer.
// It is safe for concurrent use.
type Model struct {
	pre *preTokenizer

	// tokenID maps a token's text (in the byte alphabet) to its id; a
	// repeated text keeps its last id, as in llama.cpp.
	tokenID map[string]int32
	nTokens int32

	// Merges work on string ids ("sids"): a string that is a token text
	// has its token id as sid; other strings met in the merges (and byte
	// characters that are not tokens) get sids from nTokens on.
	byteSid [256]int32
	merges  map[uint64]mergeTo // sidL<<32 | sidR → rank and result

	// byteFallback[b]: the ids llama.cpp emits for byte b inside a symbol
	// that is not a token: each byte of b's alphabet character looked up
	// as a one-byte token text (usually none).
	byteFallback [256][]int32

	decoded    []byte   // every token's bytes, concatenated
	decodedEnd []uint32 // decoded[decodedEnd[i-1]:decodedEnd[i]] is token i

	cache *wordCache
}

type mergeTo struct {
	rank   int32
	result int32
}

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
	// Every token, merge part and merge result gets an int32 string id.
	if uint64(len(tokens))+3*uint64(len(merges))+256 > math.MaxInt32 {
		return nil, fmt.Errorf("bpe: %d tokens and %d merges exceed the int32 id range", len(tokens), len(merges))
	}
	m := &Model{
		pre:        p,
		tokenID:    make(map[string]int32, len(tokens)),
		nTokens:    int32(len(tokens)),
		merges:     make(map[uint64]mergeTo, len(merges)),
		cache:      newWordCache(),
		decodedEnd: make([]uint32, len(tokens)),
	}
	for i, tok := range tokens {
		if tok == "" {
			tok = "[EMPTY_" + strconv.Itoa(i) + "]"
		}
		m.tokenID[tok] = int32(i)
		m.decoded = appendDecoded(m.decoded, tok)
		if uint64(len(m.decoded)) > math.MaxUint32 {
			return nil, fmt.Errorf("bpe: vocabulary text exceeds 4 GiB at token %d", i)
		}
		m.decodedEnd[i] = uint32(len(m.decoded))
	}

	extra := map[string]int32{}
	sid := func(s string) int32 {
		if id, ok := m.tokenID[s]; ok {
			return id
		}
		if id, ok := extra[s]; ok {
			return id
		}
		id := m.nTokens + int32(len(extra))
		extra[s] = id
		return id
	}
	for b := 0; b < 256; b++ {
		ch := string(byteToRune[b])
		m.byteSid[b] = sid(ch)
		for i := 0; i < len(ch); i++ {
			if id, ok := m.tokenID[ch[i:i+1]]; ok {
				m.byteFallback[b] = append(m.byteFallback[b], id)
			}
		}
	}
	var buf []byte
	for rank, mg := range merges {
		// The split is at the first space after the first byte, as
		// llama.cpp does.
		sp := strings.IndexByte(mg[min(1, len(mg)):], ' ')
		if sp < 0 {
			continue
		}
		sp += min(1, len(mg))
		left, right := mg[:sp], mg[sp+1:]
		if left == "" || right == "" {
			continue
		}
		key := uint64(sid(left))<<32 | uint64(sid(right))
		if _, dup := m.merges[key]; dup {
			continue
		}
		buf = append(append(buf[:0], left...), right...)
		res, ok := m.tokenID[string(buf)]
		if !ok {
			res = sid(string(buf))
		}
		m.merges[key] = mergeTo{rank: int32(rank), result: res}
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
	if len(w) > cacheMaxWord {
		return m.bpe(sp, w, dst)
	}
	if ids, ok := m.cache.get(w); ok {
		return append(dst, ids...)
	}
	n0 := len(dst)
	dst = m.bpe(sp, w, dst)
	m.cache.put(w, append([]int32(nil), dst[n0:]...))
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

// maxMergedWord is the longest pre-token bpe merges.
const maxMergedWord = math.MaxInt32 - 1

// bpe merges the bytes of w by rank and appends the resulting ids.
func (m *Model) bpe(sp *splitter, w []byte, dst []int32) []int32 {
	if m.pre.ignoreMerges {
		mapped := sp.mapped[:0]
		for _, c := range w {
			mapped = utf8.AppendRune(mapped, byteToRune[c])
		}
		sp.mapped = mapped
		if id, ok := m.tokenID[string(mapped)]; ok {
			return append(dst, id)
		}
	}
	if len(w) == 0 {
		return dst
	}
	if len(w) > maxMergedWord {
		// Beyond the int32 positions of the merge state: the bytes' own
		// tokens, unmerged (a pre-token this long is 2 GiB of one class).
		for _, c := range w {
			if id := m.byteSid[c]; id < m.nTokens {
				dst = append(dst, id)
			} else {
				dst = append(dst, m.byteFallback[c]...)
			}
		}
		return dst
	}
	syms := sp.symbols[:0]
	for i, c := range w {
		syms = append(syms, symbol{start: int32(i), n: 1, prev: int32(i - 1), next: int32(i + 1), sid: m.byteSid[c]})
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
		if s.sid < m.nTokens {
			dst = append(dst, s.sid)
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
func (m *Model) VocabSize() int { return int(m.nTokens) }

package tokenizer

// SentencePiece BPE as llama.cpp's llm_tokenizer_spm runs it: the text
// (spaces already escaped to ▁) is split into UTF-8 characters; the
// adjacent pair whose concatenation is a vocabulary token with the highest
// score is merged (ties: the leftmost pair), over and over; each remaining
// symbol is emitted as its token, or byte by byte as <0xXX> tokens when it
// is not in the vocabulary.

type spmSymbol struct {
	start, n   int // byte range in the text; n == 0 once merged away
	prev, next int // neighbours, -1 at the ends
}

type spmBigram struct {
	left, right int
	score       float32
	size        int
}

// spmSession holds the buffers of one tokenization, reused across the
// fragments of a text.
type spmSession struct {
	syms []spmSymbol
	heap []spmBigram
}

// utf8Len is the length of the UTF-8 sequence a lead byte announces (1 for
// a stray continuation byte), as llama.cpp's unicode_len_utf8.
func utf8Len(b byte) int {
	switch {
	case b < 0x80:
		return 1
	case b < 0xC0:
		return 1
	case b < 0xE0:
		return 2
	case b < 0xF0:
		return 3
	}
	return 4
}

// encode appends the tokens of text (spaces already escaped).
//
// Merges only ever join neighbours, so a text splits into pieces that can
// be tokenized on their own wherever no vocabulary token could span the
// cut: before a "▁" whose preceding symbol never precedes a ▁ inside a
// token (t.spmJoin). Tokenizing word by word gives the same ids as one
// pass over the whole text, with small, cache-friendly queues.
func (s *spmSession) encode(t *Tokenizer, out []int32, text string) []int32 {
	start, prev := 0, ""
	for off := 0; off < len(text); {
		n := min(utf8Len(text[off]), len(text)-off)
		sym := text[off : off+n]
		if off > start && sym == "▁" && !t.spmJoin[prev] {
			out = s.encodeChunk(t, out, text[start:off])
			start = off
		}
		prev = sym
		off += n
	}
	return s.encodeChunk(t, out, text[start:])
}

func (s *spmSession) encodeChunk(t *Tokenizer, out []int32, text string) []int32 {
	s.syms = s.syms[:0]
	s.heap = s.heap[:0]
	for off := 0; off < len(text); {
		n := min(utf8Len(text[off]), len(text)-off)
		i := len(s.syms)
		next := i + 1
		if off+n == len(text) {
			next = -1
		}
		s.syms = append(s.syms, spmSymbol{start: off, n: n, prev: i - 1, next: next})
		off += n
	}
	for i := 1; i < len(s.syms); i++ {
		s.tryBigram(t, text, i-1, i)
	}
	for len(s.heap) > 0 {
		b := s.pop()
		l, r := &s.syms[b.left], &s.syms[b.right]
		if l.n == 0 || r.n == 0 || l.n+r.n != b.size {
			continue // a side was merged since this pair was queued
		}
		l.n += r.n
		r.n = 0
		l.next = r.next
		if r.next >= 0 {
			s.syms[r.next].prev = b.left
		}
		s.tryBigram(t, text, l.prev, b.left)
		s.tryBigram(t, text, b.left, l.next)
	}
	for i := 0; i != -1 && len(s.syms) > 0; i = s.syms[i].next {
		sym := s.syms[i]
		piece := text[sym.start : sym.start+sym.n]
		if id, ok := t.ids[piece]; ok {
			out = append(out, id)
			continue
		}
		for j := 0; j < len(piece); j++ {
			if id := t.bytes[piece[j]]; id != none {
				out = append(out, id)
			} else if t.unk != none {
				out = append(out, t.unk)
			}
		}
	}
	return out
}

func (s *spmSession) tryBigram(t *Tokenizer, text string, left, right int) {
	if left < 0 || right < 0 {
		return
	}
	l, r := s.syms[left], s.syms[right]
	id, ok := t.ids[text[l.start:r.start+r.n]]
	if !ok {
		return
	}
	s.push(spmBigram{left: left, right: right, score: t.entries[id].score, size: l.n + r.n})
}

// before reports whether a is popped before b: higher score first, then
// the leftmost pair.
func (a spmBigram) before(b spmBigram) bool {
	return a.score > b.score || (a.score == b.score && a.left < b.left)
}

func (s *spmSession) push(b spmBigram) {
	h := append(s.heap, b)
	i := len(h) - 1
	for i > 0 {
		p := (i - 1) / 2
		if !h[i].before(h[p]) {
			break
		}
		h[i], h[p] = h[p], h[i]
		i = p
	}
	s.heap = h
}

func (s *spmSession) pop() spmBigram {
	h := s.heap
	top := h[0]
	last := len(h) - 1
	h[0] = h[last]
	h = h[:last]
	for i := 0; ; {
		l := 2*i + 1
		if l >= len(h) {
			break
		}
		c := l
		if r := l + 1; r < len(h) && h[r].before(h[l]) {
			c = r
		}
		if !h[c].before(h[i]) {
			break
		}
		h[i], h[c] = h[c], h[i]
		i = c
	}
	s.heap = h
	return top
}

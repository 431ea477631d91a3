package bpe

import (
	"fmt"
	"slices"
	"strings"
	"sync"
)

// splitFunc splits cpts[a:b] into pieces, appending their lengths (in
// codepoints) to out.
type splitFunc func(t *text, a, b int, out []int) []int

// preTokenizer is one tokenizer.ggml.pre value's behaviour: regexes
// applied in sequence (each to every piece the previous ones made), and
// whether a pre-token found whole in the vocabulary skips the merges.
type preTokenizer struct {
	name         string
	splits       []splitFunc
	ignoreMerges bool
}

// The regex sequences of llama.cpp's llm_tokenizer_bpe, by pre-tokenizer
// type (llama-vocab.cpp at c392e50).
var (
	gpt2Regexes = []splitFunc{splitGPT2}

	defaultRegexes = []splitFunc{
		splitRegex(colRun(cP, "$+<=>^~|")),
		splitGPT2,
		splitRegex(colRun(cN, "")),
		splitRegex(matchThreeDigits),
	}
	llama3Regexes      = []splitFunc{splitLlama3}
	deepseekLLMRegexes = []splitFunc{
		splitRegex(matchCRLF),
		splitRegex(wideSpaceThenRun(deepseekLetter)),
		splitRegex(wideSpaceThenRun(rangeClass('!', '/', ':', '~', 0xFF01, 0xFF0F, 0xFF1A, 0xFF5E, 0x2018, 0x201F, 0x3000, 0x3002))),
		splitRegex(matchTrailingSpace),
		splitRegex(wideRun(rangeClass(0x4E00, 0x9FA5, 0x0800, 0x4E00, 0xAC00, 0xD7FF))),
		splitRegex(colRun(cN, "")),
	}
	deepseekV3Regexes = []splitFunc{
		splitRegex(colUpTo(cN, 3)),
		splitRegex(wideRun(rangeClass(0x4E00, 0x9FA5, 0x3040, 0x309F, 0x30A0, 0x30FF))),
		splitRegex(matchDeepseekV3),
	}
	deepseekCoderRegexes = []splitFunc{
		splitRegex(matchCRLF),
		splitRegex(colSpaceThenRun(cL)),
		splitRegex(colSpaceThenRun(cP)),
		splitRegex(wideRun(rangeClass(0x4E00, 0x9FA5, 0x0800, 0x4E00, 0xAC00, 0xD7FF))),
		splitRegex(colUpTo(cN, 1)),
	}
	falconRegexes = []splitFunc{
		splitRegex(colRun(cP, "$+<=>^~|`")),
		splitGPT2,
		splitRegex(matchThreeDigits),
	}
	starcoderRegexes = []splitFunc{
		splitRegex(colUpTo(cN, 1)),
		splitGPT2,
	}
	qwen2Regexes   = []splitFunc{splitRegex(matchQwen2)}
	poroRegexes    = []splitFunc{splitRegex(matchPoro)}
	vikingRegexes  = []splitFunc{splitRegex(matchPoro), splitRegex(colUpTo(cN, 1))}
	tekkenRegexes  = []splitFunc{splitRegex(matchTekken)}
	gpt4oRegexes   = []splitFunc{splitRegex(matchGPT4o)}
	chameleonRegex = []splitFunc{
		splitRegex(matchSentinel),
		splitRegex(matchImageToken),
		splitRegex(matchChameleonSpace),
		splitRegex(colUpTo(cN, 1)),
		splitRegex(matchChameleonPunct),
		splitGPT2,
	}
)

// deepseekLetter is deepseek-llm's explicit letter class.
var deepseekLetter = rangeClass(
	'A', 'Z', 'a', 'z', 0xB5, 0xB5, 0xC0, 0xD6, 0xD8, 0xF6, 0xF8, 0x1BA, 0x1BC, 0x1BF,
	0x1C4, 0x293, 0x295, 0x2AF, 0x370, 0x373, 0x376, 0x377, 0x37B, 0x37D, 0x37F, 0x37F,
	0x386, 0x386, 0x388, 0x38A, 0x38C, 0x38C, 0x38E, 0x3A1, 0x3A3, 0x3F5, 0x3F7, 0x481,
	0x48A, 0x52F, 0x531, 0x556, 0x10A0, 0x10C5, 0x13A0, 0x13F5, 0x13F8, 0x13FD,
	0x1C90, 0x1CBA, 0x1CBD, 0x1CBF, 0x1D00, 0x1D2B, 0x1D6B, 0x1D77, 0x1D79, 0x1D9A,
	0x1E00, 0x1F15, 0x1F18, 0x1F1D, 0x1F20, 0x1F45, 0x1F48, 0x1F4D, 0x1F50, 0x1F57,
	0x1F59, 0x1F59, 0x1F5B, 0x1F5B, 0x1F5D, 0x1F5D, 0x1F5F, 0x1F7D, 0x1F80, 0x1FB4,
	0x1FB6, 0x1FBC, 0x1FBE, 0x1FBE, 0x1FC2, 0x1FC4, 0x1FC6, 0x1FCC, 0x1FD0, 0x1FD3,
	0x1FD6, 0x1FDB, 0x1FE0, 0x1FEC, 0x1FF2, 0x1FF4, 0x1FF6, 0x1FFC, 0x2102, 0x2102,
	0x2107, 0x2107, 0x210A, 0x2113, 0x2115, 0x2115, 0x2119, 0x211D, 0x2124, 0x2124,
	0x2126, 0x2126, 0x2128, 0x2128, 0x212A, 0x212D, 0x212F, 0x2134, 0x2139, 0x2139,
	0x213C, 0x213F, 0x2145, 0x2149, 0x214E, 0x214E, 0x2183, 0x2184, 0x2C00, 0x2C7B,
	0x2C7E, 0x2CE4, 0x2CEB, 0x2CEE, 0x2CF2, 0x2CF3, 0xA640, 0xA66D, 0xA680, 0xA69B,
	0xA722, 0xA76F, 0xA771, 0xA787, 0xA78B, 0xA78E, 0xAB70, 0xABBF, 0xFB00, 0xFB06,
	0xFB13, 0xFB17, 0xFF21, 0xFF3A, 0xFF41, 0xFF5A, 0x10400, 0x1044F, 0x104B0, 0x104D3,
	0x104D8, 0x104FB, 0x10C80, 0x10CB2, 0x10CC0, 0x10CF2, 0x118A0, 0x118DF, 0x1E900, 0x1E943,
)

// preTypes maps every tokenizer.ggml.pre value llama.cpp (c392e50) accepts
// for byte-level BPE to its behaviour. An absent value ("") means
// "default", as in llama.cpp.
var preTypes = func() map[string]*preTokenizer {
	m := map[string]*preTokenizer{}
	add := func(splits []splitFunc, ignoreMerges bool, names ...string) {
		for _, n := range names {
			m[n] = &preTokenizer{name: n, splits: splits, ignoreMerges: ignoreMerges}
		}
	}
	add(defaultRegexes, false, "", "default")
	add(llama3Regexes, true, "llama3", "llama-v3", "llama-bpe", "falcon3")
	add(llama3Regexes, false, "dbrx", "smaug-bpe", "chatglm-bpe")
	add(deepseekLLMRegexes, false, "deepseek-llm")
	add(deepseekCoderRegexes, false, "deepseek-coder")
	add(deepseekV3Regexes, false, "deepseek-v3")
	add(falconRegexes, false, "falcon")
	add(gpt2Regexes, false, "gpt-2", "phi-2", "jina-es", "jina-de", "gigachat", "jina-v1-en",
		"jina-v2-es", "jina-v2-de", "jina-v2-code", "roberta-bpe", "mpt", "olmo", "jais")
	add(starcoderRegexes, false, "starcoder", "refact", "command-r", "smollm", "codeshell", "exaone", "minerva-7b")
	add(qwen2Regexes, false, "qwen2", "deepseek-r1-qwen", "megrez", "stablelm2")
	add(poroRegexes, false, "poro-chat", "bloom", "gpt3-finnish")
	add(vikingRegexes, false, "viking")
	add(tekkenRegexes, true, "tekken")
	add(chameleonRegex, false, "chameleon")
	// Added to llama.cpp after c392e50 (regex from its later sources).
	add(gpt4oRegexes, false, "gpt-4o", "llama4")
	return m
}()

// KnownPre returns the tokenizer.ggml.pre values this package knows,
// sorted ("" and "default" both mean llama.cpp's default regexes).
func KnownPre() []string {
	names := make([]string, 0, len(preTypes))
	for n := range preTypes {
		if n != "" {
			names = append(names, n)
		}
	}
	slices.Sort(names)
	return names
}

// UnknownPreError is returned for a tokenizer.ggml.pre value this package
// does not know.
type UnknownPreError struct{ Pre string }

// Error names the value and lists the known ones.
func (e *UnknownPreError) Error() string {
	return fmt.Sprintf("bpe: unknown pre-tokenizer %q (known: %s)", e.Pre, strings.Join(KnownPre(), ", "))
}

func lookupPre(pre string) (*preTokenizer, error) {
	p, ok := preTypes[pre]
	if !ok {
		return nil, &UnknownPreError{Pre: pre}
	}
	return p, nil
}

// splitter holds the scratch state of one pre-tokenization.
type splitter struct {
	t       text
	pieces  []int
	scratch []int
	wordBuf []byte
	mapped  []byte
	symbols []symbol
	bigrams bigramHeap
}

var splitterPool = sync.Pool{New: func() any { return &splitter{t: text{ft: loadFlags()}} }}

// split pre-tokenizes s, leaving the piece lengths (in codepoints of
// sp.t.cpts) in sp.pieces.
func (sp *splitter) split(p *preTokenizer, s string) {
	sp.t.reset(s)
	sp.pieces = append(sp.pieces[:0], len(sp.t.cpts))
	if len(sp.t.cpts) == 0 {
		sp.pieces = sp.pieces[:0]
		return
	}
	for _, f := range p.splits {
		out := sp.scratch[:0]
		start := 0
		for _, n := range sp.pieces {
			out = f(&sp.t, start, start+n, out)
			start += n
		}
		sp.pieces, sp.scratch = out, sp.pieces
	}
}

// PreTokenize splits text into the pre-tokens the named pre-tokenizer
// (a tokenizer.ggml.pre value) makes, before byte-level mapping and
// merges. The pieces are UTF-8; their concatenation is text when text is
// valid UTF-8 (invalid sequences are read as llama.cpp reads them; see
// Model.Encode).
func PreTokenize(pre, text string) ([]string, error) {
	p, err := lookupPre(pre)
	if err != nil {
		return nil, err
	}
	sp := splitterPool.Get().(*splitter)
	defer splitterPool.Put(sp)
	sp.split(p, text)
	words := make([]string, 0, len(sp.pieces))
	start := 0
	for _, n := range sp.pieces {
		buf := sp.wordBuf[:0]
		for _, r := range sp.t.cpts[start : start+n] {
			buf = appendRune(buf, r)
		}
		sp.wordBuf = buf
		words = append(words, string(buf))
		start += n
	}
	return words, nil
}

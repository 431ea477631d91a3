package bpe

import (
	"slices"
	"testing"
)

func mustNew(t *testing.T, tokens, merges []string, pre string) *Model {
	t.Helper()
	m, err := New(tokens, merges, pre)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestMerges(t *testing.T) {
	tokens := []string{"a", "b", "c", "aa", "ab", "bc", "abc", "Ġ", "Ġa", "x"}
	for _, c := range []struct {
		name   string
		merges []string
		pre    string
		in     string
		want   []int32
	}{
		{"leftmost on equal rank", []string{"a a"}, "gpt-2", "aaa", []int32{3, 0}},
		{"lowest rank first", []string{"b c", "a b"}, "gpt-2", "abc", []int32{0, 5}},
		{"lowest rank first, other order", []string{"a b", "b c"}, "gpt-2", "abc", []int32{4, 2}},
		{"merge chain", []string{"a b", "ab c"}, "gpt-2", "abc", []int32{6}},
		{"repeated merge keeps its first rank", []string{"a b", "b c", "a b"}, "gpt-2", "abc", []int32{4, 2}},
		{"merge without a space is ignored", []string{"ab", "b c"}, "gpt-2", "abc", []int32{0, 5}},
		{"space byte", []string{"Ġ a"}, "gpt-2", " a", []int32{8}},
		// llama-bpe takes a pre-token found whole in the vocabulary as one
		// id even when no merge leads to it; gpt-2 does not.
		{"ignore_merges", nil, "llama-bpe", "abc", []int32{6}},
		{"no ignore_merges", nil, "gpt-2", "abc", []int32{0, 1, 2}},
		// A byte with no token: llama.cpp looks up the bytes of its alphabet
		// character as one-byte texts; "\n" is "Ċ" (C4 8A), neither a token.
		{"byte not in vocabulary", nil, "gpt-2", "a\nb", []int32{0, 1}},
		// A merge result that is not a token falls back to its bytes.
		{"merge result not a token", []string{"x a"}, "gpt-2", "xa", []int32{9, 0}},
	} {
		m := mustNew(t, tokens, c.merges, c.pre)
		if got := m.Encode(nil, c.in); !slices.Equal(got, c.want) {
			t.Errorf("%s: Encode(%q) = %v, want %v", c.name, c.in, got, c.want)
		}
	}
}

func TestVocabularyEdges(t *testing.T) {
	// A repeated text encodes to its last id; an empty text reads as
	// "[EMPTY_<id>]".
	m := mustNew(t, []string{"a", "b", "a", ""}, nil, "gpt-2")
	if got := m.Encode(nil, "ab"); !slices.Equal(got, []int32{2, 1}) {
		t.Errorf("Encode = %v, want [2 1]", got)
	}
	if got := string(m.Decode(nil, 3)); got != "[EMPTY_3]" {
		t.Errorf("Decode(3) = %q", got)
	}
	if got := m.Decode([]byte("x"), 4); string(got) != "x" {
		t.Errorf("Decode(out of range) = %q", got)
	}
	if got := m.Decode(nil, -1); len(got) != 0 {
		t.Errorf("Decode(-1) = %q", got)
	}
	if m.VocabSize() != 4 {
		t.Errorf("VocabSize = %d", m.VocabSize())
	}
}

func TestDecode(t *testing.T) {
	m := mustNew(t, []string{"Ġhello", "Ċ", "Ã©", "ä½ł", "你", "<|endoftext|>"}, nil, "gpt-2")
	for id, want := range []string{
		" hello", "\n", "é", "你",
		// Outside the byte alphabet: written as llama.cpp's llama_decode_text does.
		"[UNK_BYTE_0xe4bda0你]",
		"<|endoftext|>",
	} {
		if got := string(m.Decode(nil, int32(id))); got != want {
			t.Errorf("Decode(%d) = %q, want %q", id, got, want)
		}
	}
}

func TestByteAlphabet(t *testing.T) {
	seen := map[rune]bool{}
	for b, r := range byteToRune {
		if seen[r] {
			t.Fatalf("byte %#x: rune %U used twice", b, r)
		}
		seen[r] = true
		if runeToByte[r] != int16(b) {
			t.Fatalf("byte %#x → %U → %d", b, r, runeToByte[r])
		}
	}
	for b, want := range map[byte]rune{' ': 'Ġ', '\n': 'Ċ', '!': '!', 0: 0x100, 0xAD: 0x143, 0xFF: 'ÿ'} {
		if byteToRune[b] != want {
			t.Errorf("byte %#x → %U, want %U", b, byteToRune[b], want)
		}
	}
}

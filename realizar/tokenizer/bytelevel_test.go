package tokenizer

import (
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestByteLevel(t *testing.T) {
	tk, ok := loadFamilies(t)["gpt-2"]
	if !ok {
		t.Fatal("gpt-2 vocabulary not loaded")
	}
	if tk.Kind() != BPE || tk.Pre() != "gpt-2" {
		t.Fatalf("Kind %v Pre %q", tk.Kind(), tk.Pre())
	}
	eot, ok := tk.TokenID("<|endoftext|>")
	if !ok || !tk.IsEOG(eot) || !tk.IsControl(eot) {
		t.Fatalf("<|endoftext|> = %d, EOG %v, control %v", eot, tk.IsEOG(eot), tk.IsControl(eot))
	}
	if bos, _ := tk.BOS(); bos != eot {
		t.Errorf("BOS = %d, want %d", bos, eot)
	}
	// No BOS added by default for GPT-2; the special token is parsed only
	// when asked.
	hello := tk.Encode("Hello", false, false)
	if got := tk.Encode("Hello", true, false); !slices.Equal(got, hello) {
		t.Errorf("addSpecial added tokens: %v vs %v", got, hello)
	}
	if got := tk.Encode("Hello<|endoftext|>", false, true); !slices.Equal(got, append(slices.Clone(hello), eot)) {
		t.Errorf("parsed: %v", got)
	}
	if got := tk.Encode("<|endoftext|>", false, false); slices.Contains(got, eot) {
		t.Errorf("unparsed special became %d: %v", eot, got)
	}
	if got := tk.Piece(tk.Encode(" world", false, false)[0]); got != " world" {
		t.Errorf("Piece(Ġworld) = %q", got)
	}
	// llama.cpp's clean-up of spaces before punctuation and contractions.
	if got := tk.Decode(tk.Encode("Hello , world . it 's", false, false)); got != "Hello, world. it's" {
		t.Errorf("Decode = %q", got)
	}
	// Multi-byte characters split over byte-level tokens stream whole.
	text := "🦙🦙 café 日本語 Ꭰ𐐀"
	ids := tk.Encode(text, false, false)
	d := tk.NewDecoder()
	var sb strings.Builder
	for _, id := range ids {
		s := d.Next(id)
		if !utf8.ValidString(s) {
			t.Fatalf("Next(%d) = %q: not valid UTF-8", id, s)
		}
		sb.WriteString(s)
	}
	sb.WriteString(d.Flush())
	if sb.String() != text {
		t.Errorf("streamed %q, want %q", sb.String(), text)
	}
}

// TestPhi3ChatMarkers: llama.cpp gives Phi-3's special tokens the rstrip
// attribute (by general.name), so the newlines after chat markers vanish;
// <s> and <|endoftext|> keep theirs.
func TestPhi3ChatMarkers(t *testing.T) {
	tk, ok := loadFamilies(t)["phi-3"]
	if !ok {
		t.Fatal("phi-3 vocabulary not loaded")
	}
	id := func(s string) int32 {
		i, ok := tk.TokenID(s)
		if !ok {
			t.Fatalf("no token %q", s)
		}
		return i
	}
	user, end, asst := id("<|user|>"), id("<|end|>"), id("<|assistant|>")
	for _, i := range []int32{user, end, asst} {
		if tk.Attr(i)&AttrRStrip == 0 {
			t.Errorf("%q lacks rstrip", tk.TokenText(i))
		}
	}
	if tk.Attr(id("<s>"))&AttrRStrip != 0 {
		t.Error("<s> has rstrip")
	}
	got := tk.Encode("<|user|>\nHi<|end|>\n<|assistant|>", true, true)
	want := slices.Concat([]int32{id("<s>"), user}, tk.Encode("Hi", false, false), []int32{end, asst})
	if !slices.Equal(got, want) {
		t.Errorf("Encode = %v, want %v", got, want)
	}
	if !tk.IsEOG(end) {
		t.Error("<|end|> does not end generation")
	}
}

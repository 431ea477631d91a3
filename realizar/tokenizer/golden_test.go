package tokenizer

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/batuta-go/stack/internal/testdata"
)

// stories260K loads the tokenizer of the shared stories260K model.
func stories260K(tb testing.TB) *Tokenizer {
	tb.Helper()
	return loadGGUF(tb, filepath.Join(testdata.Dir(tb, "models"), "stories260K.gguf"))
}

func readJSON(tb testing.TB, path string, v any) {
	tb.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	if err := json.Unmarshal(data, v); err != nil {
		tb.Fatalf("%s: %v", path, err)
	}
}

func TestStories260KTokenize(t *testing.T) {
	tk := stories260K(t)
	var g struct {
		Cases []struct {
			Text   string   `json:"text"`
			IDs    []int32  `json:"ids"`
			Pieces []string `json:"pieces"`
		} `json:"cases"`
	}
	readJSON(t, filepath.Join(testdata.Dir(t, "golden"), "stories260K_tokenize.json"), &g)
	if len(g.Cases) == 0 {
		t.Fatal("no cases in stories260K_tokenize.json")
	}
	for _, c := range g.Cases {
		got := tk.Encode(c.Text, true, false)
		if !slices.Equal(got, c.IDs) {
			t.Errorf("Encode(%q) = %v, want %v", c.Text, got, c.IDs)
			continue
		}
		pieces := make([]string, len(got))
		for i, id := range got {
			pieces[i] = tk.TokenText(id)
		}
		if !slices.Equal(pieces, c.Pieces) {
			t.Errorf("pieces of %q = %q, want %q", c.Text, pieces, c.Pieces)
		}
		// Without BOS the space prefix is dropped again: the text comes back.
		if dec := tk.Decode(got[1:]); dec != c.Text {
			t.Errorf("Decode(Encode(%q)) = %q", c.Text, dec)
		}
	}
}

func TestStories260KPrompts(t *testing.T) {
	tk := stories260K(t)
	var g struct {
		Cases []struct {
			Prompt          string   `json:"prompt"`
			PromptIDs       []int32  `json:"prompt_ids"`
			GeneratedIDs    []int32  `json:"generated_ids"`
			GeneratedPieces []string `json:"generated_pieces"`
			Continuation    string   `json:"continuation"`
			FullText        string   `json:"full_text"`
		} `json:"cases"`
	}
	readJSON(t, filepath.Join(testdata.Dir(t, "golden"), "stories260K_generate.json"), &g)
	if len(g.Cases) == 0 {
		t.Fatal("no cases in stories260K_generate.json")
	}
	for _, c := range g.Cases {
		if got := tk.Encode(c.Prompt, true, false); !slices.Equal(got, c.PromptIDs) {
			t.Errorf("Encode(%q) = %v, want %v", c.Prompt, got, c.PromptIDs)
		}
		// The continuation streams token by token, leading spaces kept.
		d := tk.NewDecoder()
		var sb strings.Builder
		for i, id := range c.GeneratedIDs {
			if i < len(c.GeneratedPieces) && tk.TokenText(id) != c.GeneratedPieces[i] {
				t.Errorf("%q: token %d is %q, want %q", c.Prompt, id, tk.TokenText(id), c.GeneratedPieces[i])
			}
			sb.WriteString(d.Next(id))
		}
		sb.WriteString(d.Flush())
		if sb.String() != c.Continuation {
			t.Errorf("%q: continuation %q, want %q", c.Prompt, sb.String(), c.Continuation)
		}
		if full := tk.Decode(append(slices.Clone(c.PromptIDs[1:]), c.GeneratedIDs...)); full != c.FullText {
			t.Errorf("%q: full text %q, want %q", c.Prompt, full, c.FullText)
		}
	}
}

// TestDecoderSplitCharacters streams characters that byte fallback spreads
// over several tokens: no call may return part of a character.
func TestDecoderSplitCharacters(t *testing.T) {
	tk := stories260K(t)
	for _, text := range []string{"emoji 🙂 and 日本語, café", "🦙🦙🦙", "a\x80b", "x\xf0\x9f"} {
		ids := tk.Encode(text, false, false)
		d := tk.NewDecoder()
		var sb strings.Builder
		for _, id := range ids {
			s := d.Next(id)
			if !utf8.ValidString(s) {
				t.Errorf("%q: Next(%d) returned invalid UTF-8 %q", text, id, s)
			}
			sb.WriteString(s)
		}
		s := d.Flush()
		if !utf8.ValidString(s) {
			t.Errorf("%q: Flush returned invalid UTF-8 %q", text, s)
		}
		sb.WriteString(s)
		want := " " + strings.ToValidUTF8(text, "\uFFFD")
		if text == "a\x80b" {
			want = " a\uFFFDb"
		}
		if sb.String() != want {
			t.Errorf("streamed %q, want %q", sb.String(), want)
		}
		if d.Flush() != "" {
			t.Errorf("%q: second Flush not empty", text)
		}
	}
}

func TestDecoderHoldsIncomplete(t *testing.T) {
	tk := stories260K(t)
	var bytes []int32
	for _, b := range []byte("🙂") {
		id, ok := tk.TokenID("<0x" + strings.ToUpper(hex2(b)) + ">")
		if !ok {
			t.Fatalf("no byte token for %#x", b)
		}
		bytes = append(bytes, id)
	}
	d := tk.NewDecoder()
	for i, id := range bytes[:3] {
		if s := d.Next(id); s != "" {
			t.Fatalf("byte %d of 4 emitted %q", i+1, s)
		}
	}
	if s := d.Next(bytes[3]); s != "🙂" {
		t.Fatalf("last byte emitted %q, want the emoji", s)
	}
	d.Next(bytes[0])
	d.Next(bytes[1])
	if s := d.Flush(); s != "\uFFFD" {
		t.Fatalf("Flush of an incomplete character = %q, want one U+FFFD", s)
	}
}

func hex2(b byte) string {
	const digits = "0123456789abcdef"
	return string([]byte{digits[b>>4], digits[b&15]})
}

func TestStories260KMetadata(t *testing.T) {
	tk := stories260K(t)
	if tk.Kind() != SPM {
		t.Errorf("Kind = %v, want SPM", tk.Kind())
	}
	if tk.VocabSize() != 512 {
		t.Errorf("VocabSize = %d, want 512", tk.VocabSize())
	}
	if id, ok := tk.BOS(); !ok || id != 1 || tk.TokenText(id) != "<s>" {
		t.Errorf("BOS = %d %v", id, ok)
	}
	if id, ok := tk.EOS(); !ok || id != 2 || !tk.IsEOG(id) {
		t.Errorf("EOS = %d %v, IsEOG %v", id, ok, tk.IsEOG(id))
	}
	if tk.IsEOG(1) || tk.IsEOG(403) {
		t.Error("BOS or a word is end-of-generation")
	}
	if p := tk.Piece(1); p != "<s>" {
		t.Errorf("Piece(BOS) = %q", p)
	}
	if p := tk.Piece(403); p != " Once" {
		t.Errorf("Piece(403) = %q", p)
	}
	if p := tk.Piece(13); p != "\n" {
		t.Errorf("Piece(<0x0A>) = %q", p)
	}
	if tk.Piece(-1) != "" || tk.Piece(512) != "" || tk.TokenText(1<<30) != "" {
		t.Error("out-of-range ids must give empty text")
	}
	// Decode skips control tokens and keeps the space after BOS, as llama.cpp.
	if got := tk.Decode([]int32{1, 403, 407}); got != " Once upon" {
		t.Errorf("Decode(BOS ...) = %q", got)
	}
	if got := tk.Decode([]int32{403, 407}); got != "Once upon" {
		t.Errorf("Decode = %q", got)
	}
}

func TestSpecialTokens(t *testing.T) {
	tk := stories260K(t)
	// Control tokens are text unless parsed.
	plain := tk.Encode("<s>Hi</s>", false, false)
	if slices.Contains(plain, 1) || slices.Contains(plain, 2) {
		t.Errorf("parseSpecial=false produced control ids: %v", plain)
	}
	parsed := tk.Encode("<s>Hi</s>", false, true)
	want := append(append([]int32{1}, tk.Encode("Hi", false, false)...), 2)
	if !slices.Equal(parsed, want) {
		t.Errorf("parsed = %v, want %v", parsed, want)
	}
	// No second BOS (or EOS) when the text brings its own.
	if got := tk.Encode("<s>Hi", true, true); !slices.Equal(got, want[:len(want)-1]) {
		t.Errorf("Encode(<s>Hi, add, parse) = %v, want %v", got, want[:len(want)-1])
	}
	if got := tk.Encode("Hi", true, true); got[0] != 1 || slices.Contains(got[1:], 1) {
		t.Errorf("Encode(Hi, add, parse) = %v", got)
	}
}

// TestStories260KLlama2c decodes llama2.c's 200-token run: its printed text
// (BOS-initial leading space stripped) is Decode of the generated ids.
func TestStories260KLlama2c(t *testing.T) {
	tk := stories260K(t)
	var g struct {
		BOSOnly struct {
			GeneratedIDs []int32 `json:"generated_ids"`
			PrintedText  string  `json:"printed_text"`
		} `json:"bos_only_200"`
	}
	readJSON(t, filepath.Join(testdata.Dir(t, "golden"), "stories260K_llama2c.json"), &g)
	if len(g.BOSOnly.GeneratedIDs) == 0 {
		t.Fatal("no bos_only_200 ids")
	}
	if got := tk.Decode(g.BOSOnly.GeneratedIDs); got != g.BOSOnly.PrintedText {
		t.Errorf("Decode = %q\nwant %q", got, g.BOSOnly.PrintedText)
	}
}

// TestConcurrentEncode shares one tokenizer between goroutines.
func TestConcurrentEncode(t *testing.T) {
	fam := loadFamilies(t)
	texts := []string{"Hello world", "emoji 🙂 日本", "<s>x</s>", " leading  spaces "}
	for name, tk := range firstOfEachKind(fam) {
		want := make([][]int32, len(texts))
		for i, s := range texts {
			want[i] = tk.Encode(s, true, true)
		}
		done := make(chan error, 8)
		for g := range 8 {
			go func() {
				for r := range 50 {
					i := (g + r) % len(texts)
					if got := tk.Encode(texts[i], true, true); !slices.Equal(got, want[i]) {
						done <- fmt.Errorf("%s: %q gave %v, want %v", name, texts[i], got, want[i])
						return
					}
					tk.Decode(want[i])
				}
				done <- nil
			}()
		}
		for range 8 {
			if err := <-done; err != nil {
				t.Error(err)
			}
		}
	}
}

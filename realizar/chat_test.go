package realizar

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/batuta-go/stack/internal/testdata"
	"github.com/batuta-go/stack/realizar/chat"
	"github.com/batuta-go/stack/realizar/gguf"
	"github.com/batuta-go/stack/realizar/sample"
	"github.com/batuta-go/stack/realizar/tokenizer"
)

// TestChatRealVocabulary drives Chat with the phi-3 vocabulary of the shared
// tokenizer suite (its GGUF carries Phi-3's chat template) in front of a
// scripted model: the prompt is the template's rendering (as in
// chat/testdata/expected.json), its special tokens become their ids, and
// BOS is not doubled.
func TestChatRealVocabulary(t *testing.T) {
	f, err := gguf.Open(filepath.Join(testdata.Dir(t, "tokenizer"), "ggml-vocab-phi-3.gguf"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	tok, err := tokenizer.FromGGUF(f)
	if err != nil {
		t.Fatal(err)
	}
	if tok.ChatTemplate() == "" {
		t.Fatal("ggml-vocab-phi-3.gguf has no chat template")
	}
	var want struct {
		Conversations map[string][]chat.Message `json:"conversations"`
		Cases         []struct {
			Template            string `json:"template"`
			Conversation        string `json:"conversation"`
			AddGenerationPrompt bool   `json:"add_generation_prompt"`
			Output              string `json:"output"`
		} `json:"cases"`
	}
	b, err := os.ReadFile(filepath.Join("chat", "testdata", "expected.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &want); err != nil {
		t.Fatal(err)
	}
	net := &fakeNet{vocab: tok.VocabSize(), ctxLen: 512}
	l, err := newLLM(net, tokenVocab{tok}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	checked := 0
	for _, c := range want.Cases {
		if c.Template != "phi-3" || !c.AddGenerationPrompt {
			continue
		}
		msgs := want.Conversations[c.Conversation]
		prompt, err := l.ChatPrompt(msgs)
		if err != nil {
			t.Fatalf("%s: %v", c.Conversation, err)
		}
		if prompt != c.Output {
			t.Fatalf("%s: prompt %q, want %q", c.Conversation, prompt, c.Output)
		}
		ids := tok.Encode(prompt, true, true)
		bos, _ := tok.BOS()
		if ids[0] != bos || ids[1] == bos {
			t.Fatalf("%s: prompt ids start %v, want one BOS %d", c.Conversation, ids[:2], bos)
		}
		for _, special := range []string{"<|user|>", "<|end|>", "<|assistant|>"} {
			id, ok := tok.TokenID(special)
			if !ok || !slices.Contains(ids, id) {
				t.Fatalf("%s: %s (id %d, %v) not among the prompt ids %v", c.Conversation, special, id, ok, ids)
			}
		}
		// Through Chat: the scripted model sees exactly these ids.
		eos, _ := tok.EOS()
		net.script = []int32{eos}
		var last Token
		for tk, err := range l.Chat(context.Background(), msgs, sample.Params{}) {
			if err != nil {
				t.Fatal(err)
			}
			last = tk
		}
		if last.Stats.PromptTokens != len(ids) || last.Stats.Stop != StopEOG {
			t.Fatalf("%s: stats %+v, want a prompt of %d tokens ending on EOG", c.Conversation, last.Stats, len(ids))
		}
		checked++
	}
	if checked == 0 {
		t.Fatal("no phi-3 case in chat/testdata/expected.json")
	}
}

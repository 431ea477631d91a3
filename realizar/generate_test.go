package realizar

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"

	"github.com/batuta-go/stack/realizar/chat"
	"github.com/batuta-go/stack/realizar/sample"
)

type result struct {
	ids   []int32
	text  string
	last  Token
	err   error
	count int
}

func collect(seq func(func(Token, error) bool)) result {
	var r result
	for tok, err := range seq {
		if err != nil {
			r.err = err
			break
		}
		r.count++
		r.ids = append(r.ids, tok.ID)
		r.text += tok.Text
		r.last = tok
		if !utf8.ValidString(tok.Text) {
			r.err = errors.New("invalid UTF-8 piece " + tok.Text)
			break
		}
	}
	return r
}

func TestGenerateMaxTokens(t *testing.T) {
	l, n := newFake(scriptOf("Hello, world! More text."), 100)
	r := collect(l.Generate(context.Background(), "Hi", sample.Params{MaxTokens: 5}))
	if r.err != nil {
		t.Fatal(r.err)
	}
	if r.text != "Hello" || r.last.Stats.Stop != StopMaxTokens || r.last.Stats.GeneratedTokens != 5 {
		t.Fatalf("got %q, %+v", r.text, r.last.Stats)
	}
	if r.last.Stats.PromptTokens != 3 { // BOS H i
		t.Fatalf("prompt tokens %d, want 3", r.last.Stats.PromptTokens)
	}
	// One prefill plus one evaluation per token but the last.
	if e := n.evals.Load(); e != 5 {
		t.Fatalf("%d evaluations, want 5", e)
	}
	// The cache is sized for what can be used: prompt + 4.
	if s := n.lastNew.Load(); s != 7 {
		t.Fatalf("sequence of %d positions, want 7", s)
	}
}

func TestGenerateEOG(t *testing.T) {
	l, _ := newFake(scriptOf("The end.", fakeEOS, 'x', 'y'), 100)
	r := collect(l.Generate(context.Background(), "A", sample.Params{}))
	if r.err != nil {
		t.Fatal(r.err)
	}
	if r.text != "The end." || r.last.ID != fakeEOS || r.last.Stats.Stop != StopEOG || r.last.Stats.GeneratedTokens != 9 {
		t.Fatalf("got %q, last %+v", r.text, r.last)
	}
	r = collect(l.Generate(context.Background(), "A", sample.Params{IgnoreEOS: true, MaxTokens: 11}))
	if r.text != "The end.xy" || r.last.Stats.Stop != StopMaxTokens {
		t.Fatalf("IgnoreEOS: got %q, %+v", r.text, r.last.Stats)
	}
}

func TestGenerateStopStrings(t *testing.T) {
	l, _ := newFake(scriptOf("Answer: 42\nUser: next"), 100)
	r := collect(l.Generate(context.Background(), "Q", sample.Params{Stop: []string{"\nUser:", "###"}}))
	if r.err != nil {
		t.Fatal(r.err)
	}
	if r.text != "Answer: 42" || r.last.Stats.Stop != StopString {
		t.Fatalf("got %q, %+v", r.text, r.last.Stats)
	}
	// Text that only looked like a stop string comes out in the end.
	l, _ = newFake(scriptOf("a\nUsb"), 100)
	r = collect(l.Generate(context.Background(), "Q", sample.Params{Stop: []string{"\nUser:"}, MaxTokens: 5}))
	if r.text != "a\nUsb" {
		t.Fatalf("got %q", r.text)
	}
}

func TestGenerateUTF8(t *testing.T) {
	const s = "日本語 🦙 ü"
	l, _ := newFake(scriptOf(s, fakeEOS), 100)
	r := collect(l.Generate(context.Background(), "x", sample.Params{}))
	if r.err != nil || r.text != s {
		t.Fatalf("got %q, %v", r.text, r.err)
	}
	// Cut in the middle of a character by MaxTokens: the last piece is the
	// replacement character, never broken bytes.
	r = collect(l.Generate(context.Background(), "x", sample.Params{MaxTokens: 4}))
	if r.err != nil || r.text != "日\uFFFD" {
		t.Fatalf("got %q, %v", r.text, r.err)
	}
}

func TestGenerateContextFull(t *testing.T) {
	l, _ := newFake(scriptOf("abcdefghijklmnop"), 8)
	r := collect(l.Generate(context.Background(), "xy", sample.Params{}))
	if r.err != nil {
		t.Fatal(r.err)
	}
	// 3 prompt tokens, 5 evaluated generated tokens, 1 more sampled.
	if r.text != "abcdef" || r.last.Stats.Stop != StopContextFull {
		t.Fatalf("got %q, %+v", r.text, r.last.Stats)
	}
	if r := collect(l.Generate(context.Background(), "a much too long prompt", sample.Params{})); r.err == nil {
		t.Fatal("a prompt longer than the context was accepted")
	}
	l.opts.ContextSize = 5
	r = collect(l.Generate(context.Background(), "xy", sample.Params{}))
	if r.text != "abc" || r.last.Stats.Stop != StopContextFull {
		t.Fatalf("ContextSize 5: got %q, %+v", r.text, r.last.Stats)
	}
}

func TestGenerateCancel(t *testing.T) {
	l, n := newFake(scriptOf("abcdefghijklmnop"), 100)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var r result
	for tok, err := range l.Generate(ctx, "x", sample.Params{}) {
		if err != nil {
			r.err = err
			break
		}
		r.text += tok.Text
		if len(r.text) == 3 {
			cancel()
		}
	}
	if !errors.Is(r.err, context.Canceled) || r.text != "abc" {
		t.Fatalf("got %q, %v", r.text, r.err)
	}
	// Cancelled before the start: nothing is evaluated.
	before := n.evals.Load()
	r = collect(l.Generate(ctx, "x", sample.Params{}))
	if !errors.Is(r.err, context.Canceled) || r.count != 0 || n.evals.Load() != before {
		t.Fatalf("cancelled context: %d tokens, %v", r.count, r.err)
	}
	// A model that reports a wrapped cancellation still ends with ctx.Err().
	ctx2, cancel2 := context.WithCancel(context.Background())
	defer cancel2()
	n.onEval = func(pos int) {
		if pos >= 4 {
			cancel2()
		}
	}
	r = collect(l.Generate(ctx2, "x", sample.Params{}))
	if r.err != context.Canceled {
		t.Fatalf("got %v, want context.Canceled itself", r.err)
	}
}

func TestGenerateBreak(t *testing.T) {
	l, n := newFake(scriptOf("abcdefghijklmnop"), 100)
	for tok := range l.Generate(context.Background(), "x", sample.Params{}) {
		if tok.Text == "b" {
			break
		}
	}
	if e := n.evals.Load(); e != 2 {
		t.Fatalf("%d evaluations after breaking at the second token, want 2", e)
	}
}

func TestGenerateErrors(t *testing.T) {
	l, _ := newFake(scriptOf("abc"), 100)
	for name, seq := range map[string]func(func(Token, error) bool){
		"empty prompt":     l.GenerateTokens(context.Background(), nil, sample.Params{}),
		"token out of run": l.GenerateTokens(context.Background(), []int32{1, fakeVocab}, sample.Params{}),
		"negative token":   l.GenerateTokens(context.Background(), []int32{-1}, sample.Params{}),
		"bad params":       l.Generate(context.Background(), "x", sample.Params{TopP: 2}),
	} {
		if r := collect(seq); r.err == nil || r.count != 0 {
			t.Errorf("%s: %d tokens, %v", name, r.count, r.err)
		}
	}
	tok := &fakeTok{}
	if _, err := newLLM(&fakeNet{vocab: 10, ctxLen: 10}, tok, Options{}); err == nil {
		t.Error("a tokenizer larger than the model's output was accepted")
	}
}

func TestGeneratePaddingNeverSampled(t *testing.T) {
	n := &fakeNet{vocab: fakeVocab + 40, ctxLen: 100, script: scriptOf("abc", fakeEOS), padHigh: true}
	l, err := newLLM(n, &fakeTok{addBOS: true}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []sample.Params{{}, {Temperature: 1, Seed: 1}} {
		r := collect(l.Generate(context.Background(), "x", p))
		for _, id := range r.ids {
			if id >= fakeVocab {
				t.Fatalf("%+v: sampled padding id %d", p, id)
			}
		}
	}
}

func TestGenerateSeed(t *testing.T) {
	l, _ := newFake(scriptOf("abcdefghijklmnopqrstuvwxyz"), 100)
	p := sample.Params{Temperature: 30, Seed: 9, MaxTokens: 20}
	a := collect(l.Generate(context.Background(), "x", p))
	b := collect(l.Generate(context.Background(), "x", p))
	if a.err != nil || !slices.Equal(a.ids, b.ids) {
		t.Fatalf("same seed: %v / %v (%v)", a.ids, b.ids, a.err)
	}
	p.Seed = 10
	if c := collect(l.Generate(context.Background(), "x", p)); slices.Equal(a.ids, c.ids) {
		t.Fatalf("seeds 9 and 10 agree on 20 tokens at temperature 30: %v", a.ids)
	}
}

func TestGenerateConcurrent(t *testing.T) {
	l, _ := newFake(scriptOf("concurrent text", fakeEOS), 100)
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			prompt := strings.Repeat("p", i+1)
			r := collect(l.Generate(context.Background(), prompt, sample.Params{}))
			if r.err != nil || r.text != "concurrent text" {
				t.Errorf("goroutine %d: %q, %v", i, r.text, r.err)
			}
		}()
	}
	wg.Wait()
}

func TestChat(t *testing.T) {
	n := &fakeNet{vocab: fakeVocab, ctxLen: 200, script: scriptOf("Hi!", fakeEOS)}
	tok := &fakeTok{addBOS: true, template: "{{ bos_token }}{% for m in messages %}[{{ m.role }}]{{ m.content }}{{ eos_token }}{% endfor %}{% if add_generation_prompt %}[assistant]{% endif %}"}
	l, err := newLLM(n, tok, Options{})
	if err != nil {
		t.Fatal(err)
	}
	msgs := []chat.Message{{Role: "user", Content: "hello"}}
	prompt, err := l.ChatPrompt(msgs)
	if err != nil || prompt != "<s>[user]hello</s>[assistant]" {
		t.Fatalf("prompt %q, %v", prompt, err)
	}
	r := collect(l.Chat(context.Background(), msgs, sample.Params{}))
	if r.err != nil || r.text != "Hi!" {
		t.Fatalf("got %q, %v", r.text, r.err)
	}
	// The template's "<s>" and "</s>" are special tokens, and BOS is not doubled.
	ids := l.vocab.Encode(prompt, true, true)
	if ids[0] != fakeBOS || ids[1] == fakeBOS || !slices.Contains(ids, fakeEOS) {
		t.Fatalf("chat prompt ids %v", ids)
	}
	if r.last.Stats.PromptTokens != len(ids) {
		t.Fatalf("prompt of %d tokens, want %d", r.last.Stats.PromptTokens, len(ids))
	}

	// No template: a clear error, no made-up format.
	l2, _ := newFake(scriptOf("x"), 100)
	r = collect(l2.Chat(context.Background(), msgs, sample.Params{}))
	if !errors.Is(r.err, chat.ErrNoTemplate) || r.count != 0 {
		t.Fatalf("no template: %v", r.err)
	}
	// A template that raises: the template's message.
	tok3 := &fakeTok{template: "{{ raise_exception('no system role') }}"}
	l3, _ := newLLM(n, tok3, Options{})
	r = collect(l3.Chat(context.Background(), msgs, sample.Params{}))
	var raised *chat.RaisedError
	if !errors.As(r.err, &raised) || raised.Message != "no system role" {
		t.Fatalf("raising template: %v", r.err)
	}
}

func TestEmbed(t *testing.T) {
	l, _ := newFake(nil, 100)
	// Tokens: BOS 'a' 'b' → rows [pos, id, 1].
	for _, tc := range []struct {
		p    Pooling
		want []float32
	}{
		{MeanPooling, []float32{1, (256 + 97 + 98) / 3.0, 1}},
		{LastPooling, []float32{2, 98, 1}},
		{CLSPooling, []float32{0, 256, 1}},
	} {
		got, err := l.Embed(context.Background(), "ab", tc.p)
		if err != nil || !slices.Equal(got, tc.want) {
			t.Errorf("pooling %d: %v, %v; want %v", tc.p, got, err, tc.want)
		}
		norm, err := l.Embed(context.Background(), "ab", tc.p|Normalized)
		if err != nil {
			t.Fatal(err)
		}
		var ss float64
		for i, v := range norm {
			ss += float64(v) * float64(v)
			if r := float64(v) / float64(tc.want[i]); tc.want[i] != 0 && (r <= 0) {
				t.Errorf("normalized component %d changed sign", i)
			}
		}
		if ss < 1-1e-6 || ss > 1+1e-6 {
			t.Errorf("pooling %d normalized: norm² = %v", tc.p, ss)
		}
	}
	if _, err := l.Embed(context.Background(), "ab", Pooling(7)); err == nil {
		t.Error("unknown pooling accepted")
	}
	if _, err := l.EmbedTokens(context.Background(), nil, MeanPooling); err == nil {
		t.Error("empty input accepted")
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := l.Embed(ctx, "ab", MeanPooling); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: %v", err)
	}
}

func TestClosed(t *testing.T) {
	l, _ := newFake(scriptOf("abc"), 100)
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	if err := l.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
	if r := collect(l.Generate(context.Background(), "x", sample.Params{})); !errors.Is(r.err, ErrClosed) {
		t.Fatalf("Generate after Close: %v", r.err)
	}
	if _, err := l.Embed(context.Background(), "x", MeanPooling); !errors.Is(err, ErrClosed) {
		t.Fatalf("Embed after Close: %v", err)
	}
}

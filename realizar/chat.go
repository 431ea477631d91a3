package realizar

import (
	"context"
	"fmt"
	"iter"

	"github.com/batuta-go/stack/realizar/chat"
	"github.com/batuta-go/stack/realizar/sample"
)

// ChatPrompt renders a conversation with the model's own chat template
// (tokenizer.chat_template), ending with the header of the assistant's
// turn. A model without a template is an error wrapping chat.ErrNoTemplate;
// a template that refuses the conversation is a *chat.RaisedError.
func (l *LLM) ChatPrompt(messages []chat.Message) (string, error) {
	l.chatOnce.Do(func() {
		l.chatTmpl, l.chatErr = chat.Parse(l.vocab.ChatTemplate())
	})
	if l.chatErr != nil {
		return "", fmt.Errorf("realizar: %w", l.chatErr)
	}
	var opts chat.Options
	opts.AddGenerationPrompt = true
	if id, ok := l.vocab.BOS(); ok {
		opts.BOSToken = l.vocab.TokenText(id)
	}
	if id, ok := l.vocab.EOS(); ok {
		opts.EOSToken = l.vocab.TokenText(id)
	}
	return l.chatTmpl.Render(messages, opts)
}

// Chat answers a conversation: the model's chat template is applied
// (ChatPrompt), the result tokenized with special-token text parsed (and a
// BOS added when the vocabulary asks for one and the template did not
// write it), then generated from as Generate does.
func (l *LLM) Chat(ctx context.Context, messages []chat.Message, p sample.Params) iter.Seq2[Token, error] {
	prompt, err := l.ChatPrompt(messages)
	if err != nil {
		return func(yield func(Token, error) bool) { yield(Token{}, err) }
	}
	return l.GenerateTokens(ctx, l.vocab.Encode(prompt, true, true), p)
}

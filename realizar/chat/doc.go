// Package chat renders a model's chat template: the Jinja template that a
// model ships (GGUF key tokenizer.chat_template, or chat_template in a
// Hugging Face tokenizer_config.json) to turn a conversation into the exact
// prompt text the model was trained on.
//
// Templates are rendered the way Hugging Face transformers renders them
// (trim_blocks and lstrip_blocks on, raise_exception available), through the
// pure-Go engine github.com/ardanlabs/jinja. A model without a template is an
// error (ErrNoTemplate); this package never invents a prompt format.
//
//	tmpl, err := chat.Parse(tok.ChatTemplate())
//	if err != nil {
//		return err // ErrNoTemplate, or a template the engine cannot parse
//	}
//	prompt, err := tmpl.Render([]chat.Message{
//		{Role: "system", Content: "You are terse."},
//		{Role: "user", Content: "Name a prime."},
//	}, chat.Options{AddGenerationPrompt: true, BOSToken: "<s>", EOSToken: "</s>"})
//	var raised *chat.RaisedError
//	if errors.As(err, &raised) {
//		// the template itself rejected the conversation (raise_exception)
//	}
package chat

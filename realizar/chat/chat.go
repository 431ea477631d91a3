package chat

import (
	"errors"
	"fmt"
	"strings"

	"github.com/ardanlabs/jinja"
)

// Message is one turn of a conversation. Role is what the template expects,
// usually "system", "user" or "assistant".
type Message struct {
	Role    string
	Content string
}

// Options are the variables a chat template sees besides the messages.
type Options struct {
	// AddGenerationPrompt asks the template to end with the header of an
	// assistant turn, so that the model's continuation is the answer.
	AddGenerationPrompt bool
	// BOSToken and EOSToken are the texts of the model's beginning- and
	// end-of-sequence tokens (template variables bos_token and eos_token).
	BOSToken, EOSToken string
	// Vars are further template variables (for example date_string, tools or
	// a model-specific switch): strings, numbers, bools, nil, slices and
	// maps with string keys (a map's keys are seen in sorted order), or a
	// jinja.Value. They cannot replace messages, add_generation_prompt,
	// bos_token, eos_token, raise_exception or range.
	Vars map[string]any
}

// ErrNoTemplate is returned when a model carries no chat template.
var ErrNoTemplate = errors.New("chat: the model has no chat template (tokenizer.chat_template is absent or empty)")

// RaisedError is the error of a template that called raise_exception, for
// example because the conversation's roles do not alternate the way the
// model requires.
type RaisedError struct {
	Message string // the template's own message
}

// Error says that the template refused the conversation, with its message.
func (e *RaisedError) Error() string {
	return "chat: the template refused the conversation: " + e.Message
}

// Template is a compiled chat template. It is safe for concurrent use.
type Template struct {
	src  string
	tmpl *jinja.Template
}

// Parse compiles a chat template. An empty (or all-whitespace) source is
// ErrNoTemplate; a source the engine cannot parse is an error that says so.
func Parse(src string) (t *Template, err error) {
	if strings.TrimSpace(src) == "" {
		return nil, ErrNoTemplate
	}
	// A template comes from the model file: whatever it holds must end as an
	// error, never as a crash of the program that loaded the model.
	defer func() {
		if r := recover(); r != nil {
			t, err = nil, fmt.Errorf("chat: cannot parse the chat template (%d bytes): engine panic: %v", len(src), r)
		}
	}()
	jt, err := jinja.Compile(guardMacros(src))
	if err != nil {
		return nil, fmt.Errorf("chat: cannot parse the chat template (%d bytes): %w", len(src), err)
	}
	return &Template{src: src, tmpl: jt}, nil
}

// Source returns the template text.
func (t *Template) Source() string { return t.src }

// Render applies the template to a conversation.
func (t *Template) Render(messages []Message, opts Options) (out string, err error) {
	defer func() {
		if r := recover(); r != nil {
			out, err = "", fmt.Errorf("chat: cannot render the chat template: engine panic: %v", r)
		}
	}()
	// Each message is a dict with keys in Python's insertion order (role,
	// then content), so that templates iterating over items() see them as
	// transformers would.
	msgs := make([]jinja.Value, len(messages))
	for i, m := range messages {
		d := jinja.NewDict()
		d.AsDict().Set("role", jinja.NewString(m.Role))
		d.AsDict().Set("content", jinja.NewString(m.Content))
		msgs[i] = d
	}
	data := guards()
	for k, v := range opts.Vars {
		if _, ok := data[k]; ok {
			continue
		}
		if jv, ok := v.(jinja.Value); ok {
			data[k] = jv
		} else {
			data[k] = jinja.FromGoValue(v)
		}
	}
	data["messages"] = jinja.NewList(msgs)
	data["add_generation_prompt"] = jinja.NewBool(opts.AddGenerationPrompt)
	data["bos_token"] = jinja.NewString(opts.BOSToken)
	data["eos_token"] = jinja.NewString(opts.EOSToken)
	data["raise_exception"] = jinja.NewCallable("raise_exception", raiseException)
	out, err = t.tmpl.RenderValues(data)
	if err != nil {
		var raised *RaisedError
		if errors.As(err, &raised) {
			return "", raised
		}
		return "", fmt.Errorf("chat: cannot render the chat template: %w", err)
	}
	return out, nil
}

// Render compiles src and applies it to a conversation in one step.
func Render(src string, messages []Message, opts Options) (string, error) {
	t, err := Parse(src)
	if err != nil {
		return "", err
	}
	return t.Render(messages, opts)
}

func raiseException(args []jinja.Value, _ map[string]jinja.Value) (jinja.Value, error) {
	if len(args) == 0 {
		return jinja.Undefined(), &RaisedError{Message: "(raise_exception called without a message)"}
	}
	msg := args[0].String()
	if args[0].IsString() {
		msg = args[0].AsString()
	}
	return jinja.Undefined(), &RaisedError{Message: msg}
}

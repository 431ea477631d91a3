package realizar_test

import (
	"context"
	"fmt"
	"log"
	"os"

	"github.com/batuta-go/stack/realizar"
	"github.com/batuta-go/stack/realizar/chat"
	"github.com/batuta-go/stack/realizar/sample"
)

func ExampleLLM_Generate() {
	llm, err := realizar.Load("stories260K.gguf", realizar.Options{})
	if err != nil {
		log.Fatal(err)
	}
	defer llm.Close()

	p := sample.Params{MaxTokens: 32} // greedy
	var last realizar.Token
	for tok, err := range llm.Generate(context.Background(), "Once upon a time", p) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Print(tok.Text) // streamed: never half a UTF-8 character
		last = tok
	}
	fmt.Fprintf(os.Stderr, "\n%.0f tokens/s (%s)\n", last.Stats.GenerateTokensPerSecond(), last.Stats.Stop)
}

func ExampleLLM_Chat() {
	llm, err := realizar.Load("qwen2.5-0.5b-instruct-q8_0.gguf", realizar.Options{ContextSize: 8192})
	if err != nil {
		log.Fatal(err)
	}
	defer llm.Close()

	msgs := []chat.Message{
		{Role: "system", Content: "You answer in one sentence."},
		{Role: "user", Content: "Why is the sky blue?"},
	}
	p := sample.Defaults(42) // temperature 0.8, top-k 40, top-p 0.95, min-p 0.05
	p.MaxTokens = 256
	for tok, err := range llm.Chat(context.Background(), msgs, p) {
		if err != nil {
			log.Fatal(err) // chat.ErrNoTemplate, *chat.RaisedError, ctx.Err(), ...
		}
		fmt.Print(tok.Text)
	}
}

func ExampleLLM_Embed() {
	llm, err := realizar.Load("model.gguf", realizar.Options{})
	if err != nil {
		log.Fatal(err)
	}
	defer llm.Close()
	v, err := llm.Embed(context.Background(), "a sentence to embed", realizar.MeanPooling|realizar.Normalized)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(len(v) == llm.EmbeddingLength())
}

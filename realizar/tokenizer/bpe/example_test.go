package bpe_test

import (
	"fmt"

	"github.com/batuta-go/stack/realizar/tokenizer/bpe"
)

func Example() {
	// A toy vocabulary in GPT-2's byte alphabet ("Ġ" is the space byte).
	tokens := []string{"H", "e", "l", "o", "Ġ", "w", "r", "d", "He", "ll", "Hell", "Hello", "Ġw", "or", "Ġwor", "Ġworl", "Ġworld"}
	merges := []string{"H e", "l l", "He ll", "Hell o", "Ġ w", "o r", "Ġw or", "Ġwor l", "Ġworl d"}
	m, err := bpe.New(tokens, merges, "gpt-2")
	if err != nil {
		panic(err)
	}
	ids := m.Encode(nil, "Hello world")
	var text []byte
	for _, id := range ids {
		text = m.Decode(text, id)
	}
	fmt.Println(ids, string(text))

	words, _ := bpe.PreTokenize("llama-bpe", "I'm 12345 ok!\n\n")
	fmt.Printf("%q\n", words)
	// Output:
	// [11 16] Hello world
	// ["I" "'m" " " "123" "45" " ok" "!\n\n"]
}

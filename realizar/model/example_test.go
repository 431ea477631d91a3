package model_test

import (
	"context"
	"fmt"
	"log"

	"github.com/batuta-go/stack/realizar/gguf"
	"github.com/batuta-go/stack/realizar/model"
	"github.com/batuta-go/stack/trueno"
)

// Greedy decoding with a GGUF model: the prompt in one Eval (prefill),
// then one token at a time. The prompt ids would come from the model's
// tokenizer (realizar/tokenizer).
func Example() {
	f, err := gguf.Open("stories260K.gguf")
	if err != nil {
		log.Fatal(err)
	}
	defer f.Close()
	m, err := model.Load(model.GGUFSource(f), model.Options{Threads: 2})
	if err != nil {
		log.Fatal(err)
	}
	defer m.Close()
	st, err := m.NewState(256)
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	logits := make([]float32, m.Config.VocabSize)
	tokens := []int32{1, 403, 407, 261, 378} // <s> Once upon a time
	for range 32 {
		if err := st.Eval(ctx, tokens, logits); err != nil {
			log.Fatal(err)
		}
		next := int32(trueno.Argmax(logits))
		fmt.Println(next)
		tokens = []int32{next}
	}
}

// Package realizar is a pure-Go LLM engine: it loads a model file, tokenizes,
// runs the forward pass on the CPU and streams generated text, with no cgo
// and no external process.
//
// Load opens a GGUF file or a Hugging Face model directory (SafeTensors
// weights, config.json, tokenizer.json), memory-mapped: the weights are used
// in place.
// Generate continues a prompt and streams tokens as an iter.Seq2 that stops
// on max tokens, an end-of-generation token, a stop string or cancellation
// of its context; Chat applies the model's own chat template first; Embed
// pools hidden states into a vector. Sampling is set by sample.Params (the
// zero value is greedy). An LLM is safe for concurrent use.
//
//	llm, err := realizar.Load("model.gguf", realizar.Options{})
//	if err != nil {
//		return err
//	}
//	defer llm.Close()
//	p := sample.Params{MaxTokens: 32} // greedy
//	for tok, err := range llm.Generate(ctx, "Once upon a time", p) {
//		if err != nil {
//			return err // ctx.Err() when cancelled
//		}
//		fmt.Print(tok.Text)
//	}
package realizar

// Command generate loads a model (a GGUF file, or a Hugging Face directory
// with config.json, safetensors weights and tokenizer.json) and continues a
// prompt, streaming only the generated text to standard output (piece by
// piece, unbuffered) and the prompt and generation speeds to standard
// error.
//
//	go run ./examples/generate -model FILE.gguf -prompt "Once upon a time" -n 32 -temp 0
//	go run ./examples/generate -model chat.gguf -chat -system "Be brief." -prompt "Name a prime."
//
// Flags: -model, -prompt, -n (tokens to generate, -1 for no limit), -temp
// (0 means greedy), -top-k, -top-p, -min-p, -repeat-penalty,
// -repeat-last-n, -seed (-1: random), -threads (0: every CPU), -ctx,
// -kv-f16, -stop (repeatable), -chat (apply the model's chat template to
// -prompt as a user message, after -system if given). Bad flags or a
// model that cannot be loaded end with a message on standard error and a
// non-zero exit status.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"

	"github.com/batuta-go/stack/realizar"
	"github.com/batuta-go/stack/realizar/chat"
	"github.com/batuta-go/stack/realizar/sample"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// Exit statuses.
const (
	exitOK          = 0
	exitFailure     = 1   // the model could not be loaded or generation failed
	exitUsage       = 2   // bad flags
	exitInterrupted = 130 // cancelled (Ctrl-C)
)

// stopList collects repeated -stop flags.
type stopList []string

func (s *stopList) String() string     { return strings.Join(*s, ",") }
func (s *stopList) Set(v string) error { *s = append(*s, v); return nil }

// run is the whole command, so that tests can run it in-process.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	def := sample.Defaults(-1)
	fs := flag.NewFlagSet("generate", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var (
		modelPath = fs.String("model", "", "GGUF model file or Hugging Face model directory (required)")
		prompt    = fs.String("prompt", "", "text to continue (with -chat: the user's message)")
		n         = fs.Int("n", 128, "tokens to generate (-1: until an end-of-generation token or the end of the context)")
		temp      = fs.Float64("temp", float64(def.Temperature), "temperature (0 means greedy)")
		topK      = fs.Int("top-k", def.TopK, "keep the K most likely tokens (0: off)")
		topP      = fs.Float64("top-p", float64(def.TopP), "keep the most likely tokens up to this probability mass (1: off)")
		minP      = fs.Float64("min-p", float64(def.MinP), "drop tokens less likely than this fraction of the most likely (0: off)")
		repeat    = fs.Float64("repeat-penalty", 1, "penalty on the tokens of the last -repeat-last-n (1: off)")
		repeatN   = fs.Int("repeat-last-n", sample.DefaultRepeatLastN, "window of the repetition penalty (-1: every token)")
		seed      = fs.Int64("seed", -1, "random seed (-1: a random one)")
		threads   = fs.Int("threads", 0, "threads of the forward pass (0: every CPU)")
		ctxSize   = fs.Int("ctx", 0, "context size (0: the model's)")
		kvF16     = fs.Bool("kv-f16", false, "keep the KV cache in float16")
		chatMode  = fs.Bool("chat", false, "apply the model's chat template to -prompt as a user message")
		system    = fs.String("system", "", "with -chat: a system message first")
		stops     stopList
	)
	fs.Var(&stops, "stop", "stop when the text reaches this string (repeatable; not printed)")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return exitUsage // the flag package has printed the error and usage
	}
	usage := func(format string, a ...any) int {
		fmt.Fprintf(stderr, "generate: "+format+"\n", a...)
		return exitUsage
	}
	switch {
	case fs.NArg() > 0:
		return usage("unexpected argument %q (the prompt goes in -prompt)", fs.Arg(0))
	case *modelPath == "":
		return usage("-model is required (a GGUF file or a Hugging Face model directory)")
	case *n == 0 || *n < -1:
		return usage("-n %d: must be > 0, or -1 for no limit", *n)
	case *threads < 0:
		return usage("-threads %d: must be ≥ 0", *threads)
	case *ctxSize < 0:
		return usage("-ctx %d: must be ≥ 0", *ctxSize)
	case *system != "" && !*chatMode:
		return usage("-system needs -chat")
	}
	p := sample.Params{
		Temperature:   float32(*temp),
		TopK:          *topK,
		TopP:          float32(*topP),
		MinP:          float32(*minP),
		RepeatPenalty: float32(*repeat),
		RepeatLastN:   *repeatN,
		Seed:          *seed,
		Stop:          stops,
	}
	if *n > 0 {
		p.MaxTokens = *n
	}
	if err := p.Validate(); err != nil {
		return usage("%v", err)
	}

	llm, err := realizar.Load(*modelPath, realizar.Options{Threads: *threads, KVF16: *kvF16, ContextSize: *ctxSize})
	if err != nil {
		fmt.Fprintf(stderr, "generate: %v\n", err)
		return exitFailure
	}
	defer llm.Close()

	var tokens func(func(realizar.Token, error) bool)
	if *chatMode {
		var msgs []chat.Message
		if *system != "" {
			msgs = append(msgs, chat.Message{Role: "system", Content: *system})
		}
		msgs = append(msgs, chat.Message{Role: "user", Content: *prompt})
		tokens = llm.Chat(ctx, msgs, p)
	} else {
		tokens = llm.Generate(ctx, *prompt, p)
	}
	var last realizar.Token
	for tok, err := range tokens {
		if err != nil {
			if ctx.Err() != nil {
				fmt.Fprintln(stderr, "\ngenerate: interrupted")
				return exitInterrupted
			}
			fmt.Fprintf(stderr, "generate: %v\n", err)
			return exitFailure
		}
		if tok.Text != "" {
			// os.Stdout is unbuffered: every piece is out as soon as it is
			// written.
			if _, err := io.WriteString(stdout, tok.Text); err != nil {
				fmt.Fprintf(stderr, "generate: writing the output: %v\n", err)
				return exitFailure
			}
		}
		last = tok
	}
	st := last.Stats
	fmt.Fprintf(stderr, "\nprompt:     %4d tokens in %8.2f ms, %9.2f tokens/s\n", st.PromptTokens, ms(st.PromptDuration.Seconds()), st.PromptTokensPerSecond())
	fmt.Fprintf(stderr, "generation: %4d tokens in %8.2f ms, %9.2f tokens/s (stopped: %s)\n", st.GeneratedTokens, ms(st.GenerateDuration.Seconds()), st.GenerateTokensPerSecond(), st.Stop)
	return exitOK
}

func ms(s float64) float64 { return s * 1000 }

package realizar

import (
	"context"
	"testing"

	"github.com/batuta-go/stack/realizar/sample"
)

// BenchmarkGenerateLoop measures what the generation loop adds per token
// around the forward pass (sampling over a 32000-token vocabulary,
// streaming decoding, stop-string filtering), with a scripted model whose
// evaluation only writes the logits.
func BenchmarkGenerateLoop(b *testing.B) {
	script := scriptOf("The quick brown fox jumps over the lazy dog. ")
	for len(script) < 256 {
		script = append(script, script...)
	}
	n := &fakeNet{vocab: 32000, ctxLen: 4096, script: script[:256]}
	l, err := newLLM(n, &fakeTok{addBOS: true}, Options{})
	if err != nil {
		b.Fatal(err)
	}
	for _, bc := range []struct {
		name string
		p    sample.Params
	}{
		{"greedy", sample.Params{MaxTokens: 256}},
		{"defaults+stop", func() sample.Params {
			p := sample.Defaults(1)
			p.MaxTokens, p.Stop = 256, []string{"\n\nUser:", "###"}
			return p
		}()},
	} {
		b.Run(bc.name, func(b *testing.B) {
			tokens := 0
			for b.Loop() {
				for _, err := range l.Generate(context.Background(), "Once", bc.p) {
					if err != nil {
						b.Fatal(err)
					}
					tokens++
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(tokens), "ns/token")
		})
	}
}

package sample_test

import (
	"fmt"

	"github.com/batuta-go/stack/realizar/sample"
)

func Example() {
	logits := []float32{0.5, 2.0, 1.9, -1.0}

	greedy, _ := sample.New(sample.Params{}, len(logits))
	id, _ := greedy.Sample(logits)
	fmt.Println("greedy:", id)

	// Ban token 1: the next most likely wins.
	banned, _ := sample.New(sample.Params{LogitBias: map[int32]float32{1: sample.Ban}}, len(logits))
	id, _ = banned.Sample(logits)
	fmt.Println("token 1 banned:", id)

	// top-k 2 at temperature 1 draws only tokens 1 and 2.
	s, _ := sample.New(sample.Params{Temperature: 1, TopK: 2, Seed: 7}, len(logits))
	seen := map[int32]bool{}
	for range 100 {
		id, _ := s.Sample(logits)
		seen[id] = true
	}
	fmt.Println("top-2 drew 1:", seen[1], "2:", seen[2], "0 or 3:", seen[0] || seen[3])

	_, err := sample.New(sample.Params{TopP: 1.5}, len(logits))
	fmt.Println(err)
	// Output:
	// greedy: 1
	// token 1 banned: 2
	// top-2 drew 1: true 2: true 0 or 3: false
	// sample: TopP = 1.5: must be in (0, 1] (0 or 1 disables top-p)
}

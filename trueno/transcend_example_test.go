package trueno_test

import (
	"fmt"

	"github.com/batuta-go/stack/trueno"
)

func ExampleSoftmaxTo() {
	logits := []float32{1, 2, 3, float32(-1e30)}
	p := make([]float32, len(logits))
	trueno.SoftmaxTo(p, logits)
	fmt.Printf("%.4f\n", p)
	// Output: [0.0900 0.2447 0.6652 0.0000]
}

func ExampleExpTo() {
	x := []float32{0, 1, -1000, 1000}
	trueno.ExpTo(x, x) // in place
	fmt.Println(x)
	// Output: [1 2.7182817 0 +Inf]
}

func ExampleGELUTo() {
	x := []float32{-3, -1, 0, 1, 3}
	y := make([]float32, len(x))
	trueno.GELUTo(y, x)
	fmt.Printf("%.4f\n", y)
	// Output: [-0.0036 -0.1588 0.0000 0.8412 2.9964]
}

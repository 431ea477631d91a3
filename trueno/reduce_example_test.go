package trueno_test

import (
	"fmt"
	"math"

	"github.com/batuta-go/stack/trueno"
)

func ExampleDot() {
	x := []float32{1, 2, 3, 4}
	y := []float32{10, 20, 30, 40}
	fmt.Println(trueno.Dot(x, y))
	// Output: 300
}

func ExampleArgmax() {
	logits := []float32{0.5, 2.25, -1, 2.25}
	// The first of equal maxima wins, like numpy.
	fmt.Println(trueno.Argmax(logits), trueno.Max(logits))
	// Output: 1 2.25
}

func ExampleL2Norm() {
	// Squares of these overflow float32, the norm does not.
	fmt.Println(trueno.L2Norm([]float32{3e30, 4e30}))
	fmt.Println(trueno.L2Norm([]float32{float32(math.NaN()), 1}))
	// Output:
	// 5e+30
	// NaN
}

func ExampleVariance() {
	x := []float32{1e6 + 1, 1e6 + 2, 1e6 + 3, 1e6 + 4}
	fmt.Println(trueno.Mean(x), trueno.Variance(x))
	// Output: 1.0000025e+06 1.25
}

package trueno_test

import (
	"fmt"

	"github.com/batuta-go/stack/trueno"
)

func ExampleRMSNormTo() {
	x := []float32{1, -2, 3, -4}
	w := []float32{1, 1, 0.5, 2}
	dst := make([]float32, len(x))
	// mean(x²) = 7.5, so every x[i] is divided by √7.5 ≈ 2.7386.
	trueno.RMSNormTo(dst, x, w, 0)
	fmt.Printf("%.4f\n", dst)
	// Output: [0.3651 -0.7303 0.5477 -2.9212]
}

func ExampleRoPE() {
	// Two heads of dimension 4 at position 1, base 10000: pair 0 turns by
	// 1 radian, pair 1 by 1/100 radian.
	const headDim = 4
	x := []float32{1, 0, 1, 0, 0, 1, 0, 1}
	cos, sin := make([]float32, headDim/2), make([]float32, headDim/2)
	trueno.RoPEAngles(cos, sin, 1, 10000, 1)
	trueno.RoPE(x, headDim, cos, sin)
	fmt.Printf("%.3f\n", x)
	// Output: [0.540 0.841 1.000 0.010 -0.841 0.540 -0.010 1.000]
}

func ExampleRoPENeoX() {
	// One head of dimension 6 with partial rotary: only 2 pairs rotate,
	// (x[0], x[2]) and (x[1], x[3]); x[4] and x[5] pass through.
	x := []float32{1, 1, 0, 0, 7, 8}
	cos, sin := make([]float32, 2), make([]float32, 2)
	trueno.RoPEAngles(cos, sin, 1, 10000, 1)
	trueno.RoPENeoX(x, 6, cos, sin)
	fmt.Printf("%.3f\n", x)
	// Output: [0.540 1.000 0.841 0.010 7.000 8.000]
}

func ExampleDot64() {
	x := []float64{1, 2, 3}
	y := []float64{4, 5, 6}
	fmt.Println(trueno.Dot64(x, y), trueno.L2Norm64([]float64{3, 4}))
	// Output: 32 5
}

package trueno_test

import (
	"fmt"

	"github.com/batuta-go/stack/trueno"
)

func ExampleAxpy() {
	x := []float32{1, 2, 3, 4}
	y := []float32{10, 20, 30, 40}
	trueno.Axpy(0.5, x, y) // y += 0.5·x
	fmt.Println(y)
	// Output: [10.5 21 31.5 42]
}

func ExampleAddTo() {
	x := []float32{1, 2, 3}
	y := []float32{0.5, 0.25, 0.125}
	dst := make([]float32, len(x))
	trueno.AddTo(dst, x, y)
	fmt.Println(dst)
	// Output: [1.5 2.25 3.125]
}

func ExampleClampTo() {
	x := []float32{-3, -0.5, 0, 0.5, 3}
	trueno.ClampTo(x, x, -1, 1) // in place
	fmt.Println(x)
	// Output: [-1 -0.5 0 0.5 1]
}

func ExampleLeakyReLUTo() {
	x := []float32{-2, -1, 0, 1, 2}
	dst := make([]float32, len(x))
	trueno.LeakyReLUTo(dst, x, 0.1)
	fmt.Println(dst)
	// Output: [-0.2 -0.1 0 1 2]
}

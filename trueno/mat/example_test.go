package mat_test

import (
	"fmt"

	"github.com/batuta-go/stack/trueno"
	"github.com/batuta-go/stack/trueno/mat"
)

func ExampleMul() {
	a := mat.NewDense(2, 3, []float32{1, 2, 3, 4, 5, 6})
	b := mat.NewDense(3, 2, []float32{1, 0, 0, 1, 1, 1})
	c := mat.NewDense[float32](2, 2, nil)
	mat.Mul(c, a, b)
	fmt.Println(c.Row(0), c.Row(1))
	// Output: [4 5] [10 11]
}

func ExampleGemm() {
	// c = 2·a·aᵀ + c on a view of the top-left 2×2 block of a 3×3 matrix.
	a := mat.NewDense(2, 2, []float64{1, 2, 3, 4})
	big := mat.NewDense(3, 3, []float64{1, 1, 9, 1, 1, 9, 9, 9, 9})
	c := big.Slice(0, 2, 0, 2)
	mat.Gemm(c, mat.NoTrans, mat.Trans, 2, a, a, 1)
	fmt.Println(big.Row(0), big.Row(1), big.Row(2))
	// Output: [11 23 9] [23 51 9] [9 9 9]
}

func ExampleGemv() {
	a := mat.NewDense(2, 3, []float32{1, 2, 3, 4, 5, 6})
	y := make([]float32, 3)
	mat.Gemv(y, mat.Trans, 1, a, []float32{1, -1}, 0) // y = aᵀ·x
	fmt.Println(y)
	// Output: [-3 -3 -3]
}

func ExampleGemmHalf() {
	// A linear layer with float16 weights W (2 outputs × 3 inputs):
	// y = x·Wᵀ. 0x3c00 is 1.0, 0x4000 is 2.0, 0xbc00 is -1.0.
	w := mat.NewHalfDense(2, 3, []trueno.Float16{0x3c00, 0x4000, 0x3c00, 0xbc00, 0, 0x3c00})
	x := mat.NewDense(1, 3, []float32{1, 2, 3})
	y := mat.NewDense[float32](1, 2, nil)
	mat.GemmHalf(y, mat.NoTrans, mat.Trans, 1, x, w, 0)
	fmt.Println(y.Row(0))
	// Output: [8 2]
}

package quant_test

import (
	"fmt"
	"math"

	"github.com/batuta-go/stack/trueno/quant"
)

func ExampleQuantize() {
	x := make([]float32, 64)
	for i := range x {
		x[i] = float32(i%16) - 8 // exact in Q4_0: levels −8…7 times d = 1
	}
	q := make([]byte, quant.Q4_0.RowBytes(len(x)))
	quant.Quantize(quant.Q4_0, q, x)
	back := make([]float32, len(x))
	quant.Dequantize(quant.Q4_0, back, q)
	fmt.Println(len(q), "bytes;", back[:4], back[60:])
	// Output: 36 bytes; [-8 -7 -6 -5] [4 5 6 7]
}

func ExampleDotF32() {
	n := 256
	w, a := make([]float32, n), make([]float32, n)
	var exact float64
	for i := range w {
		w[i] = float32(math.Sin(float64(i)))
		a[i] = float32(math.Cos(float64(i) / 3))
		exact += float64(w[i]) * float64(a[i])
	}
	q := make([]byte, quant.Q8_0.RowBytes(n))
	quant.Quantize(quant.Q8_0, q, w)
	got := quant.DotF32(quant.Q8_0, q, a)
	fmt.Printf("close to exact: %v\n", math.Abs(float64(got)-exact) < 0.05)
	// Output: close to exact: true
}

func ExampleMatVec() {
	rows, cols := 3, 64
	w := make([]byte, rows*quant.Q8_0.RowBytes(cols))
	row := make([]float32, cols)
	for r := range rows {
		for c := range row {
			row[c] = float32(r + 1) // row r is all r+1
		}
		quant.Quantize(quant.Q8_0, w[r*quant.Q8_0.RowBytes(cols):(r+1)*quant.Q8_0.RowBytes(cols)], row)
	}
	x := make([]float32, cols)
	for c := range x {
		x[c] = 0.5
	}
	dst := make([]float32, rows)
	pool := quant.NewPool(2)
	defer pool.Close()
	quant.MatVec(quant.Q8_0, dst, w, x, pool)
	fmt.Printf("%.1f\n", dst) // Q8_0 scales are float16: close, not exact
	// Output: [32.0 64.0 96.0]
}

// An activation quantized once serves the parts of a product that
// goroutines share out (here two halves of the rows, one after the other).
func ExampleMatVecActivation() {
	rows, cols := 4, 64
	rb := quant.Q8_0.RowBytes(cols)
	w := make([]byte, rows*rb)
	row := make([]float32, cols)
	for r := range rows {
		for c := range row {
			row[c] = float32(r + 1)
		}
		quant.Quantize(quant.Q8_0, w[r*rb:(r+1)*rb], row)
	}
	x := make([]float32, cols)
	for c := range x {
		x[c] = 0.5
	}
	var a quant.Activation
	a.Quantize(quant.Q8_0, x)
	dst := make([]float32, rows)
	serial := quant.NewPool(1)
	quant.MatVecActivation(dst[:2], w[:2*rb], &a, serial)
	quant.MatVecActivation(dst[2:], w[2*rb:], &a, serial)
	fmt.Printf("%.1f\n", dst)
	// Output: [32.0 64.0 96.0 128.0]
}

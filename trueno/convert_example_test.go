package trueno_test

import (
	"fmt"

	"github.com/batuta-go/stack/trueno"
)

func ExampleFloat32ToFloat16() {
	src := []float32{1, 0.1, 65504, 70000, 1e-7}
	half := make([]trueno.Float16, len(src))
	trueno.Float32ToFloat16(half, src)
	back := make([]float32, len(src))
	trueno.Float16ToFloat32(back, half)
	for i := range src {
		fmt.Printf("%g → %#04x → %g\n", src[i], uint16(half[i]), back[i])
	}
	// Output:
	// 1 → 0x3c00 → 1
	// 0.1 → 0x2e66 → 0.099975586
	// 65504 → 0x7bff → 65504
	// 70000 → 0x7c00 → +Inf
	// 1e-07 → 0x0002 → 1.1920929e-07
}

func ExampleBFloat16From() {
	b := trueno.BFloat16From(3.14159)
	fmt.Printf("%#04x %g\n", uint16(b), b.Float32())
	// Output: 0x4049 3.140625
}

// Command elementwise generates trueno's element-wise kernels (add, axpy,
// clamp, relu, ...): AVX2 and AVX-512 with avo, NEON with our arm64
// emitter, every one from the op table in ops.go.
//
//	go run ./elementwise -out ../trueno/elementwise_amd64.s -stubs ../trueno/elementwise_stubs_amd64.go \
//		-neon ../trueno/elementwise_arm64.s -neonstubs ../trueno/elementwise_stubs_arm64.go
package main

import (
	"github.com/batuta-go/stack/asm/internal/gen"
)

func main() {
	gen.Main("elementwise", "trueno", writeNEON, func() {
		amd64Data()
		for _, w := range []*width{avx2, avx512} {
			for _, o := range ops {
				kernel(o, w)
			}
		}
	})
}

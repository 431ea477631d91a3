// Command convert generates trueno's float32 ⇄ float16 and float32 ⇄
// bfloat16 slice conversions: AVX2 (with F16C) and AVX-512 with avo, from
// one description per kernel parameterised by vector width, and NEON with
// our arm64 emitter.
//
//	go run ./convert -out ../trueno/convert_amd64.s -stubs ../trueno/convert_stubs_amd64.go \
//		-neon ../trueno/convert_arm64.s -neonstubs ../trueno/convert_stubs_arm64.go
package main

import (
	"github.com/batuta-go/stack/asm/internal/gen"
)

func main() {
	gen.Main("convert", "trueno", writeNEON, func() {
		for _, w := range widths {
			for _, k := range kernels {
				k.emit(w)
			}
		}
		emitBF16Native()
	})
}

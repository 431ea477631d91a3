// Command quant generates the SIMD kernels of trueno/quant: the fused dot
// products of GGML quantized rows with their Q8 companion rows. AVX2 (with
// and without AVX-VNNI) and AVX-512 VNNI with avo; NEON (SDOT) with our
// arm64 emitter.
//
//	go run ./quant -out ../trueno/quant/quant_amd64.s -stubs ../trueno/quant/quant_stubs_amd64.go \
//		-neon ../trueno/quant/quant_arm64.s -neonstubs ../trueno/quant/quant_stubs_arm64.go
package main

import (
	"github.com/batuta-go/stack/asm/internal/gen"
)

func main() {
	gen.Main("quant", "quant", writeNEON, func() {
		for _, m := range modes {
			emitQ8_0(m)
			emitQ4_0(m)
			for _, l := range legacies {
				emitLegacy(m, l)
			}
		}
		emitQ4_K(false)
		emitQ4_K(true)
		emitQ6_K()
		emitPre(false)
		emitPre(true)
		for _, m := range modes[:2] {
			emitPreYMM(false, m)
			emitPreYMM(true, m)
		}
		emitQ4_KZ2()
		emitQ5_KZ()
		emitQ6_KZ()
		emitIQ4_XS()
		for _, m := range modes[:2] {
			emitQ2_K(m)
			emitQ3_K(m)
		}
		emitQ2_KZ()
		emitQ3_KZ()
		emitIQ4_XSVNNI()
		emitIQ4_XSZ()
		emitFloatDot(false)
		emitFloatDot(true)
		emitDequantQ8_0()
		emitDequantQ4_0()
		emitDequantQ4_K()
		emitDequant2()
		emitXorWords()
		emitTile32(8)
		emitTileQ4_K(4)
		emitTileQ6_K(4)
		emitTile32YMM(modes[0], 8)
		emitTile32YMM(modes[1], 8)
		for _, m := range modes[:2] {
			emitTileKYMM(m, false, 4)
			emitTileKYMM(m, true, 4)
		}
		emitPack32(true)
		emitPack32(false)
		emitPackQ4_K()
		emitPackQ6_K()
		emitPack32YMM(true)
		emitPack32YMM(false)
		emitPackQ4_KYMM()
		emitPackQ6_KYMM()
		emitQuantizeQ8_0()
		emitQuantizeQ8_K()
		emitQuantizeQ8_0YMM()
		emitQuantizeQ8_KYMM()
		emitQ4_0Pre4()
		emitQ4_KPre()
		emitLegacyPre4(legacies[3]) // IQ4_NL
		emitLegacyPre4(legacies[1]) // Q5_0
		emitLegacyPre4(legacies[0]) // Q4_1
		emitLegacyPre4(legacies[2]) // Q5_1
	})
}

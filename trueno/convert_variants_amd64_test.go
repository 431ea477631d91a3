//go:build gc && !purego

package trueno

import "testing"

// forEachBF16Variant runs f once per float32 → bfloat16 kernel reachable
// on the current path: on AVX-512 with AVX512_BF16, the VCVTNEPS2BF16
// kernel and the integer one.
func forEachBF16Variant(t testing.TB, f func(name string)) {
	if isa != AVX512 || !useNativeBF16 {
		f("")
		return
	}
	defer func(old bool) { useNativeBF16 = old }(useNativeBF16)
	for _, native := range []bool{true, false} {
		useNativeBF16 = native
		name := "int"
		if native {
			name = "vcvtneps2bf16"
		}
		f(name)
	}
}

//go:build !gc || purego || !amd64

package trueno

import "testing"

// forEachBF16Variant runs f once: only amd64 has several float32 →
// bfloat16 kernels per path.
func forEachBF16Variant(t testing.TB, f func(name string)) { f("") }

package trueno

import (
	"fmt"
	"testing"
)

var convertSizes = []int{64, 1024, 16384, 1 << 20}

// benchConvert benchmarks one conversion per path and size; bytes are the
// bytes read and written per element. variants runs the float32 → bfloat16
// kernels of a path one by one.
func benchConvert(b *testing.B, bytes int, variants bool, run func(n int) func()) {
	forEachISABench(b, func(b *testing.B) {
		each := forEachBF16Variant
		if !variants {
			each = func(_ testing.TB, f func(string)) { f("") }
		}
		each(b, func(variant string) {
			for _, n := range convertSizes {
				name := fmt.Sprintf("n=%d", n)
				if variant != "" {
					name = variant + "/" + name
				}
				f := run(n)
				b.Run(name, func(b *testing.B) {
					b.SetBytes(int64(bytes * n))
					for b.Loop() {
						f()
					}
				})
			}
		})
	})
}

func BenchmarkFloat32ToFloat16(b *testing.B) {
	benchConvert(b, 6, false, func(n int) func() {
		src, dst := make([]float32, n), make([]Float16, n)
		for i := range src {
			src[i] = benchInput(i)
		}
		return func() { Float32ToFloat16(dst, src) }
	})
}

func BenchmarkFloat16ToFloat32(b *testing.B) {
	benchConvert(b, 6, false, func(n int) func() {
		src, dst := make([]Float16, n), make([]float32, n)
		for i := range src {
			src[i] = Float16(i * 40503)
		}
		return func() { Float16ToFloat32(dst, src) }
	})
}

func BenchmarkFloat32ToBFloat16(b *testing.B) {
	benchConvert(b, 6, true, func(n int) func() {
		src, dst := make([]float32, n), make([]BFloat16, n)
		for i := range src {
			src[i] = benchInput(i)
		}
		return func() { Float32ToBFloat16(dst, src) }
	})
}

func BenchmarkBFloat16ToFloat32(b *testing.B) {
	benchConvert(b, 6, false, func(n int) func() {
		src, dst := make([]BFloat16, n), make([]float32, n)
		for i := range src {
			src[i] = BFloat16(i * 40503)
		}
		return func() { BFloat16ToFloat32(dst, src) }
	})
}

// benchInput is element i of the benchmark input: weights-like values,
// normal numbers of both signs (the data the conversions meet in models).
func benchInput(i int) float32 {
	return float32(int32(uint32(i)*2654435761)>>8) * 0x1p-26
}

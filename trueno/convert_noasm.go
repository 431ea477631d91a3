//go:build !gc || purego || !(amd64 || arm64)

package trueno

func float32ToFloat16(dst []uint16, src []float32)  { float32ToFloat16Generic(dst, src) }
func float16ToFloat32(dst []float32, src []uint16)  { float16ToFloat32Generic(dst, src) }
func float32ToBFloat16(dst []uint16, src []float32) { float32ToBFloat16Generic(dst, src) }
func bfloat16ToFloat32(dst []float32, src []uint16) { bfloat16ToFloat32Generic(dst, src) }

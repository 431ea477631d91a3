package quant

import (
	"encoding/binary"
	"math"

	"github.com/batuta-go/stack/trueno"
)

// Helpers shared by the reference codecs. The quantizers must reproduce
// ggml's binary32 arithmetic exactly: every product that is then added is
// wrapped in float32(...) so that Go cannot fuse it into an FMA (it may on
// arm64), and operations run in ggml's order.

func getF16(b []byte) float32 { return trueno.Float16(binary.LittleEndian.Uint16(b)).Float32() }

func putF16(b []byte, f float32) {
	binary.LittleEndian.PutUint16(b, uint16(trueno.Float16From(f)))
}

func getF32(b []byte) float32 { return math.Float32frombits(binary.LittleEndian.Uint32(b)) }

func putF32(b []byte, f float32) { binary.LittleEndian.PutUint32(b, math.Float32bits(f)) }

func abs32(f float32) float32 { return math.Float32frombits(math.Float32bits(f) &^ (1 << 31)) }

func sqrt32(f float32) float32 { return float32(math.Sqrt(float64(f))) }

// roundf rounds half away from zero, as C's roundf.
func roundf(f float32) float32 { return float32(math.Round(float64(f))) }

// nearestInt rounds f (|f| < 2²²) to the nearest integer, ties to even,
// by adding 1.5·2²³ and reading the mantissa: ggml's nearest_int.
func nearestInt(f float32) int32 {
	v := f + 12582912
	return int32(math.Float32bits(v)&0x7fffff) - 0x400000
}

// groupMaxEps is the magnitude under which a group counts as all zero.
const groupMaxEps = 1e-15

// kvaluesIQ4NL are the 16 non-linear levels of IQ4_NL and IQ4_XS.
var kvaluesIQ4NL = [16]int8{-127, -104, -83, -65, -49, -35, -22, -10, 1, 13, 25, 38, 53, 69, 89, 113}

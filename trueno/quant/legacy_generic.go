package quant

import (
	"encoding/binary"
	"math"
	"unsafe"

	"github.com/batuta-go/stack/trueno"
)

// The 32-element block formats: Q4_0, Q4_1, Q5_0, Q5_1, Q8_0, Q8_1, and
// the float formats F16 and BF16.

func quantizeF16(dst []byte, x []float32) {
	for i, v := range x {
		putF16(dst[2*i:], v)
	}
}

func dequantizeF16(dst []float32, src []byte) {
	for i := range dst {
		dst[i] = getF16(src[2*i:])
	}
}

// halves views src as 16-bit values when it is 2-byte aligned (a GGUF
// tensor always is), for trueno's vector conversions.
func halves[T trueno.Float16 | trueno.BFloat16](src []byte) ([]T, bool) {
	if len(src) == 0 || uintptr(unsafe.Pointer(unsafe.SliceData(src)))%2 != 0 {
		return nil, false
	}
	return unsafe.Slice((*T)(unsafe.Pointer(unsafe.SliceData(src))), len(src)/2), true
}

// dequantizeF16Fast is dequantizeF16 through trueno.Float16ToFloat32.
func dequantizeF16Fast(dst []float32, src []byte) {
	if h, ok := halves[trueno.Float16](src); ok {
		trueno.Float16ToFloat32(dst, h)
		return
	}
	dequantizeF16(dst, src)
}

// dequantizeBF16Fast is dequantizeBF16 through trueno.BFloat16ToFloat32.
func dequantizeBF16Fast(dst []float32, src []byte) {
	if h, ok := halves[trueno.BFloat16](src); ok {
		trueno.BFloat16ToFloat32(dst, h)
		return
	}
	dequantizeBF16(dst, src)
}

// bf16From rounds to nearest even; NaNs are quieted (ggml's
// ggml_compute_fp32_to_bf16).
func bf16From(f float32) uint16 {
	u := math.Float32bits(f)
	if u&0x7fffffff > 0x7f800000 {
		return uint16(u>>16) | 64
	}
	return uint16((u + (0x7fff + (u >> 16 & 1))) >> 16)
}

func quantizeBF16(dst []byte, x []float32) {
	for i, v := range x {
		binary.LittleEndian.PutUint16(dst[2*i:], bf16From(v))
	}
}

func dequantizeBF16(dst []float32, src []byte) {
	for i := range dst {
		dst[i] = math.Float32frombits(uint32(binary.LittleEndian.Uint16(src[2*i:])) << 16)
	}
}

// absMax returns the first element of largest magnitude, and that magnitude.
func absMax(x []float32) (max, amax float32) {
	for _, v := range x {
		if a := abs32(v); amax < a {
			amax, max = a, v
		}
	}
	return max, amax
}

func minMax(x []float32) (min, max float32) {
	min, max = math.MaxFloat32, -math.MaxFloat32
	for _, v := range x {
		if v < min {
			min = v
		}
		if v > max {
			max = v
		}
	}
	return min, max
}

func inv(d float32) float32 {
	if d != 0 {
		return 1 / d
	}
	return 0
}

func quantizeQ4_0(dst []byte, x []float32) {
	for b := 0; b < len(x)/32; b++ {
		xb, y := x[32*b:32*b+32], dst[18*b:18*b+18]
		max, _ := absMax(xb)
		d := max / -8
		id := inv(d)
		putF16(y, d)
		for j := range 16 {
			x0 := float32(xb[j] * id)
			x1 := float32(xb[16+j] * id)
			q0 := uint8(min(15, int8(x0+8.5)))
			q1 := uint8(min(15, int8(x1+8.5)))
			y[2+j] = q0 | q1<<4
		}
	}
}

func dequantizeQ4_0(dst []float32, src []byte) {
	for b := 0; b < len(dst)/32; b++ {
		y, q := dst[32*b:32*b+32], src[18*b:18*b+18]
		d := getF16(q)
		for j := range 16 {
			y[j] = float32(int32(q[2+j]&15)-8) * d
			y[j+16] = float32(int32(q[2+j]>>4)-8) * d
		}
	}
}

func quantizeQ4_1(dst []byte, x []float32) {
	for b := 0; b < len(x)/32; b++ {
		xb, y := x[32*b:32*b+32], dst[20*b:20*b+20]
		mn, mx := minMax(xb)
		d := (mx - mn) / 15
		id := inv(d)
		putF16(y, d)
		putF16(y[2:], mn)
		for j := range 16 {
			x0 := float32((xb[j] - mn) * id)
			x1 := float32((xb[16+j] - mn) * id)
			q0 := uint8(min(15, int8(x0+0.5)))
			q1 := uint8(min(15, int8(x1+0.5)))
			y[4+j] = q0 | q1<<4
		}
	}
}

func dequantizeQ4_1(dst []float32, src []byte) {
	for b := 0; b < len(dst)/32; b++ {
		y, q := dst[32*b:32*b+32], src[20*b:20*b+20]
		d, m := getF16(q), getF16(q[2:])
		for j := range 16 {
			y[j] = float32(float32(q[4+j]&15)*d) + m
			y[j+16] = float32(float32(q[4+j]>>4)*d) + m
		}
	}
}

func quantizeQ5_0(dst []byte, x []float32) {
	for b := 0; b < len(x)/32; b++ {
		xb, y := x[32*b:32*b+32], dst[22*b:22*b+22]
		max, _ := absMax(xb)
		d := max / -16
		id := inv(d)
		putF16(y, d)
		var qh uint32
		for j := range 16 {
			x0 := float32(xb[j] * id)
			x1 := float32(xb[16+j] * id)
			q0 := uint8(min(31, int8(x0+16.5)))
			q1 := uint8(min(31, int8(x1+16.5)))
			y[6+j] = q0&15 | (q1&15)<<4
			qh |= uint32(q0>>4&1) << j
			qh |= uint32(q1>>4&1) << (j + 16)
		}
		binary.LittleEndian.PutUint32(y[2:], qh)
	}
}

func dequantizeQ5_0(dst []float32, src []byte) {
	for b := 0; b < len(dst)/32; b++ {
		y, q := dst[32*b:32*b+32], src[22*b:22*b+22]
		d := getF16(q)
		qh := binary.LittleEndian.Uint32(q[2:])
		for j := range 16 {
			h0 := int32(qh>>j&1) << 4
			h1 := int32(qh>>(j+16)&1) << 4
			y[j] = float32(int32(q[6+j]&15)|h0-16) * d
			y[j+16] = float32(int32(q[6+j]>>4)|h1-16) * d
		}
	}
}

func quantizeQ5_1(dst []byte, x []float32) {
	for b := 0; b < len(x)/32; b++ {
		xb, y := x[32*b:32*b+32], dst[24*b:24*b+24]
		mn, mx := minMax(xb)
		d := (mx - mn) / 31
		id := inv(d)
		putF16(y, d)
		putF16(y[2:], mn)
		var qh uint32
		for j := range 16 {
			x0 := float32((xb[j] - mn) * id)
			x1 := float32((xb[16+j] - mn) * id)
			q0 := uint8(x0 + 0.5)
			q1 := uint8(x1 + 0.5)
			y[8+j] = q0&15 | (q1&15)<<4
			qh |= uint32(q0>>4&1) << j
			qh |= uint32(q1>>4&1) << (j + 16)
		}
		binary.LittleEndian.PutUint32(y[4:], qh)
	}
}

func dequantizeQ5_1(dst []float32, src []byte) {
	for b := 0; b < len(dst)/32; b++ {
		y, q := dst[32*b:32*b+32], src[24*b:24*b+24]
		d, m := getF16(q), getF16(q[2:])
		qh := binary.LittleEndian.Uint32(q[4:])
		for j := range 16 {
			h0 := uint8(qh>>j&1) << 4
			h1 := uint8(qh>>(j+16)&1) << 4
			y[j] = float32(float32(q[8+j]&15|h0)*d) + m
			y[j+16] = float32(float32(q[8+j]>>4|h1)*d) + m
		}
	}
}

func quantizeQ8_0(dst []byte, x []float32) {
	for b := 0; b < len(x)/32; b++ {
		xb, y := x[32*b:32*b+32], dst[34*b:34*b+34]
		_, amax := absMax(xb)
		d := amax / 127
		id := inv(d)
		putF16(y, d)
		for j, v := range xb {
			y[2+j] = byte(int8(roundf(v * id)))
		}
	}
}

func dequantizeQ8_0(dst []float32, src []byte) {
	for b := 0; b < len(dst)/32; b++ {
		y, q := dst[32*b:32*b+32], src[34*b:34*b+34]
		d := getF16(q)
		for j := range 32 {
			y[j] = float32(int8(q[2+j])) * d
		}
	}
}

func quantizeQ8_1(dst []byte, x []float32) {
	for b := 0; b < len(x)/32; b++ {
		xb, y := x[32*b:32*b+32], dst[36*b:36*b+36]
		_, amax := absMax(xb)
		d := amax / 127
		id := inv(d)
		putF16(y, d)
		var sum int32
		for j, v := range xb {
			q := int8(roundf(v * id))
			y[4+j] = byte(q)
			sum += int32(q)
		}
		putF16(y[2:], float32(sum)*d)
	}
}

func dequantizeQ8_1(dst []float32, src []byte) {
	for b := 0; b < len(dst)/32; b++ {
		y, q := dst[32*b:32*b+32], src[36*b:36*b+36]
		d := getF16(q)
		for j := range 32 {
			y[j] = float32(int8(q[4+j])) * d
		}
	}
}

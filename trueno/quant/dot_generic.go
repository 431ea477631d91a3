package quant

import (
	"encoding/binary"
	"math"
)

// The reference dot products: a row of the weight type against a row of
// its companion type, integer arithmetic inside each block, one float
// term per block (per super-block for the K-quants), as ggml's plain-C
// vec_dot kernels compute them.

func dotF16Generic(n int, x, y []byte) float32 {
	var s float64
	for i := range n {
		s += float64(getF16(x[2*i:]) * getF16(y[2*i:]))
	}
	return float32(s)
}

func dotBF16Generic(n int, x, y []byte) float32 {
	var s float64
	for i := range n {
		a := math.Float32frombits(uint32(binary.LittleEndian.Uint16(x[2*i:])) << 16)
		b := math.Float32frombits(uint32(binary.LittleEndian.Uint16(y[2*i:])) << 16)
		s += float64(a * b)
	}
	return float32(s)
}

func dotQ4_0Generic(n int, x, y []byte) float32 {
	var sum float32
	for b := range n / 32 {
		xb, yb := (*[18]byte)(x[18*b:]), (*[34]byte)(y[34*b:])
		var sumi int32
		for j := range 16 {
			sumi += (int32(xb[2+j]&15) - 8) * int32(int8(yb[2+j]))
			sumi += (int32(xb[2+j]>>4) - 8) * int32(int8(yb[18+j]))
		}
		sum += float32(float32(float32(sumi)*getF16(xb[:])) * getF16(yb[:]))
	}
	return sum
}

func dotQ4_1Generic(n int, x, y []byte) float32 {
	var sum float32
	for b := range n / 32 {
		xb, yb := x[20*b:20*b+20], y[36*b:36*b+36]
		var sumi int32
		for j := range 16 {
			sumi += int32(xb[4+j]&15) * int32(int8(yb[4+j]))
			sumi += int32(xb[4+j]>>4) * int32(int8(yb[20+j]))
		}
		sum += float32(float32(getF16(xb)*getF16(yb))*float32(sumi)) + float32(getF16(xb[2:])*getF16(yb[2:]))
	}
	return sum
}

func dotQ5_0Generic(n int, x, y []byte) float32 {
	var sum float32
	for b := range n / 32 {
		xb, yb := x[22*b:22*b+22], y[34*b:34*b+34]
		qh := binary.LittleEndian.Uint32(xb[2:])
		var sumi int32
		for j := range 16 {
			lo := int32(xb[6+j]&15) | int32(qh>>j&1)<<4
			hi := int32(xb[6+j]>>4) | int32(qh>>(j+16)&1)<<4
			sumi += (lo - 16) * int32(int8(yb[2+j]))
			sumi += (hi - 16) * int32(int8(yb[18+j]))
		}
		sum += float32(float32(getF16(xb)*getF16(yb)) * float32(sumi))
	}
	return sum
}

func dotQ5_1Generic(n int, x, y []byte) float32 {
	var sum float32
	for b := range n / 32 {
		xb, yb := x[24*b:24*b+24], y[36*b:36*b+36]
		qh := binary.LittleEndian.Uint32(xb[4:])
		var sumi int32
		for j := range 16 {
			lo := int32(xb[8+j]&15) | int32(qh>>j&1)<<4
			hi := int32(xb[8+j]>>4) | int32(qh>>(j+16)&1)<<4
			sumi += lo * int32(int8(yb[4+j]))
			sumi += hi * int32(int8(yb[20+j]))
		}
		sum += float32(float32(getF16(xb)*getF16(yb))*float32(sumi)) + float32(getF16(xb[2:])*getF16(yb[2:]))
	}
	return sum
}

func dotQ8_0Generic(n int, x, y []byte) float32 {
	var sum float32
	for b := range n / 32 {
		xb, yb := (*[34]byte)(x[34*b:]), (*[34]byte)(y[34*b:])
		var sumi int32
		for j := range 32 {
			sumi += int32(int8(xb[2+j])) * int32(int8(yb[2+j]))
		}
		sum += float32(float32(sumi) * float32(getF16(xb[:])*getF16(yb[:])))
	}
	return sum
}

func dotQ8_1Generic(n int, x, y []byte) float32 {
	var sum float32
	for b := range n / 32 {
		xb, yb := x[36*b:36*b+36], y[36*b:36*b+36]
		var sumi int32
		for j := range 32 {
			sumi += int32(int8(xb[4+j])) * int32(int8(yb[4+j]))
		}
		sum += float32(float32(sumi) * float32(getF16(xb)*getF16(yb)))
	}
	return sum
}

func dotIQ4_NLGeneric(n int, x, y []byte) float32 {
	var sum float32
	for b := range n / 32 {
		xb, yb := x[18*b:18*b+18], y[34*b:34*b+34]
		var sumi int32
		for j := range 16 {
			sumi += int32(kvaluesIQ4NL[xb[2+j]&15]) * int32(int8(yb[2+j]))
			sumi += int32(kvaluesIQ4NL[xb[2+j]>>4]) * int32(int8(yb[18+j]))
		}
		sum += float32(float32(getF16(yb)*getF16(xb)) * float32(sumi))
	}
	return sum
}

// q8K views one Q8_K block: d, the quants and the sums of 16.
func q8KScale(yb []byte) float32           { return getF32(yb) }
func q8KBsum(yb []byte, j int) int32       { return int32(int16(binary.LittleEndian.Uint16(yb[260+2*j:]))) }
func q8KQ(yb []byte, i int) int32          { return int32(int8(yb[4+i])) }
func q8KBlock(y []byte, b int) []byte      { return y[292*b : 292*b+292] }
func blockOf(x []byte, size, b int) []byte { return x[size*b : size*b+size] }

func dotQ2_KGeneric(n int, x, y []byte) float32 {
	var sum float32
	for b := range n / QK {
		xb, yb := blockOf(x, 84, b), q8KBlock(y, b)
		var isum, msum int32
		for j := range 16 {
			msum += int32(xb[j]>>4) * q8KBsum(yb, j)
		}
		for j := range 16 {
			// Sub-block j covers values 16j..16j+15: 128-value half h,
			// bit pair s within the byte, byte group g of 16.
			h, s, g := j/8, (j%8)/2, j%2
			qs := xb[16+32*h+16*g:]
			var si int32
			for l := range 16 {
				si += int32(qs[l]>>(2*s)&3) * q8KQ(yb, 16*j+l)
			}
			isum += int32(xb[j]&15) * si
		}
		dy := q8KScale(yb)
		d, dmin := float32(dy*getF16(xb[80:])), float32(dy*getF16(xb[82:]))
		sum += float32(d*float32(isum)) - float32(dmin*float32(msum))
	}
	return sum
}

func dotQ3_KGeneric(n int, x, y []byte) float32 {
	var sum float32
	for b := range n / QK {
		xb, yb := blockOf(x, 110, b), q8KBlock(y, b)
		hmask, sc := xb[0:32], xb[96:108]
		var isum int32
		for j := range 16 {
			h, s, g := j/8, (j%8)/2, j%2
			qs := xb[32+32*h+16*g:]
			hm := hmask[16*g:]
			bit := uint8(1) << (4*h + s)
			var si int32
			for l := range 16 {
				v := int32(qs[l] >> (2 * s) & 3)
				if hm[l]&bit == 0 {
					v -= 4
				}
				si += v * q8KQ(yb, 16*j+l)
			}
			isum += int32(q3Scale(sc, j)) * si
		}
		d := float32(getF16(xb[108:]) * q8KScale(yb))
		sum += float32(d * float32(isum))
	}
	return sum
}

func dotQ4_KGeneric(n int, x, y []byte) float32 {
	var sum float32
	for b := range n / QK {
		xb, yb := blockOf(x, 144, b), q8KBlock(y, b)
		var isum, msum int32
		for j := range 8 {
			s, m := scaleMinK4(j, xb[4:16])
			msum += int32(m) * (q8KBsum(yb, 2*j) + q8KBsum(yb, 2*j+1))
			qs := xb[16+32*(j/2):]
			shift := 4 * uint(j%2)
			var si int32
			for l := range 32 {
				si += int32(qs[l]>>shift&15) * q8KQ(yb, 32*j+l)
			}
			isum += int32(s) * si
		}
		dy := q8KScale(yb)
		d, dmin := float32(dy*getF16(xb)), float32(dy*getF16(xb[2:]))
		sum += float32(d*float32(isum)) - float32(dmin*float32(msum))
	}
	return sum
}

func dotQ5_KGeneric(n int, x, y []byte) float32 {
	var sum float32
	for b := range n / QK {
		xb, yb := blockOf(x, 176, b), q8KBlock(y, b)
		qh := xb[16:48]
		var isum, msum int32
		for j := range 8 {
			s, m := scaleMinK4(j, xb[4:16])
			msum += int32(m) * (q8KBsum(yb, 2*j) + q8KBsum(yb, 2*j+1))
			qs := xb[48+32*(j/2):]
			shift := 4 * uint(j%2)
			bit := uint8(1) << j
			var si int32
			for l := range 32 {
				v := int32(qs[l] >> shift & 15)
				if qh[l]&bit != 0 {
					v += 16
				}
				si += v * q8KQ(yb, 32*j+l)
			}
			isum += int32(s) * si
		}
		dy := q8KScale(yb)
		d, dmin := float32(dy*getF16(xb)), float32(dy*getF16(xb[2:]))
		sum += float32(d*float32(isum)) - float32(dmin*float32(msum))
	}
	return sum
}

func dotQ6_KGeneric(n int, x, y []byte) float32 {
	var sum float32
	for b := range n / QK {
		xb, yb := blockOf(x, 210, b), q8KBlock(y, b)
		var isum int32
		for j := range 16 {
			// Value i = 128h + 32k + l (l < 32): low nibble from
			// ql[64h + 32(k%2) + l] (high nibble when k >= 2), high
			// bits from qh[32h + l] at bit 2k.
			h, k, half := j/8, (j%8)/2, j%2
			ql := xb[64*h+32*(k%2)+16*half:]
			qh := xb[128+32*h+16*half:]
			shift := 4 * uint(k/2)
			var si int32
			for l := range 16 {
				v := int32(ql[l]>>shift&15|(qh[l]>>(2*k)&3)<<4) - 32
				si += v * q8KQ(yb, 16*j+l)
			}
			isum += int32(int8(xb[192+j])) * si
		}
		d := float32(getF16(xb[208:]) * q8KScale(yb))
		sum += float32(d * float32(isum))
	}
	return sum
}

func dotIQ4_XSGeneric(n int, x, y []byte) float32 {
	var sum float32
	for b := range n / QK {
		xb, yb := blockOf(x, 136, b), q8KBlock(y, b)
		sh := binary.LittleEndian.Uint16(xb[2:])
		var isum int32
		for ib := range 8 {
			ls := int32(xb[4+ib/2]>>(4*(ib%2))&0xf) | int32(sh>>(2*ib)&3)<<4
			qs := xb[8+16*ib:]
			var si int32
			for j := range 16 {
				si += int32(kvaluesIQ4NL[qs[j]&15]) * q8KQ(yb, 32*ib+j)
				si += int32(kvaluesIQ4NL[qs[j]>>4]) * q8KQ(yb, 32*ib+16+j)
			}
			isum += (ls - 32) * si
		}
		d := float32(getF16(xb) * q8KScale(yb))
		sum += float32(d * float32(isum))
	}
	return sum
}

func dotQ8_KGeneric(n int, x, y []byte) float32 {
	var sum float32
	for b := range n / QK {
		xb, yb := q8KBlock(x, b), q8KBlock(y, b)
		var isum int32
		for i := range QK {
			isum += q8KQ(xb, i) * q8KQ(yb, i)
		}
		sum += float32(float32(q8KScale(xb)*q8KScale(yb)) * float32(isum))
	}
	return sum
}

func dotGeneric(t Type, n int, x, y []byte) float32 {
	switch t {
	case F16:
		return dotF16Generic(n, x, y)
	case BF16:
		return dotBF16Generic(n, x, y)
	case Q4_0:
		return dotQ4_0Generic(n, x, y)
	case Q4_1:
		return dotQ4_1Generic(n, x, y)
	case Q5_0:
		return dotQ5_0Generic(n, x, y)
	case Q5_1:
		return dotQ5_1Generic(n, x, y)
	case Q8_0:
		return dotQ8_0Generic(n, x, y)
	case Q8_1:
		return dotQ8_1Generic(n, x, y)
	case Q2_K:
		return dotQ2_KGeneric(n, x, y)
	case Q3_K:
		return dotQ3_KGeneric(n, x, y)
	case Q4_K:
		return dotQ4_KGeneric(n, x, y)
	case Q5_K:
		return dotQ5_KGeneric(n, x, y)
	case Q6_K:
		return dotQ6_KGeneric(n, x, y)
	case Q8_K:
		return dotQ8_KGeneric(n, x, y)
	case IQ4_NL:
		return dotIQ4_NLGeneric(n, x, y)
	case IQ4_XS:
		return dotIQ4_XSGeneric(n, x, y)
	}
	panic("quant: Dot: unsupported type " + t.String())
}

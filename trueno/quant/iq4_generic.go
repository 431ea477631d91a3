package quant

import "encoding/binary"

// IQ4_NL and IQ4_XS: 4-bit indices into the non-linear table kvaluesIQ4NL,
// with one scale per 32 values (IQ4_NL) or 6-bit sub-block scales under a
// float16 super-block scale (IQ4_XS).

// bestIndexIQ4 returns the index of the level nearest to x, ties to the
// upper level (ggml's best_index_int8 of this format's version).
func bestIndexIQ4(x float32) uint8 {
	v := &kvaluesIQ4NL
	if x <= float32(v[0]) {
		return 0
	}
	if x >= float32(v[15]) {
		return 15
	}
	lo, hi := 0, 15
	for hi-lo > 1 {
		mid := (lo + hi) / 2
		if x < float32(v[mid]) {
			hi = mid
		} else {
			lo = mid
		}
	}
	if x-float32(v[hi-1]) < float32(v[hi])-x {
		return uint8(hi - 1)
	}
	return uint8(hi)
}

// quantizeIQ4Super is ggml's quantize_row_iq4_nl_impl without importance
// weights: superSize values in 32-value sub-blocks. For one sub-block
// (IQ4_NL) it writes d and qs; for eight (IQ4_XS) also the 6-bit scales.
// ntry is the half-width of the scale search (7 for ggml_quantize_chunk,
// -1 for quantize_row_iq4_nl_ref, which then leaves qs of an all-zero
// block unspecified: here they are packed from L as it stands).
func quantizeIQ4Super(x []float32, d, qs []byte, scalesH, scalesL []byte, L []uint8, ntry int) {
	const bs = 32
	nb := len(x) / bs
	var weight [bs]float32
	var scales [QK / bs]float32
	clear(qs)
	putF16(d, 0)
	var maxScale, amaxScale float32
	v0 := float32(kvaluesIQ4NL[0])
	for ib := range nb {
		xb, Lb := x[ib*bs:ib*bs+bs], L[ib*bs:ib*bs+bs]
		for j, v := range xb {
			weight[j] = v * v
		}
		max, amax := absMax(xb)
		if amax < groupMaxEps {
			scales[ib] = 0
			continue
		}
		var dd float32
		if ntry > 0 {
			dd = -max / v0
		} else {
			dd = max / v0
		}
		id := 1 / dd
		var sumqx, sumq2 float32
		for j, v := range xb {
			l := bestIndexIQ4(float32(id * v))
			Lb[j] = l
			q := float32(kvaluesIQ4NL[l])
			w := weight[j]
			sumqx += float32(float32(w*q) * v)
			sumq2 += float32(float32(w*q) * q)
		}
		dd = sumqx / sumq2
		best := dd * sumqx
		for itry := -ntry; itry <= ntry; itry++ {
			id = float32(itry+int(kvaluesIQ4NL[0])) / max
			sumqx, sumq2 = 0, 0
			for j, v := range xb {
				l := bestIndexIQ4(float32(id * v))
				q := float32(kvaluesIQ4NL[l])
				w := weight[j]
				sumqx += float32(float32(w*q) * v)
				sumq2 += float32(float32(w*q) * q)
			}
			if sumq2 > 0 && float32(sumqx*sumqx) > float32(best*sumq2) {
				dd = sumqx / sumq2
				best = dd * sumqx
			}
		}
		scales[ib] = dd
		if a := abs32(dd); a > amaxScale {
			amaxScale, maxScale = a, dd
		}
	}
	if nb > 1 {
		clear(scalesH)
		dd := -maxScale / 32
		putF16(d, dd)
		id := inv(dd)
		var sh uint16
		for ib := range nb {
			l := clampI(nearestInt(float32(id*scales[ib])), -32, 31)
			dl := dd * float32(l)
			idl := inv(dl)
			xb, Lb := x[ib*bs:ib*bs+bs], L[ib*bs:ib*bs+bs]
			for j, v := range xb {
				Lb[j] = bestIndexIQ4(float32(idl * v))
			}
			l += 32
			lo, hi := uint8(l&0xf), uint16(l>>4)
			if ib%2 == 0 {
				scalesL[ib/2] = lo
			} else {
				scalesL[ib/2] |= lo << 4
			}
			sh |= hi << (2 * (ib % 8))
		}
		binary.LittleEndian.PutUint16(scalesH, sh)
	} else {
		putF16(d, scales[0])
		if ntry > 0 {
			id := inv(scales[0])
			for j, v := range x {
				L[j] = bestIndexIQ4(float32(id * v))
			}
		}
	}
	for i := range len(x) / 32 {
		for j := range 16 {
			qs[16*i+j] = L[32*i+j] | L[32*i+16+j]<<4
		}
	}
}

func quantizeIQ4NLTry(dst []byte, x []float32, ntry int) {
	var L [32]uint8
	for b := 0; b < len(x)/32; b++ {
		y := dst[18*b : 18*b+18]
		quantizeIQ4Super(x[32*b:32*b+32], y[0:2], y[2:18], nil, nil, L[:], ntry)
	}
}

func quantizeIQ4_NL(dst []byte, x []float32) { quantizeIQ4NLTry(dst, x, 7) }

func dequantizeIQ4_NL(dst []float32, src []byte) {
	for b := 0; b < len(dst)/32; b++ {
		y, q := dst[32*b:32*b+32], src[18*b:18*b+18]
		d := getF16(q)
		for j := range 16 {
			y[j] = d * float32(kvaluesIQ4NL[q[2+j]&15])
			y[j+16] = d * float32(kvaluesIQ4NL[q[2+j]>>4])
		}
	}
}

func quantizeIQ4_XS(dst []byte, x []float32) {
	var L [QK]uint8
	for b := 0; b < len(x)/QK; b++ {
		y := dst[136*b : 136*b+136]
		quantizeIQ4Super(x[QK*b:QK*b+QK], y[0:2], y[8:136], y[2:4], y[4:8], L[:], 7)
	}
}

func dequantizeIQ4_XS(dst []float32, src []byte) {
	for b := 0; b < len(dst)/QK; b++ {
		y, blk := dst[QK*b:QK*b+QK], src[136*b:136*b+136]
		d := getF16(blk)
		sh := binary.LittleEndian.Uint16(blk[2:])
		for ib := range 8 {
			ls := int32(blk[4+ib/2]>>(4*(ib%2))&0xf) | int32(sh>>(2*ib)&3)<<4
			dl := d * float32(ls-32)
			qs := blk[8+16*ib:]
			for j := range 16 {
				y[32*ib+j] = dl * float32(kvaluesIQ4NL[qs[j]&15])
				y[32*ib+j+16] = dl * float32(kvaluesIQ4NL[qs[j]>>4])
			}
		}
	}
}

package quant

import "encoding/binary"

// The K-quants: super-blocks of 256 values in sub-blocks of 16 or 32 with
// quantized sub-block scales (and mins), plus Q8_K, their companion format.

func clampI(v, lo, hi int32) int32 { return max(lo, min(hi, v)) }

// makeQXQuants fits L (in [0, 2·nmax)) and a scale to x by a weighted
// least-squares search over 19 candidate scales, weights x² (ggml's
// make_qx_quants with rmse_type 1 and no importance weights).
func makeQXQuants(nmax int32, x []float32, L []int8) float32 {
	max, amax := absMax(x)
	if amax < groupMaxEps {
		clear(L)
		return 0
	}
	fnmax := float32(nmax)
	iscale := -fnmax / max
	var sumlx, suml2 float32
	for i, v := range x {
		l := clampI(nearestInt(float32(iscale*v)), -nmax, nmax-1)
		L[i] = int8(l + nmax)
		w := float32(v * v)
		fl := float32(l)
		sumlx += float32(float32(w*v) * fl)
		suml2 += float32(float32(w*fl) * fl)
	}
	var scale float32
	if suml2 != 0 {
		scale = sumlx / suml2
	}
	best := scale * sumlx
	for is := -9; is <= 9; is++ {
		if is == 0 {
			continue
		}
		iscale = -(fnmax + float32(float32(0.1)*float32(is))) / max
		sumlx, suml2 = 0, 0
		for _, v := range x {
			l := clampI(nearestInt(float32(iscale*v)), -nmax, nmax-1)
			w := float32(v * v)
			fl := float32(l)
			sumlx += float32(float32(w*v) * fl)
			suml2 += float32(float32(w*fl) * fl)
		}
		if suml2 > 0 && float32(sumlx*sumlx) > float32(best*suml2) {
			for i, v := range x {
				l := nearestInt(float32(iscale * v))
				L[i] = int8(nmax + clampI(l, -nmax, nmax-1))
			}
			scale = sumlx / suml2
			best = scale * sumlx
		}
	}
	return scale
}

// makeQ3Quants is ggml's make_q3_quants with do_rmse: a first guess from
// the largest magnitude, then up to five rounds of per-element improvement.
func makeQ3Quants(nmax int32, x []float32, L []int8) float32 {
	max, amax := absMax(x)
	if amax < groupMaxEps {
		clear(L)
		return 0
	}
	iscale := -float32(nmax) / max
	var sumlx, suml2 float32
	for i, v := range x {
		l := clampI(nearestInt(float32(iscale*v)), -nmax, nmax-1)
		L[i] = int8(l)
		w := float32(v * v)
		fl := float32(l)
		sumlx += float32(float32(w*v) * fl)
		suml2 += float32(float32(w*fl) * fl)
	}
	for range 5 {
		changed := 0
		for i, v := range x {
			w := float32(v * v)
			fL := float32(L[i])
			slx := sumlx - float32(float32(w*v)*fL)
			if slx > 0 {
				sl2 := suml2 - float32(float32(w*fL)*fL)
				nl := clampI(nearestInt(float32(v*sl2)/slx), -nmax, nmax-1)
				if nl != int32(L[i]) {
					fn := float32(nl)
					slx += float32(float32(w*v) * fn)
					sl2 += float32(float32(w*fn) * fn)
					if sl2 > 0 && float32(float32(slx*slx)*suml2) > float32(float32(sumlx*sumlx)*sl2) {
						L[i] = int8(nl)
						sumlx, suml2 = slx, sl2
						changed++
					}
				}
			}
		}
		if changed == 0 {
			break
		}
	}
	for i := range L {
		L[i] += int8(nmax)
	}
	if suml2 > 0 {
		return sumlx / suml2
	}
	return 0
}

// makeQKX2Quants fits L in [0, nmax], a scale and a min to x, searching
// nstep+1 candidate scales for the least weighted error (ggml's
// make_qkx2_quants). It returns the scale and -min.
func makeQKX2Quants(nmax int32, x, weights []float32, L, Laux []uint8, rmin, rdelta float32, nstep int, useMAD bool) (scale, theMin float32) {
	mn, mx := x[0], x[0]
	sumW := weights[0]
	sumX := float32(sumW * x[0])
	for i := 1; i < len(x); i++ {
		if x[i] < mn {
			mn = x[i]
		}
		if x[i] > mx {
			mx = x[i]
		}
		w := weights[i]
		sumW += w
		sumX += float32(w * x[i])
	}
	if mn > 0 {
		mn = 0
	}
	if mx == mn {
		clear(L)
		return 0, -mn
	}
	fnmax := float32(nmax)
	iscale := fnmax / (mx - mn)
	scale = 1 / iscale
	var bestErr float32
	for i, v := range x {
		l := nearestInt(float32(iscale * (v - mn)))
		L[i] = uint8(clampI(l, 0, nmax))
		diff := float32(float32(scale*float32(L[i]))+mn) - v
		if useMAD {
			diff = abs32(diff)
		} else {
			diff = float32(diff * diff)
		}
		bestErr += float32(weights[i] * diff)
	}
	for is := 0; is <= nstep; is++ {
		iscale = float32(float32(rmin+float32(rdelta*float32(is)))+fnmax) / (mx - mn)
		var sumL, sumL2, sumXL float32
		for i, v := range x {
			l := clampI(nearestInt(float32(iscale*(v-mn))), 0, nmax)
			Laux[i] = uint8(l)
			w := weights[i]
			fl := float32(l)
			sumL += float32(w * fl)
			sumL2 += float32(float32(w*fl) * fl)
			sumXL += float32(float32(w*fl) * v)
		}
		D := float32(sumW*sumL2) - float32(sumL*sumL)
		if D > 0 {
			thisScale := (float32(sumW*sumXL) - float32(sumX*sumL)) / D
			thisMin := (float32(sumL2*sumX) - float32(sumL*sumXL)) / D
			if thisMin > 0 {
				thisMin = 0
				thisScale = sumXL / sumL2
			}
			var curErr float32
			for i, v := range x {
				diff := float32(float32(thisScale*float32(Laux[i]))+thisMin) - v
				if useMAD {
					diff = abs32(diff)
				} else {
					diff = float32(diff * diff)
				}
				curErr += float32(weights[i] * diff)
			}
			if curErr < bestErr {
				copy(L, Laux)
				bestErr = curErr
				scale = thisScale
				mn = thisMin
			}
		}
	}
	return scale, -mn
}

// scaleMinK4 unpacks the 6-bit scale and min of sub-block j from the 12
// packed bytes of Q4_K and Q5_K.
func scaleMinK4(j int, q []byte) (d, m uint8) {
	if j < 4 {
		return q[j] & 63, q[j+4] & 63
	}
	return q[j+4]&0xf | (q[j-4]>>6)<<4, q[j+4]>>4 | (q[j]>>6)<<4
}

func quantizeQ2_K(dst []byte, x []float32) {
	var L [QK]uint8
	var Laux [16]uint8
	var weights, mins, scales [16]float32
	for b := 0; b < len(x)/QK; b++ {
		xb, y := x[QK*b:QK*b+QK], dst[84*b:84*b+84]
		sc, qs := y[0:16], y[16:80]
		var maxScale, maxMin float32
		for j := range 16 {
			for l := range 16 {
				weights[l] = abs32(xb[16*j+l])
			}
			scales[j], mins[j] = makeQKX2Quants(3, xb[16*j:16*j+16], weights[:], L[16*j:16*j+16], Laux[:], -0.5, 0.1, 15, true)
			maxScale = max(maxScale, scales[j])
			maxMin = max(maxMin, mins[j])
		}
		if maxScale > 0 {
			iscale := 15 / maxScale
			for j := range 16 {
				sc[j] = uint8(nearestInt(float32(iscale * scales[j])))
			}
			putF16(y[80:], maxScale/15)
		} else {
			clear(sc)
			putF16(y[80:], 0)
		}
		if maxMin > 0 {
			iscale := 15 / maxMin
			for j := range 16 {
				sc[j] |= uint8(nearestInt(float32(iscale*mins[j])) << 4)
			}
			putF16(y[82:], maxMin/15)
		} else {
			putF16(y[82:], 0)
		}
		dAll, mAll := getF16(y[80:]), getF16(y[82:])
		for j := range 16 {
			d := dAll * float32(sc[j]&15)
			if d == 0 {
				continue
			}
			dm := mAll * float32(sc[j]>>4)
			for i := range 16 {
				l := nearestInt((xb[16*j+i] + dm) / d)
				L[16*j+i] = uint8(clampI(l, 0, 3))
			}
		}
		for j := 0; j < QK; j += 128 {
			for l := range 32 {
				qs[j/4+l] = L[j+l] | L[j+l+32]<<2 | L[j+l+64]<<4 | L[j+l+96]<<6
			}
		}
	}
}

func dequantizeQ2_K(dst []float32, src []byte) {
	for b := 0; b < len(dst)/QK; b++ {
		y, blk := dst[QK*b:QK*b+QK], src[84*b:84*b+84]
		d, mn := getF16(blk[80:]), getF16(blk[82:])
		k, is := 0, 0
		for n := 0; n < QK; n += 128 {
			q := blk[16+n/4:]
			for shift := uint(0); shift < 8; shift += 2 {
				for half := 0; half < 2; half++ {
					sc := blk[is]
					is++
					dl, ml := d*float32(sc&15), mn*float32(sc>>4)
					for l := range 16 {
						y[k] = float32(dl*float32(q[16*half+l]>>shift&3)) - ml
						k++
					}
				}
			}
		}
	}
}

// q3Scale unpacks the 6-bit scale j (0..15) of a Q3_K block, minus 32.
func q3Scale(sc []byte, j int) int8 {
	var s int8
	if j < 8 {
		s = int8(sc[j] & 0xf)
	} else {
		s = int8(sc[j-8] >> 4)
	}
	return (s | int8((sc[8+j%4]>>(2*(j/4))&3)<<4)) - 32
}

func quantizeQ3_K(dst []byte, x []float32) {
	var L [QK]int8
	var scales [16]float32
	for b := 0; b < len(x)/QK; b++ {
		xb, y := x[QK*b:QK*b+QK], dst[110*b:110*b+110]
		hmask, qs, sc := y[0:32], y[32:96], y[96:108]
		var maxScale, amax float32
		for j := range 16 {
			scales[j] = makeQ3Quants(4, xb[16*j:16*j+16], L[16*j:16*j+16])
			if s := abs32(scales[j]); s > amax {
				amax, maxScale = s, scales[j]
			}
		}
		clear(sc)
		if maxScale != 0 {
			iscale := -32 / maxScale
			for j := range 16 {
				l := int8(nearestInt(float32(iscale * scales[j])))
				l = int8(clampI(int32(l), -32, 31)) + 32
				if j < 8 {
					sc[j] = uint8(l) & 0xf
				} else {
					sc[j-8] |= (uint8(l) & 0xf) << 4
				}
				l >>= 4
				sc[j%4+8] |= uint8(l) << (2 * (j / 4))
			}
			putF16(y[108:], 1/iscale)
		} else {
			putF16(y[108:], 0)
		}
		dAll := getF16(y[108:])
		for j := range 16 {
			d := dAll * float32(q3Scale(sc, j))
			if d == 0 {
				continue
			}
			for i := range 16 {
				l := clampI(nearestInt(xb[16*j+i]/d), -4, 3)
				L[16*j+i] = int8(l + 4)
			}
		}
		clear(hmask)
		m, hm := 0, uint8(1)
		for j := range QK {
			if L[j] > 3 {
				hmask[m] |= hm
				L[j] -= 4
			}
			if m++; m == QK/8 {
				m, hm = 0, hm<<1
			}
		}
		for j := 0; j < QK; j += 128 {
			for l := range 32 {
				qs[j/4+l] = uint8(L[j+l] | L[j+l+32]<<2 | L[j+l+64]<<4 | L[j+l+96]<<6)
			}
		}
	}
}

func dequantizeQ3_K(dst []float32, src []byte) {
	for b := 0; b < len(dst)/QK; b++ {
		y, blk := dst[QK*b:QK*b+QK], src[110*b:110*b+110]
		hmask, sc := blk[0:32], blk[96:108]
		dAll := getF16(blk[108:])
		k, is := 0, 0
		m := uint8(1)
		for n := 0; n < QK; n += 128 {
			q := blk[32+n/4:]
			for shift := uint(0); shift < 8; shift += 2 {
				for half := 0; half < 2; half++ {
					dl := dAll * float32(q3Scale(sc, is))
					is++
					for l := range 16 {
						v := int8(q[16*half+l] >> shift & 3)
						if hmask[16*half+l]&m == 0 {
							v -= 4
						}
						y[k] = dl * float32(v)
						k++
					}
				}
				m <<= 1
			}
		}
	}
}

// quantizeK45 fits the eight 32-element sub-blocks of a Q4_K or Q5_K
// super-block and packs their 6-bit scales and mins, the super-block scales
// d and dmin, and the levels L requantized against the stored scales.
func quantizeK45(xb []float32, y []byte, nmax int32, rmin float32, nstep int, L []uint8) {
	var Laux [32]uint8
	var weights [32]float32
	var mins, scales [8]float32
	sc := y[4:16]
	var maxScale, maxMin float32
	for j := range 8 {
		xs := xb[32*j : 32*j+32]
		var sumX2 float32
		for _, v := range xs {
			sumX2 += float32(v * v)
		}
		avX := sqrt32(sumX2 / 32)
		for l, v := range xs {
			weights[l] = avX + abs32(v)
		}
		scales[j], mins[j] = makeQKX2Quants(nmax, xs, weights[:], L[32*j:32*j+32], Laux[:], rmin, 0.1, nstep, false)
		maxScale = max(maxScale, scales[j])
		maxMin = max(maxMin, mins[j])
	}
	var invScale, invMin float32
	if maxScale > 0 {
		invScale = 63 / maxScale
	}
	if maxMin > 0 {
		invMin = 63 / maxMin
	}
	for j := range 8 {
		ls := min(63, uint8(nearestInt(float32(invScale*scales[j]))))
		lm := min(63, uint8(nearestInt(float32(invMin*mins[j]))))
		if j < 4 {
			sc[j] = ls
			sc[j+4] = lm
		} else {
			sc[j+4] = ls&0xf | (lm&0xf)<<4
			sc[j-4] |= (ls >> 4) << 6
			sc[j] |= (lm >> 4) << 6
		}
	}
	putF16(y[0:], maxScale/63)
	putF16(y[2:], maxMin/63)
	dAll, mAll := getF16(y[0:]), getF16(y[2:])
	for j := range 8 {
		s, m := scaleMinK4(j, sc)
		d := dAll * float32(s)
		if d == 0 {
			continue
		}
		dm := mAll * float32(m)
		for i := range 32 {
			l := nearestInt((xb[32*j+i] + dm) / d)
			L[32*j+i] = uint8(clampI(l, 0, nmax))
		}
	}
}

func quantizeQ4_K(dst []byte, x []float32) {
	var L [QK]uint8
	for b := 0; b < len(x)/QK; b++ {
		xb, y := x[QK*b:QK*b+QK], dst[144*b:144*b+144]
		quantizeK45(xb, y, 15, -1, 20, L[:])
		q := y[16:]
		for j := 0; j < QK; j += 64 {
			for l := range 32 {
				q[j/2+l] = L[j+l] | L[j+l+32]<<4
			}
		}
	}
}

func dequantizeQ4_K(dst []float32, src []byte) {
	for b := 0; b < len(dst)/QK; b++ {
		y, blk := dst[QK*b:QK*b+QK], src[144*b:144*b+144]
		d, mn := getF16(blk), getF16(blk[2:])
		sc := blk[4:16]
		for j := 0; j < QK; j += 64 {
			q := blk[16+j/2:]
			s1, m1 := scaleMinK4(j/32, sc)
			s2, m2 := scaleMinK4(j/32+1, sc)
			d1, dm1 := d*float32(s1), mn*float32(m1)
			d2, dm2 := d*float32(s2), mn*float32(m2)
			for l := range 32 {
				y[j+l] = float32(d1*float32(q[l]&15)) - dm1
				y[j+32+l] = float32(d2*float32(q[l]>>4)) - dm2
			}
		}
	}
}

func quantizeQ5_K(dst []byte, x []float32) {
	var L [QK]uint8
	for b := 0; b < len(x)/QK; b++ {
		xb, y := x[QK*b:QK*b+QK], dst[176*b:176*b+176]
		quantizeK45(xb, y, 31, -0.5, 15, L[:])
		qh, ql := y[16:48], y[48:176]
		clear(qh)
		m1, m2 := uint8(1), uint8(2)
		for n := 0; n < QK; n += 64 {
			for j := range 32 {
				l1, l2 := L[n+j], L[n+j+32]
				if l1 > 15 {
					l1 -= 16
					qh[j] |= m1
				}
				if l2 > 15 {
					l2 -= 16
					qh[j] |= m2
				}
				ql[n/2+j] = l1 | l2<<4
			}
			m1 <<= 2
			m2 <<= 2
		}
	}
}

func dequantizeQ5_K(dst []float32, src []byte) {
	for b := 0; b < len(dst)/QK; b++ {
		y, blk := dst[QK*b:QK*b+QK], src[176*b:176*b+176]
		d, mn := getF16(blk), getF16(blk[2:])
		sc, qh := blk[4:16], blk[16:48]
		u1, u2 := uint8(1), uint8(2)
		for j := 0; j < QK; j += 64 {
			ql := blk[48+j/2:]
			s1, m1 := scaleMinK4(j/32, sc)
			s2, m2 := scaleMinK4(j/32+1, sc)
			d1, dm1 := d*float32(s1), mn*float32(m1)
			d2, dm2 := d*float32(s2), mn*float32(m2)
			for l := range 32 {
				v1, v2 := ql[l]&15, ql[l]>>4
				if qh[l]&u1 != 0 {
					v1 += 16
				}
				if qh[l]&u2 != 0 {
					v2 += 16
				}
				y[j+l] = float32(d1*float32(v1)) - dm1
				y[j+32+l] = float32(d2*float32(v2)) - dm2
			}
			u1 <<= 2
			u2 <<= 2
		}
	}
}

func quantizeQ6_K(dst []byte, x []float32) {
	var L [QK]int8
	var scales [16]float32
	for b := 0; b < len(x)/QK; b++ {
		xb, y := x[QK*b:QK*b+QK], dst[210*b:210*b+210]
		var maxScale, maxAbs float32
		for j := range 16 {
			scales[j] = makeQXQuants(32, xb[16*j:16*j+16], L[16*j:16*j+16])
			if a := abs32(scales[j]); a > maxAbs {
				maxAbs, maxScale = a, scales[j]
			}
		}
		if maxAbs < groupMaxEps {
			clear(y)
			continue
		}
		iscale := -128 / maxScale
		putF16(y[208:], 1/iscale)
		sc := y[192:208]
		for j := range 16 {
			sc[j] = uint8(int8(min(127, nearestInt(float32(iscale*scales[j])))))
		}
		dAll := getF16(y[208:])
		for j := range 16 {
			d := dAll * float32(int8(sc[j]))
			if d == 0 {
				continue
			}
			for i := range 16 {
				l := clampI(nearestInt(xb[16*j+i]/d), -32, 31)
				L[16*j+i] = int8(l + 32)
			}
		}
		ql, qh := y[0:128], y[128:192]
		for j := 0; j < QK; j += 128 {
			for l := range 32 {
				q1 := uint8(L[j+l]) & 0xf
				q2 := uint8(L[j+l+32]) & 0xf
				q3 := uint8(L[j+l+64]) & 0xf
				q4 := uint8(L[j+l+96]) & 0xf
				ql[j/2+l] = q1 | q3<<4
				ql[j/2+l+32] = q2 | q4<<4
				qh[j/4+l] = uint8(L[j+l]>>4) | uint8(L[j+l+32]>>4)<<2 | uint8(L[j+l+64]>>4)<<4 | uint8(L[j+l+96]>>4)<<6
			}
		}
	}
}

func dequantizeQ6_K(dst []float32, src []byte) {
	for b := 0; b < len(dst)/QK; b++ {
		y, blk := dst[QK*b:QK*b+QK], src[210*b:210*b+210]
		d := getF16(blk[208:])
		for n := 0; n < QK; n += 128 {
			ql, qh, sc := blk[n/2:], blk[128+n/4:], blk[192+n/16:]
			for l := range 32 {
				is := l / 16
				q1 := int8(ql[l]&15|(qh[l]>>0&3)<<4) - 32
				q2 := int8(ql[l+32]&15|(qh[l]>>2&3)<<4) - 32
				q3 := int8(ql[l]>>4|(qh[l]>>4&3)<<4) - 32
				q4 := int8(ql[l+32]>>4|(qh[l]>>6&3)<<4) - 32
				y[n+l] = d * float32(int8(sc[is])) * float32(q1)
				y[n+l+32] = d * float32(int8(sc[is+2])) * float32(q2)
				y[n+l+64] = d * float32(int8(sc[is+4])) * float32(q3)
				y[n+l+96] = d * float32(int8(sc[is+6])) * float32(q4)
			}
		}
	}
}

func quantizeQ8_K(dst []byte, x []float32) {
	for b := 0; b < len(x)/QK; b++ {
		xb, y := x[QK*b:QK*b+QK], dst[292*b:292*b+292]
		max, amax := absMax(xb)
		if amax == 0 {
			clear(y)
			continue
		}
		iscale := -127 / max
		qs := y[4:260]
		for j, v := range xb {
			qs[j] = uint8(int8(min(127, nearestInt(float32(iscale*v)))))
		}
		for j := range 16 {
			var sum int16
			for _, q := range qs[16*j : 16*j+16] {
				sum += int16(int8(q))
			}
			binary.LittleEndian.PutUint16(y[260+2*j:], uint16(sum))
		}
		putF32(y, 1/iscale)
	}
}

func dequantizeQ8_K(dst []float32, src []byte) {
	for b := 0; b < len(dst)/QK; b++ {
		y, blk := dst[QK*b:QK*b+QK], src[292*b:292*b+292]
		d := getF32(blk)
		for j := range QK {
			y[j] = d * float32(int8(blk[4+j]))
		}
	}
}

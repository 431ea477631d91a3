package mat

// Packing copies a block of op(A) or op(B) into the order the
// micro-kernel streams it: a block of op(A) as panels of mr rows, each
// panel column by column (mr consecutive elements per p); a block of op(B)
// as panels of nr columns, each panel row by row (nr per p). Panels at the
// edge are padded with zeros, so the micro-kernel always runs full tiles.

// packA packs rows [i0, i0+mb) and columns [p0, p0+kb) of op(A), where
// op(A)(i, p) is a[i*lda+p], or a[p*lda+i] when trans. packN, when not
// nil, packs a full panel of a row-major A (see kernel.packN).
func packA[T Float](dst []T, mr int, packN func(k int, a *T, lda int, dst *T), a []T, lda int, trans bool, i0, mb, p0, kb int) {
	if packN != nil && (trans || int64(lda)*int64(mr) >= 1<<31) {
		packN = nil
	}
	for q := 0; q*mr < mb; q++ {
		d := dst[q*mr*kb : (q+1)*mr*kb]
		rows := min(mr, mb-q*mr)
		ib := i0 + q*mr
		if trans {
			if rows == mr {
				for p := 0; p < kb; p++ {
					copyPanelRow(d[p*mr:p*mr+mr], a[(p0+p)*lda+ib:][:mr])
				}
				continue
			}
			for p := 0; p < kb; p++ {
				src := a[(p0+p)*lda+ib:][:rows]
				dd := d[p*mr : p*mr+mr]
				copy(dd, src)
				clear(dd[rows:])
			}
			continue
		}
		if rows == mr && packN != nil {
			packN(kb, &a[ib*lda+p0], lda, &d[0])
			continue
		}
		// Four rows at a time: four read streams, one write of four
		// adjacent elements per column.
		ii := 0
		for ; ii+4 <= rows; ii += 4 {
			r0 := a[(ib+ii)*lda+p0:][:kb]
			r1 := a[(ib+ii+1)*lda+p0:][:kb]
			r2 := a[(ib+ii+2)*lda+p0:][:kb]
			r3 := a[(ib+ii+3)*lda+p0:][:kb]
			for p := range r0 {
				dd := (*[4]T)(d[p*mr+ii:])
				dd[0], dd[1], dd[2], dd[3] = r0[p], r1[p], r2[p], r3[p]
			}
		}
		for ; ii < rows; ii++ {
			src := a[(ib+ii)*lda+p0:][:kb]
			for p, v := range src {
				d[p*mr+ii] = v
			}
		}
		if rows < mr {
			for p := 0; p < kb; p++ {
				clear(d[p*mr+rows : p*mr+mr])
			}
		}
	}
}

// packB packs rows [p0, p0+kb) and columns [j0, j0+nb) of op(B), where
// op(B)(p, j) is b[p*ldb+j], or b[j*ldb+p] when trans. packT, when not
// nil, packs a full panel of a transposed B (see kernel.packT).
func packB[T Float](dst []T, nr int, packT func(k int, b *T, ldb int, dst *T), b []T, ldb int, trans bool, p0, kb, j0, nb int) {
	if packT != nil && (!trans || int64(ldb)*int64(nr) >= 1<<31) {
		packT = nil
	}
	for q := 0; q*nr < nb; q++ {
		d := dst[q*nr*kb : (q+1)*nr*kb]
		cols := min(nr, nb-q*nr)
		jb := j0 + q*nr
		if !trans {
			if cols == nr {
				for p := 0; p < kb; p++ {
					copyPanelRow(d[p*nr:p*nr+nr], b[(p0+p)*ldb+jb:][:nr])
				}
				continue
			}
			for p := 0; p < kb; p++ {
				src := b[(p0+p)*ldb+jb:][:cols]
				dd := d[p*nr : p*nr+nr]
				copy(dd, src)
				clear(dd[cols:])
			}
			continue
		}
		if cols == nr && packT != nil {
			packT(kb, &b[jb*ldb+p0], ldb, &d[0])
			continue
		}
		for jj := 0; jj < cols; jj++ {
			src := b[(jb+jj)*ldb+p0:][:kb]
			for p, v := range src {
				d[p*nr+jj] = v
			}
		}
		if cols < nr {
			for p := 0; p < kb; p++ {
				clear(d[p*nr+cols : p*nr+nr])
			}
		}
	}
}

// copyPanelRow copies len(src) == len(dst) elements. Panel rows are short
// (a tile's width), where a call of memmove costs as much as the copy;
// the tile widths get fixed-size copies the compiler inlines.
func copyPanelRow[T Float](dst, src []T) {
	switch len(src) {
	case 32:
		*(*[32]T)(dst) = *(*[32]T)(src)
	case 16:
		*(*[16]T)(dst) = *(*[16]T)(src)
	case 14:
		*(*[14]T)(dst) = *(*[14]T)(src)
	case 8:
		*(*[8]T)(dst) = *(*[8]T)(src)
	default:
		copy(dst, src)
	}
}

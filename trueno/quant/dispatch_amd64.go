//go:build gc && !purego

package quant

import (
	"github.com/batuta-go/stack/internal/cpu"
	"github.com/batuta-go/stack/trueno"
)

// The kernels read float16 scales with VCVTPH2PS (F16C) and, where the CPU
// has it, sum 8-bit products with VPDPBUSD: the VEX form (AVX-VNNI) on the
// AVX2 path, the EVEX form (AVX512_VNNI) on the AVX-512 path.
var (
	hasF16C    = cpu.X86.HasF16C
	hasAVXVNNI = cpu.X86.HasAVXVNNI
	hasVNNI512 = cpu.X86.HasAVX512VNNI
)

// noVNNI makes the x86 paths skip VPDPBUSD, so that tests reach the plain
// AVX2 kernels on a CPU with VNNI.
var noVNNI bool

func dequantize(t Type, dst []float32, src []byte) {
	if k := dequantKernel(t); k != nil {
		k(dst, src)
		return
	}
	switch t {
	case F16:
		dequantizeF16Fast(dst, src)
	case BF16:
		dequantizeBF16Fast(dst, src)
	default:
		dequantizeGeneric(t, dst, src)
	}
}

// dequantKernel returns the dequantizer of t on this path (x86 with F16C),
// nil on the generic path and for F16 and BF16 (trueno's conversions). The
// AVX-512 path takes the ZMM kernels of the types that have them.
func dequantKernel(t Type) func(dst []float32, src []byte) {
	isa := trueno.Active()
	if (isa != trueno.AVX2 && isa != trueno.AVX512) || !hasF16C {
		return nil
	}
	wide := isa == trueno.AVX512
	pick := func(ymm, zmm func([]float32, []byte)) func([]float32, []byte) {
		if wide {
			return zmm
		}
		return ymm
	}
	switch t {
	case Q8_0:
		return pick(dequantQ8_0AVX2, dequantQ8_0AVX512)
	case Q4_0:
		return pick(dequantQ4_0AVX2, dequantQ4_0AVX512)
	case Q4_K:
		return pick(dequantQ4_KAVX2, dequantQ4_KAVX512)
	case Q6_K:
		return pick(dequantQ6_KAVX2, dequantQ6_KAVX512)
	case Q4_1:
		return pick(dequantQ4_1AVX2, dequantQ4_1AVX512)
	case Q5_0:
		return pick(dequantQ5_0AVX2, dequantQ5_0AVX512)
	case Q5_1:
		return pick(dequantQ5_1AVX2, dequantQ5_1AVX512)
	case Q8_1:
		return pick(dequantQ8_1AVX2, dequantQ8_1AVX512)
	case Q2_K:
		return pick(dequantQ2_KAVX2, dequantQ2_KAVX512)
	case Q3_K:
		return pick(dequantQ3_KAVX2, dequantQ3_KAVX512)
	case Q5_K:
		return pick(dequantQ5_KAVX2, dequantQ5_KAVX512)
	case Q8_K:
		return pick(dequantQ8_KAVX2, dequantQ8_KAVX512)
	case IQ4_NL:
		return pick(dequantIQ4_NLAVX2, dequantIQ4_NLAVX512)
	case IQ4_XS:
		return pick(dequantIQ4_XSAVX2, dequantIQ4_XSAVX512)
	}
	return nil
}

// x86Path reports whether the x86 kernels run (AVX2 or AVX-512 path, with
// F16C) and which VPDPBUSD they use: 2 EVEX (AVX-512 VNNI), 1 VEX
// (AVX-VNNI), 0 none.
func x86Path() (ok bool, vnni int) {
	isa := trueno.Active()
	if (isa != trueno.AVX2 && isa != trueno.AVX512) || !hasF16C {
		return false, 0
	}
	switch {
	case noVNNI:
	case isa == trueno.AVX512 && hasVNNI512:
		vnni = 2
	case hasAVXVNNI:
		vnni = 1
	}
	return true, vnni
}

func dot(t Type, n int, x, y []byte) float32 {
	if ok, vnni := x86Path(); ok {
		switch t {
		case Q8_0:
			switch vnni {
			case 2:
				return dotQ8_0AVX512VNNI(n, x, y)
			case 1:
				return dotQ8_0AVXVNNI(n, x, y)
			}
			return dotQ8_0AVX2(n, x, y)
		case Q4_0:
			switch vnni {
			case 2:
				return dotQ4_0AVX512VNNI(n, x, y)
			case 1:
				return dotQ4_0AVXVNNI(n, x, y)
			}
			return dotQ4_0AVX2(n, x, y)
		case Q4_1:
			switch vnni {
			case 2:
				return dotQ4_1AVX512VNNI(n, x, y)
			case 1:
				return dotQ4_1AVXVNNI(n, x, y)
			}
			return dotQ4_1AVX2(n, x, y)
		case Q5_0:
			switch vnni {
			case 2:
				return dotQ5_0AVX512VNNI(n, x, y)
			case 1:
				return dotQ5_0AVXVNNI(n, x, y)
			}
			return dotQ5_0AVX2(n, x, y)
		case Q5_1:
			switch vnni {
			case 2:
				return dotQ5_1AVX512VNNI(n, x, y)
			case 1:
				return dotQ5_1AVXVNNI(n, x, y)
			}
			return dotQ5_1AVX2(n, x, y)
		case IQ4_NL:
			switch vnni {
			case 2:
				return dotIQ4_NLAVX512VNNI(n, x, y)
			case 1:
				return dotIQ4_NLAVXVNNI(n, x, y)
			}
			return dotIQ4_NLAVX2(n, x, y)
		case Q4_K:
			if vnni == 2 {
				return dotQ4_KAVX512VNNI(n, x, y)
			}
			return dotQ4_KAVX2(n, x, y)
		case Q5_K:
			if vnni == 2 {
				return dotQ5_KAVX512VNNI(n, x, y)
			}
			return dotQ5_KAVX2(n, x, y)
		case Q2_K:
			switch vnni {
			case 2:
				return dotQ2_KAVX512VNNI(n, x, y)
			case 1:
				return dotQ2_KAVXVNNI(n, x, y)
			}
			return dotQ2_KAVX2(n, x, y)
		case Q3_K:
			switch vnni {
			case 2:
				return dotQ3_KAVX512VNNI(n, x, y)
			case 1:
				return dotQ3_KAVXVNNI(n, x, y)
			}
			return dotQ3_KAVX2(n, x, y)
		case IQ4_XS:
			switch vnni {
			case 2:
				return dotIQ4_XSAVX512VNNI(n, x, y)
			case 1:
				return dotIQ4_XSAVXVNNI(n, x, y)
			}
			return dotIQ4_XSAVX2(n, x, y)
		case F16:
			return dotF16AVX2(n, x, y)
		case BF16:
			return dotBF16AVX2(n, x, y)
		case Q6_K:
			if vnni == 2 {
				return dotQ6_KAVX512VNNI(n, x, y)
			}
			return dotQ6_KAVX2(n, x, y)
		}
	}
	return dotGeneric(t, n, x, y)
}

// prepare fills pre (preBytes(n) bytes) with the precomputed form of the
// activation row y when t's products on this path take one (Q4_0 and
// Q8_0; on the AVX-512 VNNI path also Q4_K, and Q4_0 rows of a multiple of
// 128 values take the four-block form of prepareQ4_0x4, IQ4_NL, Q5_0,
// Q4_1 and Q5_1 rows that of prepareLegacy4), and reports
// whether it did.
func prepare(t Type, n int, y, pre []byte) bool {
	ok, vnni := x86Path()
	if !ok {
		return false
	}
	switch {
	case t == Q4_K && vnni == 2:
		prepareQ4_K(pre, y, n)
	case t == Q4_0 && vnni == 2 && n%128 == 0:
		prepareQ4_0x4(pre, y, n)
	case t == IQ4_NL && vnni == 2 && n%128 == 0:
		prepareLegacy4(pre, y, n, 128, false)
	case t == Q5_0 && vnni == 2 && n%128 == 0:
		prepareLegacy4(pre, y, n, 16, false)
	case (t == Q4_1 || t == Q5_1) && vnni == 2 && n%128 == 0:
		prepareLegacy4(pre, y, n, 0, true)
	case t == Q4_0:
		prepareQ8_0(pre, y, n, 8)
	case t == Q8_0 && vnni != 0:
		prepareQ8_0(pre, y, n, 128) // the kernels add 128 to x's levels
	case t == Q8_0:
		prepareQ8_0(pre, y, n, 0) // sign-extended words: no offset
	default:
		return false
	}
	return true
}

// dotPre is dot with the precomputed form of y made by prepare.
func dotPre(t Type, n int, x, y, pre []byte) float32 {
	_, vnni := x86Path()
	if k := legacyPre4(t, vnni); k != nil {
		var dst [1]float32
		k(n, x, pre, dst[:])
		return dst[0]
	}
	if t == Q4_K && vnni == 2 {
		return dotQ4_KPreAVX512VNNI(n, x, pre)
	}
	if t == Q4_0 {
		switch {
		case vnni == 2 && n%128 == 0:
			return dotQ4_0Pre4AVX512VNNI(n, x, pre)
		case vnni == 2:
			return dotQ4_0PreAVX512VNNI(n, x, y, pre)
		case vnni == 1:
			return dotQ4_0PreAVXVNNI(n, x, y, pre)
		}
		return dotQ4_0PreAVX2(n, x, y, pre)
	}
	switch vnni {
	case 2:
		return dotQ8_0PreAVX512VNNI(n, x, y, pre)
	case 1:
		return dotQ8_0PreAVXVNNI(n, x, y, pre)
	}
	return dotQ8_0PreAVX2(n, x, y, pre)
}

// legacyPre4 returns the four-block kernel of t on the AVX-512 VNNI path
// (vnni 2) that takes the activation form of prepareLegacy4, nil for the
// other types and paths. It runs over all the rows of dst in one call
// (rows of a few hundred bytes lose much of their time to the call and
// the constants otherwise). prepare makes that form only for rows of a
// multiple of 128 values, so a pre it made fits the kernel.
func legacyPre4(t Type, vnni int) func(n int, x, pre []byte, dst []float32) {
	if vnni != 2 {
		return nil
	}
	switch t {
	case IQ4_NL:
		return dotRowsIQ4_NLPre4AVX512VNNI
	case Q5_0:
		return dotRowsQ5_0Pre4AVX512VNNI
	case Q4_1:
		return dotRowsQ4_1Pre4AVX512VNNI
	case Q5_1:
		return dotRowsQ5_1Pre4AVX512VNNI
	}
	return nil
}

// tileAvailable reports whether MatMat takes the tile kernels for t and
// batch activation rows: Q4_0, Q8_0, Q4_K and Q6_K on the x86 paths,
// except Q8_0 on a CPU without VNNI (two of its products overflow
// VPMADDUBSW's int16), from 4 rows (from 3 the tile kernels beat the
// pairwise ones for some types and lose for others).
func tileAvailable(t Type, batch int) bool {
	ok, vnni := x86Path()
	if _, tiled := tileLayoutOf(t); !ok || !tiled || t == Q8_0 && vnni == 0 {
		return false
	}
	return batch >= 4
}

// tileMul computes out[16c + r] = panel row r · activation c of the group
// a (tileGeneric), with the kernel of this path where it has one.
func tileMul(t Type, lay tileLayout, nb int, panel, a []byte, out []float32) {
	if ok, vnni := x86Path(); ok {
		switch {
		case vnni == 2 && (t == Q4_0 || t == Q8_0):
			tile32AVX512VNNI(nb, panel, a, out)
			return
		case vnni == 2 && t == Q4_K:
			tileQ4_KAVX512VNNI(nb, panel, a, out)
			return
		case vnni == 2 && t == Q6_K:
			tileQ6_KAVX512VNNI(nb, panel, a, out)
			return
		case vnni == 1 && (t == Q4_0 || t == Q8_0):
			tile32AVXVNNI(nb, panel, a, out)
			return
		case vnni == 1 && t == Q4_K:
			tileQ4_KAVXVNNI(nb, panel, a, out)
			return
		case vnni == 1 && t == Q6_K:
			tileQ6_KAVXVNNI(nb, panel, a, out)
			return
		case vnni == 0 && t == Q4_0:
			tile32AVX2(nb, panel, a, out)
			return
		case vnni == 0 && t == Q4_K:
			tileQ4_KAVX2(nb, panel, a, out)
			return
		case vnni == 0 && t == Q6_K:
			tileQ6_KAVX2(nb, panel, a, out)
			return
		}
	}
	tileGeneric(t, lay, nb, panel, a, out)
}

// packPanelFast is packPanel of 16 full rows (w from the first, rb bytes
// apart) with the AVX-512 or the AVX2 packer, on the x86 paths; it
// reports whether it ran.
func packPanelFast(t Type, nb int, panel, w []byte, rb int) bool {
	ok, vnni := x86Path()
	switch {
	case !ok:
		return false
	case vnni == 2 && t == Q4_0:
		packQ4_0AVX512(nb, w, rb, panel)
	case vnni == 2 && t == Q8_0:
		packQ8_0AVX512(nb, w, rb, panel)
	case vnni == 2 && t == Q4_K:
		packQ4_KAVX512(nb, w, rb, panel)
	case vnni == 2 && t == Q6_K:
		packQ6_KAVX512(nb, w, rb, panel)
	case t == Q4_0:
		packQ4_0AVX2(nb, w, rb, panel)
	case t == Q8_0:
		packQ8_0AVX2(nb, w, rb, panel)
	case t == Q4_K:
		packQ4_KAVX2(nb, w, rb, panel)
	case t == Q6_K:
		packQ6_KAVX2(nb, w, rb, panel)
	default:
		return false
	}
	return true
}

// quantizeAct is quantizeGeneric for the activation rows of the products
// (the companion types), with the SIMD quantizers of Q8_0 and Q8_K on the
// x86 paths: bit for bit the same, the reference taking over a row that
// holds a NaN or an infinity.
func quantizeAct(t Type, dst []byte, src []float32) {
	if ok, _ := x86Path(); ok {
		wide := trueno.Active() == trueno.AVX512
		switch {
		case t == Q8_0 && wide:
			if !quantizeQ8_0AVX512(len(src)/32, src, dst) {
				return
			}
		case t == Q8_0:
			if !quantizeQ8_0AVX2(len(src)/32, src, dst) {
				return
			}
		case t == Q8_K && wide:
			if !quantizeQ8_KAVX512(len(src)/QK, src, dst) {
				return
			}
		case t == Q8_K:
			if !quantizeQ8_KAVX2(len(src)/QK, src, dst) {
				return
			}
		}
	}
	quantizeGeneric(t, dst, src)
}

// dispatchPath identifies the kernels the dispatch chooses now (the path
// and its VPDPBUSD form), so that a precomputed activation can tell
// whether it was made for them.
func dispatchPath() int {
	ok, vnni := x86Path()
	if !ok {
		return -1
	}
	return int(trueno.Active())<<2 | vnni
}

// dotRows sets dst[r] to the product of row r of w (rows of type t, n
// values) with y (pre its precomputed form when usePre): the kernel is
// chosen once for all rows, which matters for rows of a few hundred bytes.
func dotRows(t Type, n int, dst []float32, w, y, pre []byte, usePre bool) {
	rb := t.RowBytes(n)
	_, vnni := x86Path()
	switch {
	case vnni != 2:
	case usePre && t == Q4_0 && n%128 == 0:
		for r := range dst {
			dst[r] = dotQ4_0Pre4AVX512VNNI(n, w[r*rb:(r+1)*rb], pre)
		}
		return
	case usePre && legacyPre4(t, vnni) != nil:
		legacyPre4(t, vnni)(n, w[:len(dst)*rb], pre, dst)
		return
	case usePre && t == Q4_K:
		for r := range dst {
			dst[r] = dotQ4_KPreAVX512VNNI(n, w[r*rb:(r+1)*rb], pre)
		}
		return
	case usePre && t == Q8_0:
		for r := range dst {
			dst[r] = dotQ8_0PreAVX512VNNI(n, w[r*rb:(r+1)*rb], y, pre)
		}
		return
	case !usePre && rowKernel512(t) != nil:
		k := rowKernel512(t)
		for r := range dst {
			dst[r] = k(n, w[r*rb:(r+1)*rb], y)
		}
		return
	}
	dotRowsGeneric(t, n, dst, w, y, pre, usePre)
}

// rowKernel512 returns the AVX-512 VNNI dot kernel that dotRows runs row
// by row for t without a precomputed activation (chosen once per chunk of
// rows instead of once per row), nil for the types it does not cover.
func rowKernel512(t Type) func(n int, x, y []byte) float32 {
	switch t {
	case Q6_K:
		return dotQ6_KAVX512VNNI
	case Q2_K:
		return dotQ2_KAVX512VNNI
	case Q3_K:
		return dotQ3_KAVX512VNNI
	case IQ4_XS:
		return dotIQ4_XSAVX512VNNI
	case Q5_K:
		return dotQ5_KAVX512VNNI
	case Q4_1:
		return dotQ4_1AVX512VNNI
	case Q5_0:
		return dotQ5_0AVX512VNNI
	case Q5_1:
		return dotQ5_1AVX512VNNI
	case IQ4_NL:
		return dotIQ4_NLAVX512VNNI
	}
	return nil
}

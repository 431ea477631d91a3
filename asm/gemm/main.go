// Command gemm generates the register-blocked GEMM micro-kernels, panel
// packers and GEMV kernels of package trueno/mat: AVX2+FMA and AVX-512 with
// avo, NEON with our arm64 emitter. Its output folder is named in the file
// OUTDIR (asm/generate.sh reads it).
//
//	go run ./gemm -out ../trueno/mat/gemm_amd64.s -stubs ../trueno/mat/gemm_stubs_amd64.go \
//		-neon ../trueno/mat/gemm_arm64.s -neonstubs ../trueno/mat/gemm_stubs_arm64.go
//
// Every micro-kernel computes one MR×NR tile of C from a packed panel of A
// (for each p, MR consecutive elements of column p), or from A in place,
// and a panel of B (for each p, NR consecutive elements of row p, rows ldb
// apart):
//
//	acc[i][j] = Σ_p a[p·MR+i]·b[p·ldb+j]
//	c[i·ldc+j] = alpha·acc[i][j]                  when beta is ±0 (c is not read)
//	c[i·ldc+j] = alpha·acc[i][j] + beta·c[i·ldc+j] otherwise
package main

import "github.com/batuta-go/stack/asm/internal/gen"

func main() {
	gen.Main("gemm", "mat", writeNEON, func() {
		packData()
		for _, t := range x86Tiles {
			microKernel(t, false)
			microKernel(t, true)
			// Direct kernels for the 1..mr-1 rows left at the bottom of C,
			// so that a short A (a few tokens) computes no padding rows.
			for r := 1; r < t.mr; r++ {
				p := t
				p.mr, p.partial = r, true
				microKernel(p, true)
			}
		}
		packTranspose(f32, 14) // A panels
		packTranspose(f64, 14)
		packTranspose(f32, 32) // B panels, B transposed
		packTranspose(f64, 16)
		packTransposeAVX2(f32, 16) // B panels of the AVX2 kernels, B transposed
		packTransposeAVX2(f64, 8)
		for _, w := range []*width{avx512, avx2} {
			for _, e := range []*elem{f32, f64} {
				gemvKernels(w, e)
			}
			for _, h := range []*halfFormat{f16, bf16} {
				gemvHalfDot4(w, h)
			}
		}
	})
}

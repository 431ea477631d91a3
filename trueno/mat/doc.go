// Package mat is trueno's dense linear algebra: row-major matrices with a
// stride (so that sub-matrices are views, not copies) in float32 and
// float64, and the products that inference and learning run through —
// GEMM for every transpose combination, GEMV, batched GEMM, and float16 /
// bfloat16 weights times float32 activations.
//
// The API follows gonum's: the destination comes first, and a shape that
// does not fit is a programmer error that panics with a "mat: " message.
//
//	a := mat.NewDense(2, 3, []float32{1, 2, 3, 4, 5, 6})
//	b := mat.NewDense(3, 2, []float32{1, 0, 0, 1, 1, 1})
//	c := mat.NewDense[float32](2, 2, nil)
//	mat.Mul(c, a, b)                                    // c = a·b
//	mat.Gemm(c, mat.NoTrans, mat.Trans, 2, a, a, 1)     // c = 2·a·aᵀ + c
//
// GEMM packs panels of A and B into contiguous buffers sized from the
// detected cache sizes (internal/cpu) and runs a register-blocked
// micro-kernel over them: 14×32 (float32) and 14×16 (float64) tiles on
// AVX-512, 6×16 and 6×8 on AVX2+FMA, generated with avo; 8×12 and 8×6 on
// NEON, generated with our arm64 emitter; 4×4 in pure Go elsewhere and with
// the purego build tag. On AVX-512 the panels are transposed 16×16 (or
// 8×8) in registers while packed. Small row-major operands are not packed:
// the kernels read them in place. Tiles at the edges of C run the same
// kernel into a scratch tile. A product with a single row or column of C
// is a GEMV. The path follows trueno's dispatch: trueno.SetISA and
// $TRUENO_ISA force it here too.
//
// Products above a small size are split over a pool of worker goroutines
// started once (see SetThreads): tall ones by rows, the parts sharing each
// packed block of B; wide ones by columns.
//
// Measured figures against OpenBLAS and gonum are in the repository's
// BENCHMARKS.md, made by
// go run ./examples/gemm.
package mat

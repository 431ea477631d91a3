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
// detected cache sizes and runs a register-blocked micro-kernel over them:
// generated with avo for AVX-512 and AVX2+FMA, with our arm64 emitter for
// NEON, pure Go elsewhere (and with the purego build tag). The path follows
// trueno's dispatch: trueno.SetISA and $TRUENO_ISA force it here too.
// Large products are split over a pool of worker goroutines; see SetThreads.
package mat

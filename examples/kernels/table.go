package main

import (
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/blas/blas32"
	"gonum.org/v1/gonum/floats"

	"github.com/batuta-go/stack/trueno"
)

// row is one kernel of the speed table: trueno's version, the plain Go loop
// a user would write, and gonum's nearest equivalent when it has one.
type row struct {
	name  string
	bytes int // bytes a call reads and writes, for GB/s
	ours  func()
	plain func()
	gonum func() // nil when gonum has no equivalent
	note  string
}

func (r row) contenders() []func() {
	if r.gonum == nil {
		return []func(){r.ours, r.plain}
	}
	return []func(){r.ours, r.plain, r.gonum}
}

var sink32 float32
var sink64 float64

func speedTable(n int) []row {
	rng := rand.New(rand.NewPCG(7, 11))
	x, y, w, dst := make([]float32, n), make([]float32, n), make([]float32, n), make([]float32, n)
	x64, w64, dst64 := make([]float64, n), make([]float64, n), make([]float64, n)
	for i := range x {
		x[i], y[i], w[i] = float32(rng.NormFloat64()), float32(rng.NormFloat64()), float32(1+rng.Float64())
		x64[i], w64[i] = float64(x[i]), float64(w[i])
	}
	vx, vy := blas32.Vector{N: n, Inc: 1, Data: x}, blas32.Vector{N: n, Inc: 1, Data: y}
	const a = 1.0 / 1024

	return []row{
		{name: "dot", bytes: 8 * n,
			ours: func() { sink32 += trueno.Dot(x, y) },
			plain: func() {
				var s float32
				for i := range x {
					s += x[i] * y[i]
				}
				sink32 += s
			},
			gonum: func() { sink32 += blas32.Dot(vx, vy) },
			note:  "gonum blas32.Dot"},
		{name: "axpy", bytes: 12 * n,
			ours: func() { trueno.Axpy(a, x, y) },
			plain: func() {
				for i := range x {
					y[i] += a * x[i]
				}
			},
			gonum: func() { blas32.Axpy(a, vx, vy) },
			note:  "gonum blas32.Axpy"},
		{name: "sum", bytes: 4 * n,
			ours: func() { sink32 += trueno.Sum(x) },
			plain: func() {
				var s float32
				for _, v := range x {
					s += v
				}
				sink32 += s
			},
			gonum: func() { sink64 += floats.Sum(x64) },
			note:  "gonum floats.Sum (float64: gonum has no float32 sum)"},
		{name: "exp", bytes: 8 * n,
			ours: func() { trueno.ExpTo(dst, x) },
			plain: func() {
				for i, v := range x {
					dst[i] = float32(math.Exp(float64(v)))
				}
			},
			note: "plain = loop over math.Exp; gonum has no vector exp"},
		{name: "sigmoid", bytes: 8 * n,
			ours: func() { trueno.SigmoidTo(dst, x) },
			plain: func() {
				for i, v := range x {
					dst[i] = float32(1 / (1 + math.Exp(-float64(v))))
				}
			},
			note: "plain = loop over math.Exp"},
		{name: "silu", bytes: 8 * n,
			ours: func() { trueno.SiLUTo(dst, x) },
			plain: func() {
				for i, v := range x {
					dst[i] = float32(float64(v) / (1 + math.Exp(-float64(v))))
				}
			},
			note: "plain = loop over math.Exp"},
		{name: "softmax", bytes: 8 * n,
			ours: func() { trueno.SoftmaxTo(dst, x) },
			plain: func() {
				m := x[0]
				for _, v := range x {
					m = max(m, v)
				}
				var s float32
				for i, v := range x {
					e := float32(math.Exp(float64(v - m)))
					dst[i] = e
					s += e
				}
				for i := range dst {
					dst[i] /= s
				}
			},
			gonum: func() {
				m := floats.Max(x64)
				for i, v := range x64 {
					dst64[i] = math.Exp(v - m)
				}
				floats.Scale(1/floats.Sum(dst64), dst64)
			},
			note: "gonum: floats.Max/Sum/Scale around math.Exp, float64"},
		{name: "rmsnorm", bytes: 12 * n,
			ours: func() { trueno.RMSNormTo(dst, x, w, 1e-5) },
			plain: func() {
				var ss float32
				for _, v := range x {
					ss += v * v
				}
				s := float32(1 / math.Sqrt(float64(ss)/float64(len(x))+1e-5))
				for i, v := range x {
					dst[i] = v * s * w[i]
				}
			},
			gonum: func() {
				s := 1 / math.Sqrt(floats.Dot(x64, x64)/float64(len(x64))+1e-5)
				floats.MulTo(dst64, x64, w64)
				floats.Scale(s, dst64)
			},
			note: "gonum: floats.Dot/MulTo/Scale, float64"},
	}
}

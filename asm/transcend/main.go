// Command transcend generates trueno's transcendental kernels (exp, log,
// tanh, sigmoid, SiLU, GELU in both forms, softplus) and the kernels of
// softmax and log-softmax: AVX2 and AVX-512 with avo, NEON with our arm64
// emitter. The arithmetic of every kernel is written once, in algo.go, and
// its constants come from trueno/transcend_consts.go.
//
//	go run ./transcend -out ../trueno/transcend_amd64.s -stubs ../trueno/transcend_stubs_amd64.go \
//		-neon ../trueno/transcend_arm64.s -neonstubs ../trueno/transcend_stubs_arm64.go
package main

import (
	"flag"
	"log"
	"path/filepath"

	"github.com/batuta-go/stack/asm/internal/gen"
)

// mapProg is the prog of an element-wise kernel dst[i] = f(x[i]).
func mapProg(f func(*prog, val) val) func(*consts) *prog {
	return func(k *consts) *prog {
		p := newProg(k)
		p.out = f(p, p.Input(0))
		return p
	}
}

var kernels = []*kernel{
	{name: "exp", what: "dst[i] = exp(x[i])", prog: mapProg(exp32)},
	{name: "log", what: "dst[i] = log(x[i])", prog: mapProg(log32)},
	{name: "tanh", what: "dst[i] = tanh(x[i])", prog: mapProg(tanh32)},
	{name: "sigmoid", what: "dst[i] = 1/(1 + exp(−x[i]))", prog: mapProg(sigmoid32)},
	{name: "silu", what: "dst[i] = x[i]·sigmoid(x[i])", prog: mapProg(silu32)},
	{name: "gelu", what: "dst[i] = GELU(x[i]), tanh form", prog: mapProg(gelu32)},
	{name: "geluErf", what: "dst[i] = GELU(x[i]), erf form", prog: mapProg(geluErf32)},
	{name: "softplus", what: "dst[i] = log(1 + exp(x[i]))", prog: mapProg(softplus32)},
	{name: "softmaxExp", what: "dst[i] = exp(x[i] − m) and returns their sum", shape: shapeSumTo,
		scalars: []string{"m"}, prog: shiftExpProg},
	{name: "softmaxSum", what: "the sum of exp(x[i] − m)", shape: shapeSum,
		scalars: []string{"m"}, prog: shiftExpProg},
	{name: "softmaxScale", what: "dst[i] = dst[i]·a", shape: shapeInPlace,
		scalars: []string{"a"}, prog: func(k *consts) *prog {
			p := newProg(k)
			p.out = p.Mul(p.Input(0), p.Scalar(0))
			return p
		}},
	{name: "logSoftmaxShift", what: "dst[i] = (x[i] − m) − l", scalars: []string{"m", "l"},
		prog: func(k *consts) *prog {
			p := newProg(k)
			p.out = p.Sub(p.Sub(p.Input(0), p.Scalar(0)), p.Scalar(1))
			return p
		}},
}

func shiftExpProg(k *consts) *prog {
	p := newProg(k)
	p.out = exp32(p, p.Sub(p.Input(0), p.Scalar(0)))
	return p
}

func main() {
	// The constants live in trueno/transcend_consts.go, beside the -out
	// file, so that the generic Go code and the assembly share them.
	var c *consts
	load := func() *consts {
		if c != nil {
			return c
		}
		out := flag.Lookup("out").Value.String()
		if out == "" {
			log.Fatal("-out is required (it also locates transcend_consts.go)")
		}
		var err error
		if c, err = parseConsts(filepath.Join(filepath.Dir(out), "transcend_consts.go")); err != nil {
			log.Fatal(err)
		}
		return c
	}
	gen.Main("transcend", "trueno",
		func(asmPath, stubsPath string) error { return writeNEON(load(), asmPath, stubsPath) },
		func() {
			c := load()
			for _, w := range []*x86{avx2, avx512} {
				for _, k := range kernels {
					x86Kernel(w, k, c)
				}
			}
			x86ConstData()
		})
}

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
	"fmt"
	"log"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	. "github.com/mmcloughlin/avo/build"
)

var (
	neonOut   = flag.String("neon", "", "NEON assembly output")
	neonStubs = flag.String("neonstubs", "", "NEON Go declarations output")
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
	flag.Parse()
	// Our stubs belong to package trueno; avo would otherwise name the
	// package after this directory (Package() cannot load trueno, which is
	// not a dependency of this module).
	if err := flag.Set("pkg", "trueno"); err != nil {
		log.Fatal(err)
	}
	out := flag.Lookup("out").Value.String()
	if out == "" {
		log.Fatal("transcend: -out is required (it also locates transcend_consts.go)")
	}
	c, err := parseConsts(filepath.Join(filepath.Dir(out), "transcend_consts.go"))
	if err != nil {
		log.Fatal(err)
	}

	if (*neonOut == "") != (*neonStubs == "") {
		log.Fatal("transcend: -neon and -neonstubs go together")
	}
	if *neonOut != "" {
		if err := writeNEON(c, *neonOut, *neonStubs); err != nil {
			log.Fatal(err)
		}
	}

	ConstraintExpr("gc,!purego")
	only := os.Getenv("TRANSCEND_ONLY")
	for _, w := range []*x86{avx2, avx512} {
		for _, k := range kernels {
			if only != "" && only != k.name+w.isa {
				continue
			}
			x86Kernel(w, k, c)
		}
	}
	x86ConstData()
	Generate()
	if err := checkAVX2Registers(out); err != nil {
		log.Fatal(err)
	}
}

// checkAVX2Registers fails when avo's allocator gave an AVX2 function one
// of the registers X16-X31/Y16-Y31, which exist only with AVX-512 (the
// Go assembler would silently encode the instruction with EVEX).
func checkAVX2Registers(path string) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	high := regexp.MustCompile(`\b[XY](1[6-9]|2[0-9]|3[01])\b`)
	fn := ""
	for i, line := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(line, "TEXT ") {
			fn = line
		}
		if strings.Contains(fn, "AVX2(SB)") && high.MatchString(line) {
			return fmt.Errorf("%s:%d: AVX2 code uses an AVX-512 register: %s", path, i+1, strings.TrimSpace(line))
		}
	}
	return nil
}

package trueno

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/batuta-go/stack/internal/kerneltest"
)

// transcendKernel is one element-wise kernel of the family: the exported
// function and its generic reference.
type transcendKernel struct {
	name    string
	f       func(dst, x []float32)
	generic func(dst, x []float32)
	row     bool // a row operation: test on rows of finite values and -Inf
}

var transcendKernels = []transcendKernel{
	{"ExpTo", ExpTo, expGeneric, false},
	{"LogTo", LogTo, logGeneric, false},
	{"TanhTo", TanhTo, tanhGeneric, false},
	{"SigmoidTo", SigmoidTo, sigmoidGeneric, false},
	{"SiLUTo", SiLUTo, siluGeneric, false},
	{"GELUTo", GELUTo, geluGeneric, false},
	{"GELUErfTo", GELUErfTo, geluErfGeneric, false},
	{"SoftplusTo", SoftplusTo, softplusGeneric, false},
	{"SoftmaxTo", SoftmaxTo, softmaxGeneric, true},
	{"LogSoftmaxTo", LogSoftmaxTo, logSoftmaxGeneric, true},
}

// softmaxGeneric and logSoftmaxGeneric are SoftmaxTo and LogSoftmaxTo on
// the generic path.
func softmaxGeneric(dst, x []float32)    { onGeneric(func() { SoftmaxTo(dst, x) }) }
func logSoftmaxGeneric(dst, x []float32) { onGeneric(func() { LogSoftmaxTo(dst, x) }) }

func onGeneric(f func()) {
	oldISA, oldMin := isa, simdMin
	isa = Generic
	defer func() { isa, simdMin = oldISA, oldMin }()
	f()
}

// transcendInput fills n values that visit every branch of the kernels:
// ordinary values at several scales, arbitrary bit patterns (NaN, ±Inf,
// subnormals), the special values, and values next to the thresholds of
// the algorithms.
func transcendInput(rng *rand.Rand, n int) []float32 {
	edges := []float32{
		0.625, 0.75, 1, 9.02, 16, 16.64, 44.5, 87.33, 88.72, 88.73, 89, 89.5,
		103.97, 104, 109, 110, 120, 121, 10000, 10001, 0x1p-126, 0x1p-127, 0x1p-149,
	}
	x := make([]float32, n)
	for i := range x {
		switch rng.IntN(8) {
		case 0, 1:
			x[i] = float32(rng.NormFloat64())
		case 2:
			x[i] = float32(rng.NormFloat64() * 20)
		case 3:
			x[i] = float32(rng.NormFloat64() * 100)
		case 4:
			x[i] = math.Float32frombits(rng.Uint32())
		case 5:
			x[i] = kerneltest.Specials32[rng.IntN(len(kerneltest.Specials32))]
		case 6:
			e := edges[rng.IntN(len(edges))]
			e = math.Float32frombits(math.Float32bits(e) + uint32(rng.IntN(5)) - 2)
			if rng.IntN(2) == 0 {
				e = -e
			}
			x[i] = e
		default:
			x[i] = float32(rng.Float64()*2 - 1)
		}
	}
	return x
}

// rowInput fills a softmax row: finite values at one of several scales,
// with some -Inf and some huge negative entries (a NaN or a +Inf would make
// the whole row NaN or a limit; TestSoftmaxLimits and the fuzz target
// cover those).
func rowInput(rng *rand.Rand, n int) []float32 {
	scale := []float64{0.5, 5, 50}[rng.IntN(3)]
	x := make([]float32, n)
	for i := range x {
		switch rng.IntN(32) {
		case 0:
			x[i] = -tInf
		case 1:
			x[i] = -math.MaxFloat32
		case 2:
			x[i] = float32(rng.NormFloat64() * 1e30)
		default:
			x[i] = float32(rng.NormFloat64() * scale)
		}
	}
	return x
}

// TestTranscendBitExact checks every kernel on every path against its
// generic reference, bit for bit: every length to 4·16·4 and the powers of
// two ±1 to 65537, unaligned starts, sentinels around the slices, and
// dst == x.
func TestTranscendBitExact(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	lengths := kerneltest.Lengths(4*16*4, 65537)
	inputs := map[int][]float32{}
	rows := map[int][]float32{}
	for _, n := range lengths {
		inputs[n] = transcendInput(rng, n)
		rows[n] = rowInput(rng, n)
	}
	forEachISA(t, func(t *testing.T) {
		for _, k := range transcendKernels {
			for _, n := range lengths {
				in := inputs[n]
				if k.row {
					in = rows[n]
				}
				want := make([]float32, n)
				k.generic(want, in)
				for _, off := range kerneltest.Offsets {
					x := kerneltest.NewGuarded(n, off, func(i int) float32 { return in[i] })
					dst := kerneltest.NewGuarded[float32](n, (off+1)%4, nil)
					k.f(dst.S(), x.S())
					name := fmt.Sprintf("%s n=%d off=%d", k.name, n, off)
					x.Check(t, name+" x")
					dst.Check(t, name+" dst")
					compareSame(t, name, in, dst.S(), want)
					for i, v := range x.S() {
						if math.Float32bits(v) != math.Float32bits(in[i]) {
							t.Fatalf("%s: x[%d] changed", name, i)
						}
					}
					// dst == x
					k.f(x.S(), x.S())
					x.Check(t, name+" aliased")
					compareSame(t, name+" aliased", in, x.S(), want)
				}
			}
		}
	})
}

func compareSame(t *testing.T, name string, in, got, want []float32) {
	t.Helper()
	for i := range want {
		if !kerneltest.Same32(got[i], want[i]) {
			t.Fatalf("%s: [%d] x=%g (%#08x): got %g (%#08x), generic %g (%#08x)", name, i,
				in[i], math.Float32bits(in[i]), got[i], math.Float32bits(got[i]), want[i], math.Float32bits(want[i]))
		}
	}
}

func TestTranscendLengthMismatch(t *testing.T) {
	for _, k := range transcendKernels {
		func() {
			defer func() {
				r := recover()
				s, _ := r.(string)
				if !strings.HasPrefix(s, "trueno: "+k.name+": length mismatch") || !strings.Contains(s, "3") || !strings.Contains(s, "4") {
					t.Errorf("%s: panic %v", k.name, r)
				}
			}()
			k.f(make([]float32, 3), make([]float32, 4))
		}()
	}
}

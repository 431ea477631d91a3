package trueno

import (
	"flag"
	"math"
	"runtime"
	"sync"
	"testing"

	"github.com/batuta-go/stack/internal/kerneltest"
)

var ulpSweep = flag.String("ulpsweep", "", `"full": TestTranscendULP measures every float32 (slow); default a strided sweep of about 2²⁰ inputs per function`)

// ulpCase is one kernel with its float64 reference and the maximum error,
// in ULP, that its documentation states.
type ulpCase struct {
	name string
	f    func(dst, x []float32)
	ref  func(float64) float64
	max  float64
}

var ulpCases = []ulpCase{
	{"ExpTo", ExpTo, math.Exp, 1},
	{"LogTo", LogTo, math.Log, 1},
	{"TanhTo", TanhTo, math.Tanh, 2},
	{"SigmoidTo", SigmoidTo, func(x float64) float64 { return 1 / (1 + math.Exp(-x)) }, 3},
	{"SiLUTo", SiLUTo, atNegInf(func(x float64) float64 { return x / (1 + math.Exp(-x)) }), 4},
	{"GELUTo", GELUTo, atNegInf(func(x float64) float64 {
		// 0.5·x·(1 + tanh(u/2)) = x·σ(u), without the cancellation
		// of 1 + tanh for x < 0.
		u := 2 * math.Sqrt(2/math.Pi) * (x + 0.044715*x*x*x)
		return x / (1 + math.Exp(-u))
	}), 3},
	{"GELUErfTo", GELUErfTo, atNegInf(func(x float64) float64 { return 0.5 * x * math.Erfc(-x/math.Sqrt2) }), 3},
	{"SoftplusTo", SoftplusTo, func(x float64) float64 { return math.Max(x, 0) + math.Log1p(math.Exp(-math.Abs(x))) }, 2},
}

// atNegInf gives f its limit −0 at x = −Inf, where x·σ(x) and x·Φ(x) in
// float64 are −Inf·0 = NaN.
func atNegInf(f func(float64) float64) func(float64) float64 {
	return func(x float64) float64 {
		if math.IsInf(x, -1) {
			return math.Copysign(0, -1)
		}
		return f(x)
	}
}

// TestTranscendULP measures the error of every kernel against math over
// the float32 inputs — every one with -ulpsweep=full, else a stride
// through all bit patterns — and fails when a measured maximum exceeds the
// documented one. The kernels run on the active path; TestTranscendBitExact
// shows that every path gives the same bits.
func TestTranscendULP(t *testing.T) {
	stride := uint64(4093) // prime: every exponent, varied mantissas
	if *ulpSweep == "full" {
		stride = 1
	} else if testing.Short() {
		stride = 65521
	}
	for _, c := range ulpCases {
		t.Run(c.name, func(t *testing.T) {
			worst, at := sweepULP(c, stride)
			t.Logf("%s: max %.3f ULP at x = %g (%#08x), %d inputs", c.name, worst, at, math.Float32bits(at), (1<<32+stride-1)/stride)
			if worst > c.max {
				t.Errorf("%s: measured %.3f ULP at x = %g, more than the documented %g", c.name, worst, at, c.max)
			}
		})
	}
}

// sweepULP returns the largest error of c over the inputs i·stride
// (0 ≤ i·stride < 2³²), on all CPUs.
func sweepULP(c ulpCase, stride uint64) (float64, float32) {
	const chunk = 1 << 12
	workers := runtime.GOMAXPROCS(0)
	type result struct {
		worst float64
		at    float32
	}
	res := make([]result, workers)
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			x := make([]float32, chunk)
			y := make([]float32, chunk)
			r := &res[w]
			for start := uint64(w) * chunk * stride; start < 1<<32; start += uint64(workers) * chunk * stride {
				n := 0
				for b := start; n < chunk && b < 1<<32; b += stride {
					x[n] = math.Float32frombits(uint32(b))
					n++
				}
				c.f(y[:n], x[:n])
				for i := 0; i < n; i++ {
					if u := kerneltest.ULPOf64(y[i], c.ref(float64(x[i]))); u > r.worst {
						r.worst, r.at = u, x[i]
					}
				}
			}
		}(w)
	}
	wg.Wait()
	var best result
	for _, r := range res {
		if r.worst > best.worst {
			best = r
		}
	}
	return best.worst, best.at
}

package trueno

import "math"

// The transcendental kernels. Each is one algorithm — range reduction and
// a polynomial in float32 arithmetic, without FMA — that every path (the
// generic Go reference, AVX2, AVX-512, NEON) executes operation for
// operation, so the result is bit-identical on every path and the error
// stated for a kernel is a property of its algorithm. The errors are
// measured against math's float64 functions over every float32 input
// (TestTranscendULP with -ulpsweep=full), in ULPs of the exact result
// (for a subnormal result, in units of the smallest subnormal).
//
// All of them accept dst == x (the same slice; other overlaps are not
// supported) and panic when len(dst) != len(x).

// ExpTo sets dst[i] = eˣ⁽ⁱ⁾ for every i.
//
// Maximum error 1 ULP (measured 0.94), subnormal results included.
// exp(x) = +Inf for x > 88.7228 (+Inf included), 0 for x < -103.98
// (-Inf included), NaN for NaN.
func ExpTo(dst, x []float32) {
	checkLen2("ExpTo", len(dst), len(x))
	expTo(dst, x)
}

// LogTo sets dst[i] = ln x[i] for every i.
//
// Maximum error 1 ULP (measured 0.79), subnormal inputs included.
// log(±0) = -Inf, log(x) = NaN for x < 0 (-Inf included) and NaN,
// log(+Inf) = +Inf.
func LogTo(dst, x []float32) {
	checkLen2("LogTo", len(dst), len(x))
	logTo(dst, x)
}

// TanhTo sets dst[i] = tanh x[i] for every i.
//
// Maximum error 2 ULP (measured 1.31). tanh(±0) = ±0, tanh(±Inf) = ±1
// (and ±1 for |x| ≥ 9.02), NaN for NaN.
func TanhTo(dst, x []float32) {
	checkLen2("TanhTo", len(dst), len(x))
	tanhTo(dst, x)
}

// SigmoidTo sets dst[i] = 1/(1 + e⁻ˣ⁽ⁱ⁾), the logistic function, for every i.
//
// Maximum error 3 ULP (measured 2.33), the subnormal results of
// x < -87.3 included. sigmoid(+Inf) = 1 (and 1 for x > 16.64),
// sigmoid(-Inf) = 0 (and 0 for x < -103.98), NaN for NaN.
func SigmoidTo(dst, x []float32) {
	checkLen2("SigmoidTo", len(dst), len(x))
	sigmoidTo(dst, x)
}

// SiLUTo sets dst[i] = x[i]·sigmoid(x[i]) (the swish function) for every i.
//
// Maximum error 4 ULP (measured 3.09), subnormal results included.
// silu(+Inf) = +Inf, silu(±0) = ±0, silu(x) = -0 for x < -110 (-Inf
// included), NaN for NaN.
func SiLUTo(dst, x []float32) {
	checkLen2("SiLUTo", len(dst), len(x))
	siluTo(dst, x)
}

// GELUTo sets dst[i] to the GELU of x[i] in its tanh form,
// 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))), for every i. It is computed
// as x·sigmoid(2√(2/π)·(x + 0.044715·x³)), the argument in float64.
//
// Maximum error 3 ULP (measured 2.73) against that formula, subnormal
// results included. gelu(+Inf) = +Inf, gelu(±0) = ±0, gelu(x) = -0 for
// x < -10.7 (-Inf included), NaN for NaN.
func GELUTo(dst, x []float32) {
	checkLen2("GELUTo", len(dst), len(x))
	geluTo(dst, x)
}

// GELUErfTo sets dst[i] to the exact GELU of x[i],
// x·Φ(x) = 0.5·x·(1 + erf(x/√2)), for every i.
//
// Maximum error 3 ULP (measured 2.68), subnormal results included.
// gelu(+Inf) = +Inf, gelu(±0) = ±0, gelu(x) = -0 for x < -14.1 (-Inf
// included), NaN for NaN.
func GELUErfTo(dst, x []float32) {
	checkLen2("GELUErfTo", len(dst), len(x))
	geluErfTo(dst, x)
}

// SoftplusTo sets dst[i] = ln(1 + eˣ⁽ⁱ⁾) for every i, computed stably as
// max(x, 0) + ln(1 + e⁻|ˣ|).
//
// Maximum error 2 ULP (measured 1.56), the subnormal results of x < -87.3
// included. softplus(x) = x for x > 16.6 (+Inf included), 0 for
// x < -103.98 (-Inf included), NaN for NaN.
func SoftplusTo(dst, x []float32) {
	checkLen2("SoftplusTo", len(dst), len(x))
	softplusTo(dst, x)
}

// SoftmaxTo sets dst to the softmax of the row x:
// dst[i] = exp(x[i] − m)/Σⱼ exp(x[j] − m), m = max x. The exps are
// ExpTo's; the sum is formed in a fixed order (16 interleaved partial sums
// added pairwise) and dst is scaled by its reciprocal, so the result is
// bit-identical on every path. dst == x is allowed.
//
// Limits: an -Inf entry gets 0; huge entries (up to ±MaxFloat32) are
// exact to the rounding of x[i] − m. A row with +Inf entries gives the
// limit of k equal entries that grow together: 1/k on each +Inf and 0
// elsewhere; a row of -Inf only gives 1/n everywhere (all equal). Any NaN
// makes the whole row NaN. An empty row does nothing.
func SoftmaxTo(dst, x []float32) {
	checkLen2("SoftmaxTo", len(dst), len(x))
	if len(x) == 0 {
		return
	}
	m := maximum(x) // Max: NaN if any x[i] is NaN
	if math.IsInf(float64(m), 0) {
		softmaxLimit(dst, x, m, false)
		return
	}
	// m is NaN when a NaN is in the row: then every exp, the sum and so
	// every dst[i] are NaN. The max of a row of −0 is −0; x − m must not
	// depend on it.
	m += 0
	s := softmaxExp(dst, x, m)
	softmaxScale(dst, 1/s)
}

// LogSoftmaxTo sets dst to the log-softmax of the row x:
// dst[i] = (x[i] − m) − ln Σⱼ exp(x[j] − m), m = max x, with the sum of
// SoftmaxTo and LogTo's logarithm; bit-identical on every path. dst == x
// is allowed.
//
// Limits, as for SoftmaxTo: an -Inf entry gets -Inf; a row with k +Inf
// entries gives −ln k on each of them and -Inf elsewhere; a row of -Inf
// only gives −ln n everywhere. Any NaN makes the whole row NaN. An empty
// row does nothing.
func LogSoftmaxTo(dst, x []float32) {
	checkLen2("LogSoftmaxTo", len(dst), len(x))
	if len(x) == 0 {
		return
	}
	m := maximum(x)
	if math.IsInf(float64(m), 0) {
		softmaxLimit(dst, x, m, true)
		return
	}
	m += 0
	l := log32(softmaxSum(x, m))
	logSoftmaxShift(dst, x, m, l)
}

// softmaxLimit writes the softmax (or log-softmax) of a row whose largest
// entry m is infinite (so the row holds no NaN): for m = +Inf, the limit of
// the +Inf entries growing together (uniform over them); for m = -Inf
// (every entry -Inf), the uniform distribution.
func softmaxLimit(dst, x []float32, m float32, logOut bool) {
	k := len(x)
	if m > 0 {
		k = 0
		for _, v := range x {
			if v > math.MaxFloat32 {
				k++
			}
		}
	}
	on, off := 1/float32(k), float32(0)
	if logOut {
		on, off = 0-log32(float32(k)), float32(math.Inf(-1))
	}
	for i, v := range x {
		if m < 0 || v > math.MaxFloat32 {
			dst[i] = on
		} else {
			dst[i] = off
		}
	}
}

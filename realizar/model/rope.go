package model

import (
	"fmt"
	"math"

	"github.com/batuta-go/stack/trueno"
)

// rope holds what the rotation of one position needs: per rotated pair i
// (i < RopeDim/2) the inverse frequency θ^(−2i/RopeDim) divided by the
// pair's frequency factor, and the YaRN blend, all fixed at load time.
type rope struct {
	pairs     int
	invFreq   []float64 // per pair: theta^(-2i/dims) / factor[i]
	freqScale float64   // multiplies the position (1/Factor for linear and YaRN)
	extFactor float64   // YaRN's extrapolation mix (1 for YaRN, 0 otherwise)
	corrLo    float64   // YaRN's ramp bounds, in rotated-dimension pairs
	corrHi    float64
	mscale    float64 // multiplies cos and sin
	neox      bool
}

// newRope prepares the rotation from the configuration and, when the
// model has them, per-pair frequency factors (rope_freqs.weight, or
// Phi-3's rope_factors_long/short): angle = pos·θ_i/factor_i, as ggml
// divides the base angle by the factor.
func newRope(c *Config, factors []float32) (*rope, error) {
	dims := c.RopeDim
	r := &rope{pairs: dims / 2, neox: c.RopeNeoX, freqScale: 1, mscale: 1}
	if factors != nil && len(factors) < r.pairs {
		return nil, fmt.Errorf("model: rope frequency factors: %d values, want at least %d", len(factors), r.pairs)
	}
	sc := c.RopeScaling
	if sc.AttnFactor > 0 {
		r.mscale = float64(sc.AttnFactor)
	}
	origCtx := sc.OriginalContextLength
	if origCtx == 0 {
		origCtx = c.ContextLength
	}
	switch sc.Type {
	case "linear", "yarn":
		if sc.Factor > 0 {
			r.freqScale = 1 / sc.Factor
		}
	case "llama3":
		if factors == nil {
			factors = llama3Factors(c, origCtx)
		}
	}
	r.invFreq = make([]float64, r.pairs)
	for i := range r.invFreq {
		f := math.Pow(c.RopeTheta, -2*float64(i)/float64(dims))
		if factors != nil {
			ff := float64(factors[i])
			if !(ff > 0) || math.IsInf(ff, 0) {
				return nil, fmt.Errorf("model: rope frequency factor %d is %g, want a positive number", i, ff)
			}
			f /= ff
		}
		r.invFreq[i] = f
	}
	if sc.Type == "yarn" {
		r.extFactor = 1
		fast, slow := float64(sc.BetaFast), float64(sc.BetaSlow)
		if fast == 0 {
			fast = 32
		}
		if slow == 0 {
			slow = 1
		}
		// The dimension pair whose wavelength makes n rotations over the
		// original context: dims·ln(ctx/(2πn))/(2·ln θ).
		corr := func(n float64) float64 {
			return float64(dims) * math.Log(float64(origCtx)/(n*2*math.Pi)) / (2 * math.Log(c.RopeTheta))
		}
		r.corrLo = max(0, math.Floor(corr(fast)))
		r.corrHi = min(float64(dims-1), math.Ceil(corr(slow)))
		if r.freqScale != 1 {
			r.mscale *= 1 + 0.1*math.Log(1/r.freqScale)
		}
	}
	return r, nil
}

// llama3Factors computes Llama 3.1's per-frequency divisors: 1 for short
// wavelengths, Factor for long ones, and a smooth blend between.
func llama3Factors(c *Config, origCtx int) []float32 {
	sc := c.RopeScaling
	factor, lo, hi := sc.Factor, sc.LowFreqFactor, sc.HighFreqFactor
	if factor == 0 {
		factor = 1
	}
	if lo == 0 {
		lo = 1
	}
	if hi == 0 {
		hi = 4
	}
	dims := c.RopeDim
	out := make([]float32, dims/2)
	lowWave, highWave := float64(origCtx)/lo, float64(origCtx)/hi
	for i := range out {
		freq := math.Pow(c.RopeTheta, -2*float64(i)/float64(dims))
		wave := 2 * math.Pi / freq
		switch {
		case wave < highWave:
			out[i] = 1
		case wave > lowWave:
			out[i] = float32(factor)
		default:
			smooth := (float64(origCtx)/wave - lo) / (hi - lo)
			out[i] = float32(1 / ((1-smooth)/factor + smooth))
		}
	}
	return out
}

// angles fills cos and sin (r.pairs each) for position pos, in float64
// and rounded once.
func (r *rope) angles(cos, sin []float32, pos int) {
	p := float64(pos)
	for i, f := range r.invFreq {
		extrap := p * f
		theta := r.freqScale * extrap
		if r.extFactor != 0 {
			y := (float64(i) - r.corrLo) / max(0.001, r.corrHi-r.corrLo)
			mix := (1 - min(1, max(0, y))) * r.extFactor
			theta = theta*(1-mix) + extrap*mix
		}
		s, c := math.Sincos(theta)
		cos[i] = float32(c * r.mscale)
		sin[i] = float32(s * r.mscale)
	}
}

// apply rotates x, one position's heads of headDim values each.
func (r *rope) apply(x []float32, headDim int, cos, sin []float32) {
	if r.pairs == 0 {
		return
	}
	if r.neox {
		trueno.RoPENeoX(x, headDim, cos, sin)
	} else {
		trueno.RoPE(x, headDim, cos, sin)
	}
}

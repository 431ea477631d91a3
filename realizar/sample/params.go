package sample

import (
	"fmt"
	"math"
)

// Params choose how the next token is drawn from the model's logits. The zero
// value is greedy decoding with no penalty, bias or length limit. Fields with
// a zero value that would make no sense (TopP 0, RepeatPenalty 0) mean
// "disabled", so a Params literal names only what it changes.
type Params struct {
	// Temperature divides the logits before the draw. 0 means greedy: the
	// most likely token after bias and penalties, the lowest id on a tie.
	// Negative is an error.
	Temperature float32
	// TopK keeps the K most likely tokens. 0 disables it; negative is an error.
	TopK int
	// TopP keeps the smallest set of most likely tokens whose probabilities
	// add up to at least TopP (nucleus sampling). 0 and 1 disable it; values
	// outside [0, 1] are an error.
	TopP float32
	// MinP keeps the tokens whose probability is at least MinP times the
	// probability of the most likely one. 0 disables it; values outside
	// [0, 1] are an error.
	MinP float32
	// MinKeep is the fewest tokens TopP and MinP may leave (llama.cpp's
	// min_keep). At least one token always remains.
	MinKeep int

	// RepeatPenalty divides the positive logits and multiplies the negative
	// ones of every token seen in the last RepeatLastN tokens. 0 and 1
	// disable it; negative is an error.
	RepeatPenalty float32
	// RepeatLastN is the window of past tokens the penalties look at:
	// 0 means 64 (llama.cpp's default), -1 means every token accepted so
	// far. Other negative values are an error.
	RepeatLastN int
	// FrequencyPenalty is subtracted from a token's logit once per
	// occurrence in the window.
	FrequencyPenalty float32
	// PresencePenalty is subtracted from a token's logit once if it occurs
	// in the window.
	PresencePenalty float32
	// LogitBias is added to the logits of the given token ids before
	// anything else; math.Inf(-1) bans a token. NaN and +Inf are errors, as
	// is an id outside the vocabulary (checked by New).
	LogitBias map[int32]float32

	// Seed makes sampling reproducible: the same seed, parameters and
	// logits give the same tokens. A negative seed draws a random one.
	Seed int64

	// MaxTokens bounds how many tokens a generation produces; 0 means until
	// an end-of-generation token or the end of the context. Used by the
	// generation loop (package realizar), not by Sampler.
	MaxTokens int
	// Stop ends a generation as soon as its text contains one of these
	// strings; the stop string itself is not emitted. Used by the generation
	// loop (package realizar), not by Sampler.
	Stop []string
	// IgnoreEOS keeps generating past end-of-generation tokens. Used by the
	// generation loop (package realizar), not by Sampler.
	IgnoreEOS bool
}

// Ban is the logit bias that removes a token from the draw (-Inf).
var Ban = float32(math.Inf(-1))

// DefaultRepeatLastN is the penalty window used when Params.RepeatLastN is 0.
const DefaultRepeatLastN = 64

// Defaults returns llama.cpp's default sampling settings (temperature 0.8,
// top-k 40, top-p 0.95, min-p 0.05, penalties off) with the given seed.
func Defaults(seed int64) Params {
	return Params{Temperature: 0.8, TopK: 40, TopP: 0.95, MinP: 0.05, RepeatLastN: DefaultRepeatLastN, Seed: seed}
}

// Greedy reports whether p selects the most likely token without drawing.
func (p Params) Greedy() bool { return p.Temperature == 0 }

// Validate reports the first parameter out of its range, naming it.
func (p Params) Validate() error {
	bad := func(name string, v any, want string) error {
		return fmt.Errorf("sample: %s = %v: %s", name, v, want)
	}
	finite := func(x float32) bool { return !math.IsNaN(float64(x)) && !math.IsInf(float64(x), 0) }
	switch {
	case !finite(p.Temperature) || p.Temperature < 0:
		return bad("Temperature", p.Temperature, "must be a finite number ≥ 0 (0 is greedy)")
	case p.TopK < 0:
		return bad("TopK", p.TopK, "must be ≥ 0 (0 disables top-k)")
	case !finite(p.TopP) || p.TopP < 0 || p.TopP > 1:
		return bad("TopP", p.TopP, "must be in (0, 1] (0 or 1 disables top-p)")
	case !finite(p.MinP) || p.MinP < 0 || p.MinP > 1:
		return bad("MinP", p.MinP, "must be in [0, 1] (0 disables min-p)")
	case p.MinKeep < 0:
		return bad("MinKeep", p.MinKeep, "must be ≥ 0")
	case !finite(p.RepeatPenalty) || p.RepeatPenalty < 0:
		return bad("RepeatPenalty", p.RepeatPenalty, "must be a finite number ≥ 0 (0 or 1 disables it)")
	case p.RepeatLastN < -1:
		return bad("RepeatLastN", p.RepeatLastN, "must be ≥ -1 (-1: every past token, 0: the default 64)")
	case !finite(p.FrequencyPenalty):
		return bad("FrequencyPenalty", p.FrequencyPenalty, "must be finite")
	case !finite(p.PresencePenalty):
		return bad("PresencePenalty", p.PresencePenalty, "must be finite")
	case p.MaxTokens < 0:
		return bad("MaxTokens", p.MaxTokens, "must be ≥ 0 (0: no limit)")
	}
	for id, b := range p.LogitBias {
		if math.IsNaN(float64(b)) || math.IsInf(float64(b), 1) {
			return fmt.Errorf("sample: LogitBias[%d] = %v: must be a number or -Inf (to ban the token)", id, b)
		}
	}
	for i, s := range p.Stop {
		if s == "" {
			return fmt.Errorf("sample: Stop[%d] is empty", i)
		}
	}
	return nil
}

func (p Params) penalized() bool {
	return (p.RepeatPenalty != 0 && p.RepeatPenalty != 1) || p.FrequencyPenalty != 0 || p.PresencePenalty != 0
}

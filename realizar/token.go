package realizar

import "time"

// Token is one generated token and the text it releases.
type Token struct {
	// ID is the token id. The last Token of a generation that ended on an
	// end-of-generation token is that token (its own text is never shown).
	ID int32
	// Text is the text this token makes final: its decoded piece, minus
	// bytes of a UTF-8 character still incomplete and text that could
	// still turn out to be the start of a stop string (both are released
	// with a later token, or with the last one). It is often empty for
	// such tokens; the concatenation of every Text is the continuation.
	Text string
	// Stats are the counts and times of the generation up to this token.
	Stats Stats
}

// StopReason tells why a generation ended.
type StopReason int

const (
	// NotStopped: the generation goes on (every Token but the last).
	NotStopped StopReason = iota
	// StopEOG: the model produced an end-of-generation token.
	StopEOG
	// StopMaxTokens: Params.MaxTokens tokens were generated.
	StopMaxTokens
	// StopString: the text reached one of Params.Stop.
	StopString
	// StopContextFull: the sequence filled the context.
	StopContextFull
)

// String names the reason.
func (r StopReason) String() string {
	switch r {
	case NotStopped:
		return "not stopped"
	case StopEOG:
		return "end of generation token"
	case StopMaxTokens:
		return "max tokens"
	case StopString:
		return "stop string"
	case StopContextFull:
		return "context full"
	}
	return "StopReason(?)"
}

// Stats are the counts and durations of a generation, for tokens per second.
type Stats struct {
	PromptTokens     int           // tokens of the prompt, evaluated in one batch
	PromptDuration   time.Duration // time of that evaluation (prefill)
	GeneratedTokens  int           // tokens sampled so far (the final end-of-generation token included)
	GenerateDuration time.Duration // time from the end of the prefill to this token
	Stop             StopReason    // why the generation ended; NotStopped before its last token
}

// PromptTokensPerSecond is the prefill speed.
func (s Stats) PromptTokensPerSecond() float64 {
	return perSecond(s.PromptTokens, s.PromptDuration)
}

// GenerateTokensPerSecond is the generation speed.
func (s Stats) GenerateTokensPerSecond() float64 {
	return perSecond(s.GeneratedTokens, s.GenerateDuration)
}

func perSecond(n int, d time.Duration) float64 {
	if d <= 0 {
		return 0
	}
	return float64(n) / d.Seconds()
}

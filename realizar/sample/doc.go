// Package sample chooses the next token from a model's logits: greedy
// decoding, temperature, top-k, top-p (nucleus), min-p, repetition /
// frequency / presence penalties over a window of past tokens, logit bias,
// and a seed that makes the draws reproducible.
//
// The stages run in llama.cpp's default order and with its semantics (logit
// bias, penalties, top-k, top-p, min-p, temperature, draw): the repetition
// penalty divides positive logits and multiplies the others, top-p keeps
// the smallest most-likely prefix reaching p (and at least MinKeep), min-p
// keeps what is within a factor p of the most likely, and greedy ties go to
// the lowest id. The random source is math/rand/v2's PCG, so the draws are
// reproducible from the seed but are not llama.cpp's (which uses mt19937).
//
//	s, err := sample.New(sample.Params{Temperature: 0.7, TopK: 40, TopP: 0.9, Seed: 1}, vocabSize)
//	if err != nil {
//		return err // a parameter out of range, named
//	}
//	for _, id := range promptIDs {
//		s.Accept(id) // the prompt counts for the penalties
//	}
//	id, err := s.Sample(logits) // logits of the last position
//	s.Accept(id)
package sample

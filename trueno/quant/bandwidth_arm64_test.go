//go:build gc && !purego

package quant

// xorWords reads b at full vector width (len(b) a multiple of 128).
func xorWords(b []byte) uint64 { return xorWordsNEON(b) }

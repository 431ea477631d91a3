//go:build gc && !purego

package quant

// xorWords reads b (len(b) a multiple of 128) at full vector width.
func xorWords(b []byte) uint64 { return xorWordsNEON(b) }

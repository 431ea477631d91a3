//go:build gc && !purego

package quant

import "github.com/batuta-go/stack/internal/cpu"

// xorWords reads b at full vector width (len(b) a multiple of 128).
func xorWords(b []byte) uint64 {
	if cpu.X86.HasAVX2 {
		return xorWordsAVX2(b)
	}
	return xorWordsGo(b)
}

//go:build gc && !purego

package quant

import "github.com/batuta-go/stack/internal/cpu"

// xorWords reads b (len(b) a multiple of 128) at full vector width.
func xorWords(b []byte) uint64 {
	if cpu.X86.HasAVX2 {
		return xorWordsAVX2(b)
	}
	return xorWordsGo(b)
}

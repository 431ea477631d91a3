//go:build !gc || purego || !(amd64 || arm64)

package quant

func xorWords(b []byte) uint64 { return xorWordsGo(b) }

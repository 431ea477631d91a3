package quant

import (
	"encoding/binary"
	"time"
)

// ReadBandwidth measures the streaming read bandwidth of the calling core,
// in bytes per second. It reads a buffer of size bytes (make it several
// times the last-level cache) passes times with full-width vector loads,
// timing each 16 MiB stretch on its own, and returns the best rate: the
// same kind of figure, over similar spans of cold memory, as the best
// repetition of a MatVec over a matrix that does not fit in the caches,
// which can at best stream its matrix at this rate.
func ReadBandwidth(size, passes int) float64 {
	const chunk = 16 << 20
	size = max(size/chunk, 2) * chunk
	buf := make([]byte, size)
	for i := range buf {
		buf[i] = byte(i)
	}
	best := 0.0
	for range max(passes, 1) {
		for c := 0; c < size; c += chunk {
			start := time.Now()
			_ = xorWords(buf[c : c+chunk]) // an assembly call: never optimised away
			if r := chunk / time.Since(start).Seconds(); r > best {
				best = r
			}
		}
	}
	return best
}

func xorWordsGo(b []byte) uint64 {
	var s uint64
	for i := 0; i+8 <= len(b); i += 8 {
		s ^= binary.LittleEndian.Uint64(b[i:])
	}
	return s
}

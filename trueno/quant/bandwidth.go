package quant

import (
	"encoding/binary"
	"time"
)

// ReadBandwidth measures the streaming read bandwidth of the calling core,
// in bytes per second: the best of passes reads, with full-width vector
// loads, of a buffer of size bytes (make it several times the last-level
// cache). A quantized matrix-vector product that does not fit in the
// caches can at best stream its matrix at this rate, so the benchmarks
// report MatVec throughput as a fraction of it.
func ReadBandwidth(size, passes int) float64 {
	size = max(size&^127, 128)
	buf := make([]byte, size)
	for i := range buf {
		buf[i] = byte(i)
	}
	best := 0.0
	for range max(passes, 1) {
		start := time.Now()
		_ = xorWords(buf) // an assembly call: never optimised away
		if r := float64(size) / time.Since(start).Seconds(); r > best {
			best = r
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

//go:build gc && !purego && (amd64 || arm64)

package trueno

// argChunk bounds the slices handed to the assembly argmin/argmax kernels,
// whose lanes count indices in int32.
const argChunk = 1 << 30

// argChunked runs an assembly argmin (less) or argmax kernel k over x in
// chunks of at most argChunk elements. k returns the index of the first
// extreme of its chunk, or -1 when the chunk holds a NaN; the first NaN of
// x wins, else the first chunk's extreme that no later one beats strictly.
func argChunked(x []float32, less bool, k func([]float32) int) int {
	return argChunkedBy(x, argChunk, less, k)
}

// argChunkedBy is argChunked with chunks of the given size, for tests.
func argChunkedBy(x []float32, chunk int, less bool, k func([]float32) int) int {
	best := -1
	for off := 0; off < len(x); off += chunk {
		c := x[off:min(off+chunk, len(x))]
		i := k(c)
		if i < 0 {
			return off + reduceFirstNaN(c)
		}
		i += off
		if best < 0 || (less && x[i] < x[best]) || (!less && x[i] > x[best]) {
			best = i
		}
	}
	return max(best, 0)
}

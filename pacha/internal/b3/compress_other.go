//go:build !amd64 || !gc || purego

package b3

// Without the AVX-512 kernel, subtree uses lukechampine.com/blake3/guts;
// compress16 is only reached from tests.
var haveAVX512 = false

func compress16(p *params) { compress16Generic(p) }

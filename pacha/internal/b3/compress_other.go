//go:build !amd64 || !gc || purego

package b3

// Without the SIMD kernels, subtree uses lukechampine.com/blake3/guts;
// compress16 is only reached from tests.
var (
	haveAVX512 = false
	haveAVX2   = false
)

func variants() map[string]func(*params) { return map[string]func(*params){} }

func compress16(p *params) { compress16Generic(p) }

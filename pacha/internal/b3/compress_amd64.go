//go:build gc && !purego

package b3

import "github.com/batuta-go/stack/internal/cpu"

//go:generate sh -c "go run gen.go > compress_amd64.s"

// compress16AVX512 runs p.nblocks BLAKE3 compressions on each of 16 lanes:
// lane j reads its blocks at p.in + j*p.stride, consecutively; block b
// uses p.flags[b]; the chaining values start from and end in p.out
// (word-major: out[i][j] is word i of lane j).
//
//go:noescape
func compress16AVX512(p *params)

// compress8AVX2 is compress16AVX512 for lanes 8*half to 8*half+7.
//
//go:noescape
func compress8AVX2(p *params, half uintptr)

var (
	haveAVX512 = cpu.X86.HasAVX512
	haveAVX2   = cpu.X86.HasAVX2
)

// variants lists the kernels this CPU can run, for the tests.
func variants() map[string]func(*params) {
	v := map[string]func(*params){}
	if cpu.X86.HasAVX512 {
		v["avx512"] = compress16AVX512
	}
	if cpu.X86.HasAVX2 {
		v["avx2"] = compress16AVX2
	}
	return v
}

func compress16AVX2(p *params) {
	compress8AVX2(p, 0)
	compress8AVX2(p, 1)
}

func compress16(p *params) {
	if haveAVX512 {
		compress16AVX512(p)
		return
	}
	compress16AVX2(p)
}

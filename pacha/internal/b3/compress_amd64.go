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

var haveAVX512 = cpu.X86.HasAVX512

func compress16(p *params) { compress16AVX512(p) }

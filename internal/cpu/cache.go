package cpu

import "github.com/klauspost/cpuid/v2"

// Cache holds the data-cache sizes in bytes that blocked kernels size their
// working sets from: L1D and L2 per core, L3 shared. A size the CPU does not
// report (an emulator, an unknown model) is a conservative default.
var Cache struct {
	L1D, L2, L3 int
}

func init() {
	c := &cpuid.CPU.Cache
	Cache.L1D = orDefault(c.L1D, 32<<10)
	Cache.L2 = orDefault(c.L2, 256<<10)
	Cache.L3 = orDefault(c.L3, 4<<20)
}

func orDefault(n, def int) int {
	if n <= 0 {
		return def
	}
	return n
}

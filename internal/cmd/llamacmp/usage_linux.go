package main

import (
	"os"
	"syscall"
)

// maxRSS reads ru_maxrss of a waited-for child; Linux counts it in KiB.
func maxRSS(ps *os.ProcessState) int64 {
	ru, ok := ps.SysUsage().(*syscall.Rusage)
	if !ok {
		return -1
	}
	return ru.Maxrss * 1024
}

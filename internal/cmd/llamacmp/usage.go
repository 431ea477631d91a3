package main

import (
	"os"
	"time"
)

// Usage is what a finished child process used.
type Usage struct {
	// MaxRSS is the peak resident set in bytes (the kernel's ru_maxrss:
	// anonymous memory plus the pages of mapped files it touched), or -1
	// when the platform does not report it.
	MaxRSS int64
	// CPU is user plus system time.
	CPU time.Duration
}

func usageOf(ps *os.ProcessState) Usage {
	if ps == nil {
		return Usage{MaxRSS: -1}
	}
	return Usage{MaxRSS: maxRSS(ps), CPU: ps.UserTime() + ps.SystemTime()}
}

//go:build !linux

package main

import "os"

// maxRSS is unknown here: ru_maxrss has platform-specific units.
func maxRSS(*os.ProcessState) int64 { return -1 }

//go:build !linux

package fetch

import "os"

// preallocate sizes f to size; blocks are allocated as ranges arrive.
func preallocate(f *os.File, size int64) error { return f.Truncate(size) }

// startWriteback does nothing where sync_file_range is missing: the
// fsync before the commit writes everything.
func startWriteback(*os.File, int64, int64) {}

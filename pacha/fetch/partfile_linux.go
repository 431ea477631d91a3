package fetch

import (
	"errors"
	"os"

	"golang.org/x/sys/unix"
)

// preallocate sizes f to size and reserves its blocks, so that a full
// disk fails the pull at once rather than after most of the download,
// and writes do not allocate as they go. Where the file system cannot
// reserve, the file is left sparse.
//
// Not on tmpfs: there reserving means zeroing every page before the
// download overwrites it.
func preallocate(f *os.File, size int64) error {
	var fs unix.Statfs_t
	if unix.Fstatfs(int(f.Fd()), &fs) == nil && fs.Type == unix.TMPFS_MAGIC {
		return f.Truncate(size)
	}
	err := unix.Fallocate(int(f.Fd()), 0, 0, size)
	if err == nil {
		return nil
	}
	if errors.Is(err, unix.ENOSPC) || errors.Is(err, unix.EDQUOT) {
		return err
	}
	return f.Truncate(size)
}

// startWriteback asks the kernel to begin writing bytes [off, off+n) of f
// to disk without waiting, so that the fsync before the commit finds
// most of a large download already written instead of all of it.
func startWriteback(f *os.File, off, n int64) {
	unix.SyncFileRange(int(f.Fd()), off, n, unix.SYNC_FILE_RANGE_WRITE)
}

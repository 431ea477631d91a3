// Package flock takes advisory whole-file locks that the kernel releases
// when the process dies: flock(2) on Unix, LockFileEx on Windows.
package flock

import (
	"errors"
	"os"
)

// ErrWouldBlock is returned by TryLock when another holder has the lock.
var ErrWouldBlock = errors.New("flock: lock held elsewhere")

// Lock blocks until f is locked (shared or exclusive).
func Lock(f *os.File, exclusive bool) error { return lock(f, exclusive, true) }

// TryLock locks f or returns ErrWouldBlock at once.
func TryLock(f *os.File, exclusive bool) error { return lock(f, exclusive, false) }

// Unlock releases the lock on f.
func Unlock(f *os.File) error { return unlock(f) }

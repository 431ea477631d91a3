package store

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/batuta-go/stack/internal/flock"
)

// A fileLock is an advisory lock (flock(2); LockFileEx on Windows) on a file under the store's
// locks/ folder. The kernel drops it when the process dies, so a killed
// puller never leaves the store locked.
type fileLock struct{ f *os.File }

func lockFile(ctx context.Context, path string, exclusive bool) (*fileLock, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fmt.Errorf("pacha/store: lock: %w", err)
	}
	// Poll without blocking so that a cancelled context ends the wait.
	delay := time.Millisecond
	for {
		err := flock.TryLock(f, exclusive)
		if err == nil {
			return &fileLock{f: f}, nil
		}
		if err != flock.ErrWouldBlock {
			f.Close()
			return nil, fmt.Errorf("pacha/store: lock %s: %w", path, err)
		}
		select {
		case <-ctx.Done():
			f.Close()
			return nil, fmt.Errorf("pacha/store: waiting for lock %s: %w", path, ctx.Err())
		case <-time.After(delay):
		}
		delay = min(2*delay, 50*time.Millisecond)
	}
}

func (l *fileLock) Unlock() {
	if l == nil || l.f == nil {
		return
	}
	flock.Unlock(l.f)
	l.f.Close()
	l.f = nil
}

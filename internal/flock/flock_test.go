package flock_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/batuta-go/stack/internal/flock"
)

func TestExclusionBetweenOpenFiles(t *testing.T) {
	p := filepath.Join(t.TempDir(), "l")
	a, _ := os.Create(p)
	b, _ := os.Open(p)
	defer a.Close()
	defer b.Close()
	if err := flock.Lock(a, true); err != nil {
		t.Fatal(err)
	}
	if err := flock.TryLock(b, false); err != flock.ErrWouldBlock {
		t.Errorf("shared lock under an exclusive one: %v", err)
	}
	flock.Unlock(a)
	if err := flock.TryLock(b, false); err != nil {
		t.Errorf("after unlock: %v", err)
	}
	if err := flock.TryLock(a, false); err != nil {
		t.Errorf("two shared locks: %v", err)
	}
	if err := flock.TryLock(a, true); err == nil {
		// Upgrading while b holds a shared lock must fail.
		t.Errorf("exclusive lock beside a shared one")
	}
}

//go:build windows

package store

// syncDir is a no-op: Windows cannot flush a directory handle, and
// NTFS journals the rename itself.
func syncDir(string) error { return nil }

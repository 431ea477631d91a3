package batutahome

import (
	"path/filepath"
	"runtime"
	"testing"
)

func TestDir(t *testing.T) {
	t.Setenv("BATUTA_HOME", "/srv/batuta")
	if d, _ := Dir(); d != "/srv/batuta" {
		t.Fatalf("BATUTA_HOME: %s", d)
	}
	if runtime.GOOS != "linux" {
		return
	}
	t.Setenv("BATUTA_HOME", "")
	t.Setenv("XDG_DATA_HOME", "/data")
	if d, _ := Dir(); d != "/data/batuta" {
		t.Fatalf("XDG_DATA_HOME: %s", d)
	}
	t.Setenv("XDG_DATA_HOME", "")
	t.Setenv("HOME", "/home/u")
	if d, _ := Dir(); d != filepath.Join("/home/u", ".local", "share", "batuta") {
		t.Fatalf("default: %s", d)
	}
}

// Package batutahome finds the directory where batuta keeps its state
// (store, keys, trust store): $BATUTA_HOME when set, else the user's data
// directory: $XDG_DATA_HOME/batuta, ~/.local/share/batuta on Unix,
// ~/Library/Application Support/batuta on macOS, %LocalAppData%\batuta on
// Windows.
package batutahome

import (
	"errors"
	"os"
	"path/filepath"
	"runtime"
)

// Dir returns the batuta home directory, without creating it.
func Dir() (string, error) {
	if d := os.Getenv("BATUTA_HOME"); d != "" {
		return filepath.Abs(d)
	}
	if d := os.Getenv("XDG_DATA_HOME"); d != "" && filepath.IsAbs(d) {
		return filepath.Join(d, "batuta"), nil
	}
	switch runtime.GOOS {
	case "windows":
		if d := os.Getenv("LocalAppData"); d != "" {
			return filepath.Join(d, "batuta"), nil
		}
	case "darwin", "ios":
		home, err := os.UserHomeDir()
		if err != nil {
			return "", err
		}
		return filepath.Join(home, "Library", "Application Support", "batuta"), nil
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", errors.New("batutahome: neither $BATUTA_HOME nor a home directory is set")
	}
	return filepath.Join(home, ".local", "share", "batuta"), nil
}

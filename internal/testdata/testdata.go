// Package testdata finds the shared test data (models, tokenizer suites,
// quantization vectors, reference results) that tests read but the module
// does not contain.
//
// The root is $BATUTA_TESTDATA when set, else ../shared/testdata beside the
// module root (found by walking up from the working directory to go.mod).
package testdata

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// Root returns the shared test data root, or an error saying where it
// looked.
func Root() (string, error) {
	if d := os.Getenv("BATUTA_TESTDATA"); d != "" {
		if st, err := os.Stat(d); err != nil || !st.IsDir() {
			return "", errors.New("testdata: $BATUTA_TESTDATA=" + d + " is not a directory")
		}
		return d, nil
	}
	wd, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for dir := wd; ; dir = filepath.Dir(dir) {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			// The asm/ generators are a nested module; keep walking
			// past it to the stack's own module root.
			if filepath.Base(dir) != "asm" {
				d := filepath.Join(filepath.Dir(dir), "shared", "testdata")
				if st, err := os.Stat(d); err == nil && st.IsDir() {
					return d, nil
				}
				return "", errors.New("testdata: " + d + " not found (set $BATUTA_TESTDATA)")
			}
		}
		if parent := filepath.Dir(dir); parent == dir {
			return "", errors.New("testdata: no go.mod above " + wd)
		}
	}
}

// Dir returns the shared test data folder sub (for example "quant"), or
// skips the test with a message naming what is missing. When
// $BATUTA_REQUIRE_TESTDATA is set (as CI sets it) a missing folder fails
// the test instead, so that CI can never pass by skipping.
func Dir(tb testing.TB, sub string) string {
	tb.Helper()
	root, err := Root()
	if err == nil {
		d := filepath.Join(root, sub)
		if st, serr := os.Stat(d); serr == nil && st.IsDir() {
			return d
		}
		err = errors.New("testdata: " + d + " not found")
	}
	if os.Getenv("BATUTA_REQUIRE_TESTDATA") != "" {
		tb.Fatalf("shared test data required but absent: %v", err)
	}
	tb.Skipf("shared test data absent, skipping: %v", err)
	return ""
}

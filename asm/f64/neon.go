package main

// writeNEON writes the NEON kernels; they come with the arm64 emitter.
func writeNEON(asmPath, stubsPath string) error { return nil }

package main

// genNEON writes the NEON kernels; until the arm64 emitter lands it writes
// nothing and trueno's arm64 dispatchers use the generic code.
func genNEON(asmPath, stubsPath string) error { return nil }

package main

import "github.com/batuta-go/stack/asm/internal/a64"

// writeNEON writes the arm64 kernels.
func writeNEON(asmPath, stubsPath string) error {
	f := a64.NewFile("go run ./quant")
	f.Package = "quant"
	return f.Write(asmPath, stubsPath)
}

//go:build !gc || purego || !(amd64 || arm64)

package trueno

const hasAsm = false

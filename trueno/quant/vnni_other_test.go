//go:build !amd64 || !gc || purego

package quant

func setNoVNNI(bool) {}

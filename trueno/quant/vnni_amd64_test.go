//go:build gc && !purego

package quant

func setNoVNNI(b bool) { noVNNI = b }

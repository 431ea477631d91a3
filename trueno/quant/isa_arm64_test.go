//go:build gc && !purego

package quant

import "testing"

func TestDotProdDetected(t *testing.T) {
	t.Logf("dotprod: %v", hasDotProd)
}

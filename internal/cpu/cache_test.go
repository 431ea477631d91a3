package cpu

import "testing"

func TestCacheSizes(t *testing.T) {
	t.Logf("L1D %d, L2 %d, L3 %d", Cache.L1D, Cache.L2, Cache.L3)
	if Cache.L1D <= 0 || Cache.L2 <= 0 || Cache.L3 <= 0 {
		t.Errorf("non-positive cache size: %+v", Cache)
	}
}

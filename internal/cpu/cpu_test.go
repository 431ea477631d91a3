package cpu

import (
	"runtime"
	"testing"
)

func TestFeaturesConsistent(t *testing.T) {
	t.Logf("%s: x86=%+v arm64=%+v", Name, X86, ARM64)
	if X86.HasAVX512 && !X86.HasAVX2 {
		t.Error("AVX-512 reported without AVX2")
	}
	if runtime.GOARCH == "arm64" && !ARM64.HasASIMD {
		t.Error("arm64 without ASIMD: ARMv8-A makes it mandatory")
	}
	if runtime.GOARCH != "amd64" && X86.HasAVX2 {
		t.Error("x86 features reported on " + runtime.GOARCH)
	}
}

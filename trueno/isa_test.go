package trueno

import (
	"os"
	"testing"

	"github.com/batuta-go/stack/internal/kerneltest"
)

// isasUnderTest is the set of paths the variant tests run on: the one
// forced by $TRUENO_ISA (the CI legs), else every path this CPU and build
// can run. A path named in $TRUENO_REQUIRE that is not available fails.
func isasUnderTest(tb testing.TB) []ISA {
	tb.Helper()
	avail := Available()
	for _, name := range []string{"avx2", "avx512", "neon"} {
		if !kerneltest.Required(name) {
			continue
		}
		want, _ := ParseISA(name)
		found := false
		for _, a := range avail {
			found = found || a == want
		}
		if !found {
			tb.Fatalf("$TRUENO_REQUIRE names %s but this CPU/build offers only %v", name, avail)
		}
	}
	if s := os.Getenv(EnvISA); s != "" {
		i, err := ParseISA(s)
		if err != nil {
			tb.Fatal(err)
		}
		return []ISA{i}
	}
	return avail
}

// forEachISA runs f once per path under test, as a subtest named after the
// path, with every dispatcher forced onto it (and the small-size cut-off
// off, so the assembly meets every length).
func forEachISA(t *testing.T, f func(t *testing.T)) {
	t.Helper()
	for _, i := range isasUnderTest(t) {
		t.Run(i.String(), func(t *testing.T) {
			withISA(t, i)
			f(t)
		})
	}
}

// forEachISABench is forEachISA for benchmarks.
func forEachISABench(b *testing.B, f func(b *testing.B)) {
	b.Helper()
	for _, i := range isasUnderTest(b) {
		b.Run(i.String(), func(b *testing.B) {
			withISA(b, i)
			f(b)
		})
	}
}

func withISA(tb testing.TB, i ISA) {
	tb.Helper()
	oldISA, oldMin := isa, simdMin
	if err := SetISA(i); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { isa, simdMin = oldISA, oldMin })
}

func TestISAReport(t *testing.T) {
	t.Logf("active %s, available %v", Active(), Available())
	if _, err := ParseISA("sse9"); err == nil {
		t.Error("ParseISA accepted an unknown name")
	}
	for _, i := range Available() {
		if got, err := ParseISA(i.String()); err != nil || got != i {
			t.Errorf("ParseISA(%q) = %v, %v", i, got, err)
		}
	}
	if err := SetISA(ISA(99)); err == nil {
		t.Error("SetISA accepted an unavailable path")
	}
}

package quant

import (
	"os"
	"testing"

	"github.com/batuta-go/stack/internal/kerneltest"
	"github.com/batuta-go/stack/trueno"
)

// isasUnderTest is the set of paths the variant tests run on: the one
// forced by $TRUENO_ISA, else every path this CPU and build can run. A path
// named in $TRUENO_REQUIRE that is not available fails.
func isasUnderTest(tb testing.TB) []trueno.ISA {
	tb.Helper()
	avail := trueno.Available()
	for _, name := range []string{"avx2", "avx512", "neon"} {
		if !kerneltest.Required(name) {
			continue
		}
		want, _ := trueno.ParseISA(name)
		found := false
		for _, a := range avail {
			found = found || a == want
		}
		if !found {
			tb.Fatalf("$TRUENO_REQUIRE names %s but this CPU/build offers only %v", name, avail)
		}
	}
	if s := os.Getenv(trueno.EnvISA); s != "" {
		i, err := trueno.ParseISA(s)
		if err != nil {
			tb.Fatal(err)
		}
		return []trueno.ISA{i}
	}
	return avail
}

// forEachISA runs f once per path under test, as a subtest named after the
// path, with dispatch forced onto it.
// On x86 paths it also runs f with VNNI switched off.
func forEachISA(t *testing.T, f func(t *testing.T)) {
	t.Helper()
	for _, i := range isasUnderTest(t) {
		t.Run(i.String(), func(t *testing.T) {
			withISA(t, i)
			f(t)
		})
		if i == trueno.AVX2 || i == trueno.AVX512 {
			t.Run(i.String()+"-novnni", func(t *testing.T) {
				withISA(t, i)
				setNoVNNI(true)
				t.Cleanup(func() { setNoVNNI(false) })
				f(t)
			})
		}
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

func withISA(tb testing.TB, i trueno.ISA) {
	tb.Helper()
	old := trueno.Active()
	if err := trueno.SetISA(i); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		trueno.ResetISA()
		if old != trueno.Active() {
			_ = trueno.SetISA(old)
		}
	})
}

// Package kerneltest holds the helpers that every kernel test shares:
// the lengths to try, slices fenced by sentinel values that catch reads and
// writes out of bounds, ULP distances, and rounding-error bounds.
package kerneltest

import (
	"math"
	"math/rand/v2"
	"os"
	"strings"
	"testing"
)

// Lengths returns every length from 0 to dense inclusive, then each power
// of two up to max together with its neighbours ±1.
func Lengths(dense, max int) []int {
	seen := map[int]bool{}
	var out []int
	add := func(n int) {
		if n >= 0 && n <= max && !seen[n] {
			seen[n] = true
			out = append(out, n)
		}
	}
	for n := 0; n <= dense; n++ {
		add(n)
	}
	for p := 1; p <= max; p *= 2 {
		add(p - 1)
		add(p)
		add(p + 1)
	}
	return out
}

// Offsets are the element offsets at which test slices start, so that
// kernels meet unaligned data.
var Offsets = []int{0, 1, 3}

// Elem is the element types a guarded slice can hold.
type Elem interface {
	float32 | float64 | uint16 | int32 | uint8 | int8
}

const guardLen = 32

// Guarded is a slice fenced on both sides by guardLen sentinel elements.
// The slice handed to a kernel has its capacity cut at its length, so an
// append or reslice cannot reach the fence either.
type Guarded[T Elem] struct {
	buf  []T
	off  int
	n    int
	sent T
}

// NewGuarded returns a guarded slice of n elements that starts off elements
// past the fence, filled by fill (zero when fill is nil).
func NewGuarded[T Elem](n, off int, fill func(i int) T) *Guarded[T] {
	g := &Guarded[T]{buf: make([]T, guardLen+off+n+guardLen), off: guardLen + off, n: n, sent: sentinel[T]()}
	for i := range g.buf {
		g.buf[i] = g.sent
	}
	for i := 0; i < n; i++ {
		var v T
		if fill != nil {
			v = fill(i)
		}
		g.buf[g.off+i] = v
	}
	return g
}

// S is the fenced slice.
func (g *Guarded[T]) S() []T { return g.buf[g.off : g.off+g.n : g.off+g.n] }

// Check fails the test when any sentinel around the slice changed.
func (g *Guarded[T]) Check(tb testing.TB, name string) {
	tb.Helper()
	for i, v := range g.buf {
		if i >= g.off && i < g.off+g.n {
			continue
		}
		if !sameBits(v, g.sent) {
			where := i - g.off
			if where >= g.n {
				where -= g.n
				tb.Fatalf("%s: element %d past the end (len %d) was overwritten", name, where, g.n)
			}
			tb.Fatalf("%s: element %d before the start was overwritten", name, where)
		}
	}
}

// sentinel is a value no kernel produces by computation: a signalling NaN
// with a payload, or an unusual integer.
func sentinel[T Elem]() T {
	var z T
	switch any(z).(type) {
	case float32:
		return any(math.Float32frombits(0x7FA5A5A5)).(T)
	case float64:
		return any(math.Float64frombits(0x7FF5A5A5A5A5A5A5)).(T)
	case uint16:
		return any(uint16(0xA5A5)).(T)
	case int32:
		return any(int32(-0x5A5A5A5B)).(T)
	case uint8:
		return any(uint8(0xA5)).(T)
	case int8:
		return any(int8(-0x5B)).(T)
	}
	return z
}

func sameBits[T Elem](a, b T) bool {
	switch x := any(a).(type) {
	case float32:
		return math.Float32bits(x) == math.Float32bits(any(b).(float32))
	case float64:
		return math.Float64bits(x) == math.Float64bits(any(b).(float64))
	}
	return a == b
}

// Same32 reports whether a and b are the same float32: identical bits, or
// both NaN (NaN payloads are not specified by any kernel).
func Same32(a, b float32) bool {
	return math.Float32bits(a) == math.Float32bits(b) || (a != a && b != b)
}

// Same64 is Same32 for float64.
func Same64(a, b float64) bool {
	return math.Float64bits(a) == math.Float64bits(b) || (a != a && b != b)
}

// ULP32 returns the distance between a and b in units in the last place of
// float32: 0 for identical values (and for two NaNs, or +0 and -0), the
// number of representable floats between them otherwise, and MaxUint32 when
// exactly one is NaN.
func ULP32(a, b float32) uint32 {
	if a != a || b != b {
		if a != a && b != b {
			return 0
		}
		return math.MaxUint32
	}
	if a == b {
		return 0
	}
	ia, ib := ordered32(a), ordered32(b)
	if ia > ib {
		return uint32(ia - ib)
	}
	return uint32(ib - ia)
}

// ordered32 maps a float32 onto an integer line on which neighbouring
// floats are neighbouring integers.
func ordered32(f float32) int64 {
	b := int64(math.Float32bits(f))
	if b&0x80000000 != 0 {
		return -(b & 0x7FFFFFFF)
	}
	return b
}

// ULPOf64 returns the error of got against the exact value want (computed in
// float64) in float32 ULPs at want, as a fraction. Both infinite with the
// same sign, or both NaN, is 0.
func ULPOf64(got float32, want float64) float64 {
	if math.IsNaN(want) || math.IsNaN(float64(got)) {
		if math.IsNaN(want) && math.IsNaN(float64(got)) {
			return 0
		}
		return math.Inf(1)
	}
	if math.IsInf(want, 0) || math.IsInf(float64(got), 0) {
		if float64(got) == want {
			return 0
		}
		// A result that overflowed to ±Inf where the exact value is finite
		// but beyond MaxFloat32 is correctly rounded.
		if math.IsInf(float64(got), 0) && math.Abs(want) >= math.MaxFloat32 && (want > 0) == (got > 0) {
			return 0
		}
		return math.Inf(1)
	}
	w := float32(want)
	if math.IsInf(float64(w), 0) {
		w = math.MaxFloat32
		if want < 0 {
			w = -w
		}
	}
	ulp := float64(math.Nextafter32(float32(math.Abs(float64(w))), math.MaxFloat32)) - math.Abs(float64(w))
	if ulp == 0 || math.IsInf(ulp, 0) {
		ulp = math.Abs(float64(w)) - float64(math.Nextafter32(float32(math.Abs(float64(w))), 0))
	}
	// Below the normal range an ULP is the subnormal spacing.
	if ulp < 0x1p-149 {
		ulp = 0x1p-149
	}
	return math.Abs(float64(got)-want) / ulp
}

// Gamma32 is γn = n·u/(1−n·u) with u = 2⁻²⁴, the classic bound on the
// relative rounding error of an n-term float32 sum or dot product: the
// computed value differs from the exact one by at most γn·Σ|terms|.
func Gamma32(n int) float64 {
	nu := float64(n) * 0x1p-24
	if nu >= 1 {
		return math.Inf(1)
	}
	return nu / (1 - nu)
}

// Gamma64 is Gamma32 for float64 (u = 2⁻⁵³).
func Gamma64(n int) float64 {
	nu := float64(n) * 0x1p-53
	return nu / (1 - nu)
}

// Required reports whether the test environment demands the named kernel
// variant: $TRUENO_REQUIRE is a comma-separated list of ISA names (CI sets
// it to what its machine has), so that a variant which should run but was
// not detected fails instead of being skipped.
func Required(name string) bool {
	for _, r := range strings.Split(os.Getenv("TRUENO_REQUIRE"), ",") {
		if strings.EqualFold(strings.TrimSpace(r), name) {
			return true
		}
	}
	return false
}

// Specials32 are the float32 values every kernel must meet: signed zeros,
// infinities, NaN, subnormals, the extremes of the normal range, and
// values around 1.
var Specials32 = []float32{
	0, float32(math.Copysign(0, -1)), 1, -1, 0.5, -0.5, 2, -2,
	float32(math.Inf(1)), float32(math.Inf(-1)), float32(math.NaN()),
	math.SmallestNonzeroFloat32, -math.SmallestNonzeroFloat32,
	0x1p-127, -0x1p-127, 0x1p-126, -0x1p-126,
	math.MaxFloat32, -math.MaxFloat32, 1e30, -1e30, 1e-30, -1e-30,
	88.7, -88.7, 89, -104, 1000, -1000, 3.14159265, -2.71828,
}

// Rand32 returns n float32 values drawn from rng: normal with the given
// scale; with a 1-in-16 chance of a special value when specials is set.
func Rand32(rng *rand.Rand, n int, scale float64, specials bool) []float32 {
	out := make([]float32, n)
	for i := range out {
		if specials && rng.IntN(16) == 0 {
			out[i] = Specials32[rng.IntN(len(Specials32))]
			continue
		}
		out[i] = float32(rng.NormFloat64() * scale)
	}
	return out
}

// Ints32 returns n small integer-valued float32s in [-lim, lim]: sums and
// dot products of these are exact in float32 as long as they stay below
// 2²⁴, so reductions can be checked for exact equality.
func Ints32(rng *rand.Rand, n, lim int) []float32 {
	out := make([]float32, n)
	for i := range out {
		out[i] = float32(rng.IntN(2*lim+1) - lim)
	}
	return out
}

// Rand64 is Rand32 for float64, without specials.
func Rand64(rng *rand.Rand, n int, scale float64) []float64 {
	out := make([]float64, n)
	for i := range out {
		out[i] = rng.NormFloat64() * scale
	}
	return out
}

// SweepLengths is Lengths(dense, 65537): every length up to dense and the
// powers of two ±1 beyond. Under -short (the race and emulated legs of CI)
// the powers stop at 4097, which keeps every code path and tail but not the
// long vectors.
func SweepLengths(dense int) []int {
	if testing.Short() {
		return Lengths(dense, 4097)
	}
	return Lengths(dense, 65537)
}

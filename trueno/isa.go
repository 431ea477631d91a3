package trueno

import (
	"fmt"
	"os"
	"runtime"
	"strings"

	"github.com/batuta-go/stack/internal/cpu"
)

// ISA names an instruction-set path that the kernels can run on.
type ISA uint8

// The paths, in the order dispatch prefers them on their architecture.
const (
	Generic ISA = iota // pure Go, every platform, the reference
	AVX2               // amd64 with AVX2 and FMA3 (256-bit)
	AVX512             // amd64 with AVX-512 F/BW/DQ/VL (512-bit)
	NEON               // arm64 Advanced SIMD (128-bit)
)

var isaNames = [...]string{Generic: "generic", AVX2: "avx2", AVX512: "avx512", NEON: "neon"}

func (i ISA) String() string {
	if int(i) < len(isaNames) {
		return isaNames[i]
	}
	return fmt.Sprintf("ISA(%d)", uint8(i))
}

// ParseISA returns the ISA named s ("generic", "avx2", "avx512", "neon").
func ParseISA(s string) (ISA, error) {
	for i, n := range isaNames {
		if strings.EqualFold(s, n) {
			return ISA(i), nil
		}
	}
	return 0, fmt.Errorf("trueno: unknown ISA %q (want one of %s)", s, strings.Join(isaNames[:], ", "))
}

// EnvISA is the environment variable that forces a path for the whole
// process, for tests and benchmarks: generic, avx2, avx512 or neon.
const EnvISA = "TRUENO_ISA"

// isa is the path every dispatcher follows. It is written only at init and
// by SetISA, never while kernels run.
var isa ISA

// simdMin is the length below which dispatchers take the generic path,
// where a call into assembly costs more than it saves. It is 0 when a path
// was forced, so that tests exercise the assembly at every length.
var simdMin = 8

// Available reports the paths this CPU and build can run, Generic first.
// A build with the purego tag, or without the gc compiler, has only Generic.
func Available() []ISA {
	out := []ISA{Generic}
	if !hasAsm {
		return out
	}
	switch runtime.GOARCH {
	case "amd64":
		if cpu.X86.HasAVX2 {
			out = append(out, AVX2)
		}
		if cpu.X86.HasAVX512 {
			out = append(out, AVX512)
		}
	case "arm64":
		if cpu.ARM64.HasASIMD {
			out = append(out, NEON)
		}
	}
	return out
}

// Active reports the path the kernels use.
func Active() ISA { return isa }

// SetISA forces every kernel onto path i, for tests, benchmarks and users
// who need one path's exact behaviour. It returns an error, and changes
// nothing, when this CPU or build cannot run i. It must not be called while
// other goroutines run kernels.
func SetISA(i ISA) error {
	for _, a := range Available() {
		if a == i {
			isa = i
			simdMin = 0
			return nil
		}
	}
	return fmt.Errorf("trueno: ISA %s is not available on this CPU or build (available: %v)", i, Available())
}

// ResetISA returns to the path chosen at start-up from CPU features.
func ResetISA() {
	a := Available()
	isa = a[len(a)-1]
	simdMin = 8
}

func init() {
	ResetISA()
	if s := os.Getenv(EnvISA); s != "" {
		i, err := ParseISA(s)
		if err == nil {
			err = SetISA(i)
		}
		if err != nil {
			// A forced path that cannot run is a configuration error;
			// running on another path silently would make a test or a
			// benchmark report the wrong thing.
			panic(fmt.Sprintf("%v (asked for by $%s=%s)", err, EnvISA, s))
		}
	}
}

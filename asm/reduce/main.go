// Command reduce generates trueno's reduction kernels: the summing ones
// (sum, asum, dot, sumSq, sumSqScaled, sumSqDev) from one template, the
// selecting ones (minimum, maximum, absMax) from another and argmin/argmax
// from a third, each for AVX2 and AVX-512 from one description
// parameterised by vector width (avo), and for NEON (asm/internal/a64).
package main

import (
	"flag"
	"fmt"
	"os"
	"regexp"
	"strings"

	. "github.com/mmcloughlin/avo/build"
)

var (
	neonOut   = flag.String("neon", "", "NEON assembly output")
	neonStubs = flag.String("neonstubs", "", "NEON Go declarations output")
)

func main() {
	flag.Parse()
	if err := genNEON(*neonOut, *neonStubs); err != nil {
		fmt.Fprintln(os.Stderr, "reduce:", err)
		os.Exit(1)
	}

	// The signatures use only built-in types, so avo need not load the
	// trueno package (which this module does not require): naming it is
	// enough.
	if f := flag.Lookup("pkg"); f != nil && f.Value.String() == "" {
		if err := flag.Set("pkg", "trueno"); err != nil {
			panic(err)
		}
	}
	ConstraintExpr("gc,!purego")
	declareConstants()
	for _, w := range []width{avx2, avx512} {
		for _, k := range summingKernels {
			genSumming(w, k)
		}
		for _, s := range selectingKernels {
			genSelecting(w, s)
		}
		genArg(w, false)
		genArg(w, true)
	}
	Generate()
	if err := checkAVX2Registers(outPath()); err != nil {
		fmt.Fprintln(os.Stderr, "reduce:", err)
		os.Exit(1)
	}
}

// outPath is the -out flag avo registered.
func outPath() string {
	if f := flag.Lookup("out"); f != nil {
		return f.Value.String()
	}
	return ""
}

// checkAVX2Registers fails when the register allocator gave an AVX2 kernel
// one of X16–X31/Y16–Y31: the assembler would encode those with EVEX,
// which an AVX2-only CPU cannot run — and this machine would not notice.
func checkAVX2Registers(path string) error {
	if path == "" {
		return nil
	}
	src, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	high := regexp.MustCompile(`\b[XYZ](1[6-9]|2[0-9]|3[01])\b|\bZ[0-9]+\b|\bK[0-7]\b`)
	fn := ""
	for i, line := range strings.Split(string(src), "\n") {
		if strings.HasPrefix(line, "TEXT ") {
			fn = line
		}
		if strings.Contains(fn, "AVX2(") && high.MatchString(line) {
			return fmt.Errorf("%s:%d: AVX2 kernel uses an AVX-512 register: %s", path, i+1, strings.TrimSpace(line))
		}
	}
	return nil
}

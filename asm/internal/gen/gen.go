// Package gen is the common main function of the kernel generator
// programs: the command line, the NEON files, then avo.
package gen

import (
	"flag"
	"fmt"
	"log"
	"os"
	"regexp"
	"strings"

	"github.com/mmcloughlin/avo/build"
)

var (
	neonOut   = flag.String("neon", "", "write the NEON assembly to `file`")
	neonStubs = flag.String("neonstubs", "", "write the NEON Go declarations to `file`")
)

// Main runs a family generator. It parses the command line (avo's -out and
// -stubs for the amd64 files, -neon and -neonstubs for the arm64 ones),
// writes the arm64 files with neon when asked, then lets amd64 emit the avo
// functions and hands over to avo, whose declarations go to package pkg
// under the constraint gc && !purego.
func Main(family, pkg string, neon func(asmPath, stubsPath string) error, amd64 func()) {
	log.SetFlags(0)
	log.SetPrefix(family + ": ")
	flag.Parse()
	if (*neonOut == "") != (*neonStubs == "") {
		log.Fatal("-neon and -neonstubs go together")
	}
	if *neonOut != "" {
		if err := neon(*neonOut, *neonStubs); err != nil {
			log.Fatal(err)
		}
	}
	// avo's Package() would type-check the target package, which this
	// module does not require (and which cannot compile while the
	// freshness check has deleted its generated files); the signatures use
	// built-in types only, so naming the package is enough.
	if err := flag.Set("pkg", pkg); err != nil {
		log.Fatal(err)
	}
	// avo v0.5.0 parses constraints in the "+build" syntax; it prints
	// "//go:build gc && !purego".
	build.ConstraintExpr("gc,!purego")
	amd64()
	build.Generate()
	if out := flag.Lookup("out").Value.String(); out != "" {
		if err := CheckAVX2Registers(out); err != nil {
			log.Fatal(err)
		}
	}
}

// CheckAVX2Registers fails when the register allocator gave a function
// whose name ends in AVX2 one of X16–X31, Y16–Y31, a Z or a K register:
// the assembler would encode those with EVEX, which an AVX2-only CPU
// cannot run — and an AVX-512 test machine would never notice.
func CheckAVX2Registers(path string) error {
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

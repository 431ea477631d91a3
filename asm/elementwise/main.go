// Command elementwise generates trueno's element-wise kernels (add, axpy,
// clamp, relu, ...): AVX2 and AVX-512 with avo, NEON with our arm64
// emitter, every one from the op table in ops.go.
//
//	go run ./elementwise -out ../trueno/elementwise_amd64.s -stubs ../trueno/elementwise_stubs_amd64.go \
//		-neon ../trueno/elementwise_arm64.s -neonstubs ../trueno/elementwise_stubs_arm64.go
package main

import (
	"flag"
	"log"

	. "github.com/mmcloughlin/avo/build"
)

var (
	neonOut   = flag.String("neon", "", "NEON assembly output")
	neonStubs = flag.String("neonstubs", "", "NEON Go declarations output")
)

func main() {
	flag.Parse()
	// Our stubs belong to package trueno; avo would otherwise name the
	// package after this directory. (Package() cannot be used: trueno is
	// not a dependency of this module.)
	if err := flag.Set("pkg", "trueno"); err != nil {
		panic(err)
	}

	if (*neonOut == "") != (*neonStubs == "") {
		log.Fatal("elementwise: -neon and -neonstubs go together")
	}
	if *neonOut != "" {
		if err := writeNEON(*neonOut, *neonStubs); err != nil {
			log.Fatal(err)
		}
	}

	ConstraintExpr("gc,!purego")
	amd64Data()
	for _, w := range []*width{avx2, avx512} {
		for _, o := range ops {
			kernel(o, w)
		}
	}
	Generate()
}

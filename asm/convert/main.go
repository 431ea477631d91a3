// Command convert generates trueno's float32 ⇄ float16 and float32 ⇄
// bfloat16 slice conversions: AVX2 (with F16C) and AVX-512 with avo, from
// one description per kernel parameterised by vector width, and NEON with
// our arm64 emitter.
//
//	go run ./convert -out ../trueno/convert_amd64.s -stubs ../trueno/convert_stubs_amd64.go \
//		-neon ../trueno/convert_arm64.s -neonstubs ../trueno/convert_stubs_arm64.go
package main

import (
	"flag"
	"log"

	. "github.com/mmcloughlin/avo/build"
)

var (
	neonOut   = flag.String("neon", "", "write the NEON assembly to `file`")
	neonStubs = flag.String("neonstubs", "", "write the NEON Go declarations to `file`")
)

func main() {
	flag.Parse()
	if *neonOut != "" {
		if err := writeNEON(*neonOut, *neonStubs); err != nil {
			log.Fatal(err)
		}
	}

	// avo's Package() would type-check trueno, which fails while its
	// generated declarations are deleted (the freshness check); the
	// signatures use only built-in types, so naming the package is enough.
	// avo v0.5.0 parses constraints in the "+build" syntax.
	if err := flag.Set("pkg", "trueno"); err != nil {
		log.Fatal(err)
	}
	ConstraintExpr("gc,!purego")
	for _, w := range widths {
		for _, k := range kernels {
			k.emit(w)
		}
	}
	emitBF16Native()
	Generate()
}

package a64

import (
	"encoding/binary"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// gnuCases lists instructions whose encoding is checked against GNU as.
// Families that register instructions in ops_FAMILY.go append their cases
// from an init function in ops_FAMILY_test.go.
var gnuCases []string

// regs returns three distinct register numbers that vary with k, so that
// every register field is exercised with different values.
func regs(k int) (d, n, m int) { return (k*7 + 1) % 32, (k*11 + 2) % 32, (k*13 + 5) % 32 }

func gen(k *int, format string, args ...any) {
	gnuCases = append(gnuCases, fmt.Sprintf(format, args...))
	*k++
}

func init() {
	k := 0
	all := "8b 16b 4h 8h 2s 4s 2d"
	bhs := "8b 16b 4h 8h 2s 4s"
	b := "8b 16b"
	fl := "2s 4s 2d"
	three := []struct{ ops, arrs string }{
		{"add sub sqadd uqadd sqsub uqadd cmeq cmge cmgt cmhi cmhs cmtst sshl ushl srshl urshl addp zip1 zip2 uzp1 uzp2 trn1 trn2", all},
		{"mul mla mls smax smin umax umin smaxp sminp umaxp uminp shadd uhadd srhadd urhadd shsub uhsub sabd uabd saba uaba", bhs},
		{"sqdmulh sqrdmulh", "4h 8h 2s 4s"},
		{"and orr eor bic orn bsl bit bif pmul", b},
		{"fadd fsub fmul fdiv fmax fmin fmaxnm fminnm fmla fmls fabd faddp fmaxp fminp fmaxnmp fminnmp fcmeq fcmge fcmgt facge facgt fmulx frecps frsqrts", fl},
	}
	for _, g := range three {
		for _, op := range strings.Fields(g.ops) {
			for _, a := range strings.Fields(g.arrs) {
				d, n, m := regs(k)
				gen(&k, "%s v%d.%s, v%d.%s, v%d.%s", op, d, a, n, a, m, a)
			}
		}
	}
	two := []struct{ ops, arrs string }{
		{"abs neg sqabs sqneg", all},
		{"cls clz", bhs},
		{"cnt not mvn rev16 rbit", b},
		{"rev32", "8b 16b 4h 8h"},
		{"rev64", bhs},
		{"fabs fneg fsqrt frecpe frsqrte frintn frintm frintp frintz frinta frintx frinti fcvtzs fcvtzu fcvtns fcvtnu fcvtms fcvtmu fcvtas fcvtau fcvtps fcvtpu scvtf ucvtf", fl},
		{"urecpe ursqrte", "2s 4s"},
		{"mov", b},
	}
	for _, g := range two {
		for _, op := range strings.Fields(g.ops) {
			for _, a := range strings.Fields(g.arrs) {
				d, n, _ := regs(k)
				gen(&k, "%s v%d.%s, v%d.%s", op, d, a, n, a)
			}
		}
	}
	for _, op := range strings.Fields("cmeq cmge cmgt cmle cmlt") {
		for _, a := range strings.Fields(all) {
			d, n, _ := regs(k)
			gen(&k, "%s v%d.%s, v%d.%s, #0", op, d, a, n, a)
		}
	}
	for _, op := range strings.Fields("fcmeq fcmge fcmgt fcmle fcmlt") {
		for _, a := range strings.Fields(fl) {
			d, n, _ := regs(k)
			gen(&k, "%s v%d.%s, v%d.%s, #0.0", op, d, a, n, a)
		}
	}
	// Narrowing, widening, long and wide.
	narrow := [][2]string{{"8b", "8h"}, {"4h", "4s"}, {"2s", "2d"}}
	narrow2 := [][2]string{{"16b", "8h"}, {"8h", "4s"}, {"4s", "2d"}}
	for _, op := range strings.Fields("xtn sqxtn uqxtn sqxtun") {
		for i := range narrow {
			d, n, _ := regs(k)
			gen(&k, "%s v%d.%s, v%d.%s", op, d, narrow[i][0], n, narrow[i][1])
			gen(&k, "%s2 v%d.%s, v%d.%s", op, n, narrow2[i][0], d, narrow2[i][1])
		}
	}
	for _, op := range strings.Fields("shrn rshrn sqshrn sqrshrn sqshrun sqrshrun uqshrn uqrshrn") {
		for i := range narrow {
			es := map[byte]int{'b': 8, 'h': 16, 's': 32}[narrow[i][0][len(narrow[i][0])-1]]
			for _, sh := range []int{1, es / 2, es} {
				d, n, _ := regs(k)
				gen(&k, "%s v%d.%s, v%d.%s, #%d", op, d, narrow[i][0], n, narrow[i][1], sh)
				gen(&k, "%s2 v%d.%s, v%d.%s, #%d", op, n, narrow2[i][0], d, narrow2[i][1], sh)
			}
		}
	}
	for _, op := range strings.Fields("sshll ushll") {
		for i := range narrow {
			es := map[byte]int{'b': 8, 'h': 16, 's': 32}[narrow[i][0][len(narrow[i][0])-1]]
			for _, sh := range []int{0, 1, es - 1} {
				d, n, _ := regs(k)
				gen(&k, "%s v%d.%s, v%d.%s, #%d", op, d, narrow[i][1], n, narrow[i][0], sh)
				gen(&k, "%s2 v%d.%s, v%d.%s, #%d", op, n, narrow2[i][1], d, narrow2[i][0], sh)
			}
		}
	}
	for i := range narrow {
		es := map[byte]int{'b': 8, 'h': 16, 's': 32}[narrow[i][0][len(narrow[i][0])-1]]
		d, n, _ := regs(k)
		gen(&k, "shll v%d.%s, v%d.%s, #%d", d, narrow[i][1], n, narrow[i][0], es)
		gen(&k, "shll2 v%d.%s, v%d.%s, #%d", n, narrow2[i][1], d, narrow2[i][0], es)
	}
	for _, op := range strings.Fields("sxtl uxtl") {
		for i := range narrow {
			d, n, _ := regs(k)
			gen(&k, "%s v%d.%s, v%d.%s", op, d, narrow[i][1], n, narrow[i][0])
			gen(&k, "%s2 v%d.%s, v%d.%s", op, n, narrow2[i][1], d, narrow2[i][0])
		}
	}
	for _, op := range strings.Fields("saddl uaddl ssubl usubl sabal uabal sabdl uabdl smlal umlal smlsl umlsl smull umull") {
		for i := range narrow {
			d, n, m := regs(k)
			gen(&k, "%s v%d.%s, v%d.%s, v%d.%s", op, d, narrow[i][1], n, narrow[i][0], m, narrow[i][0])
			gen(&k, "%s2 v%d.%s, v%d.%s, v%d.%s", op, d, narrow2[i][1], n, narrow2[i][0], m, narrow2[i][0])
		}
	}
	for _, op := range strings.Fields("saddw uaddw ssubw usubw") {
		for i := range narrow {
			d, n, m := regs(k)
			gen(&k, "%s v%d.%s, v%d.%s, v%d.%s", op, d, narrow[i][1], n, narrow[i][1], m, narrow[i][0])
			gen(&k, "%s2 v%d.%s, v%d.%s, v%d.%s", op, d, narrow2[i][1], n, narrow2[i][1], m, narrow2[i][0])
		}
	}
	for _, op := range strings.Fields("saddlp uaddlp sadalp uadalp") {
		for _, p := range [][2]string{{"4h", "8b"}, {"8h", "16b"}, {"2s", "4h"}, {"4s", "8h"}, {"1d", "2s"}, {"2d", "4s"}} {
			d, n, _ := regs(k)
			gen(&k, "%s v%d.%s, v%d.%s", op, d, p[0], n, p[1])
		}
	}
	for _, c := range []string{
		"fcvtn v0.4h, v1.4s", "fcvtn2 v2.8h, v3.4s", "fcvtn v4.2s, v5.2d", "fcvtn2 v31.4s, v30.2d",
		"fcvtl v0.4s, v1.4h", "fcvtl2 v2.4s, v3.8h", "fcvtl v4.2d, v5.2s", "fcvtl2 v31.2d, v30.4s",
		"fcvtxn v6.2s, v7.2d", "fcvtxn2 v8.4s, v9.2d",
	} {
		gen(&k, "%s", c)
	}
	// Shifts by immediate.
	for _, op := range strings.Fields("sshr ushr ssra usra srshr urshr srsra ursra sri shl sli sqshlu sqshl uqshl") {
		left := op == "shl" || op == "sli" || strings.Contains(op, "qshl")
		for _, a := range strings.Fields(all) {
			es := map[byte]int{'b': 8, 'h': 16, 's': 32, 'd': 64}[a[len(a)-1]]
			shifts := []int{1, 3, es}
			if left {
				shifts = []int{0, 3, es - 1}
			}
			for _, sh := range shifts {
				d, n, _ := regs(k)
				gen(&k, "%s v%d.%s, v%d.%s, #%d", op, d, a, n, a, sh)
			}
		}
	}
	for _, op := range strings.Fields("scvtf ucvtf fcvtzs fcvtzu") {
		for _, a := range strings.Fields(fl) {
			d, n, _ := regs(k)
			gen(&k, "%s v%d.%s, v%d.%s, #%d", op, d, a, n, a, 1+k%31)
		}
	}
	// Across lanes and scalar pairwise.
	for _, op := range strings.Fields("addv smaxv sminv umaxv uminv") {
		for _, a := range strings.Fields("8b 16b 4h 8h 4s") {
			d, n, _ := regs(k)
			gen(&k, "%s %c%d, v%d.%s", op, a[len(a)-1], d, n, a)
		}
	}
	for _, op := range strings.Fields("saddlv uaddlv") {
		for _, p := range [][2]string{{"h", "8b"}, {"h", "16b"}, {"s", "4h"}, {"s", "8h"}, {"d", "4s"}} {
			d, n, _ := regs(k)
			gen(&k, "%s %s%d, v%d.%s", op, p[0], d, n, p[1])
		}
	}
	for _, op := range strings.Fields("fmaxv fminv fmaxnmv fminnmv") {
		d, n, _ := regs(k)
		gen(&k, "%s s%d, v%d.4s", op, d, n)
	}
	for _, op := range strings.Fields("faddp fmaxp fminp fmaxnmp fminnmp") {
		d, n, _ := regs(k)
		gen(&k, "%s s%d, v%d.2s", op, d, n)
		gen(&k, "%s d%d, v%d.2d", op, n, d)
	}
	gen(&k, "addp d3, v17.2d")
	// By element.
	for _, op := range strings.Fields("fmul fmla fmls fmulx") {
		for i := 0; i < 4; i++ {
			d, n, m := regs(k)
			gen(&k, "%s v%d.4s, v%d.4s, v%d.s[%d]", op, d, n, m, i)
			gen(&k, "%s v%d.2s, v%d.2s, v%d.s[%d]", op, n, m, d, i)
		}
		for i := 0; i < 2; i++ {
			d, n, m := regs(k)
			gen(&k, "%s v%d.2d, v%d.2d, v%d.d[%d]", op, d, n, m, i)
		}
	}
	for _, op := range strings.Fields("mul mla mls sqdmulh sqrdmulh") {
		for i := 0; i < 8; i++ {
			d, n, m := regs(k)
			gen(&k, "%s v%d.8h, v%d.8h, v%d.h[%d]", op, d, n, m%16, i)
			gen(&k, "%s v%d.4h, v%d.4h, v%d.h[%d]", op, n, d, m%16, i)
		}
		for i := 0; i < 4; i++ {
			d, n, m := regs(k)
			gen(&k, "%s v%d.4s, v%d.4s, v%d.s[%d]", op, d, n, m, i)
			gen(&k, "%s v%d.2s, v%d.2s, v%d.s[%d]", op, n, d, m, i)
		}
	}
	// Dot product.
	for _, op := range strings.Fields("sdot udot") {
		d, n, m := regs(k)
		gen(&k, "%s v%d.4s, v%d.16b, v%d.16b", op, d, n, m)
		gen(&k, "%s v%d.2s, v%d.8b, v%d.8b", op, n, m, d)
		for i := 0; i < 4; i++ {
			d, n, m := regs(k)
			gen(&k, "%s v%d.4s, v%d.16b, v%d.4b[%d]", op, d, n, m, i)
			gen(&k, "%s v%d.2s, v%d.8b, v%d.4b[%d]", op, n, m, d, i)
		}
	}
	// Copies, extract, table look-up.
	for _, p := range []struct {
		arr   string
		e     byte
		lanes int
	}{{"8b", 'b', 16}, {"16b", 'b', 16}, {"4h", 'h', 8}, {"8h", 'h', 8}, {"2s", 's', 4}, {"4s", 's', 4}, {"2d", 'd', 2}} {
		for _, i := range []int{0, 1, p.lanes - 1} {
			d, n, _ := regs(k)
			gen(&k, "dup v%d.%s, v%d.%c[%d]", d, p.arr, n, p.e, i)
		}
		d, n, _ := regs(k)
		r := 'w'
		if p.e == 'd' {
			r = 'x'
		}
		gen(&k, "dup v%d.%s, %c%d", d, p.arr, r, n%31)
	}
	gen(&k, "dup v3.4s, wzr")
	for _, p := range []struct {
		e     byte
		lanes int
	}{{'b', 16}, {'h', 8}, {'s', 4}, {'d', 2}} {
		r := 'w'
		if p.e == 'd' {
			r = 'x'
		}
		for _, i := range []int{0, 1, p.lanes - 1} {
			d, n, _ := regs(k)
			gen(&k, "ins v%d.%c[%d], v%d.%c[%d]", d, p.e, i, n, p.e, p.lanes-1-i)
			gen(&k, "mov v%d.%c[%d], v%d.%c[%d]", n, p.e, p.lanes-1-i, d, p.e, i)
			gen(&k, "ins v%d.%c[%d], %c%d", d, p.e, i, r, n%31)
			gen(&k, "mov v%d.%c[%d], %c%d", n, p.e, i, r, d%31)
			gen(&k, "dup %c%d, v%d.%c[%d]", p.e, d, n, p.e, i)
			gen(&k, "mov %c%d, v%d.%c[%d]", p.e, n, d, p.e, i)
			if p.e != 'd' {
				gen(&k, "umov w%d, v%d.%c[%d]", d%31, n, p.e, i)
			} else {
				gen(&k, "umov x%d, v%d.d[%d]", d%31, n, i)
			}
			if p.e != 'd' {
				gen(&k, "smov x%d, v%d.%c[%d]", d%31, n, p.e, i)
			}
			if p.e == 'b' || p.e == 'h' {
				gen(&k, "smov w%d, v%d.%c[%d]", d%31, n, p.e, i)
			}
		}
	}
	gen(&k, "mov w3, v4.s[2]")
	gen(&k, "mov x5, v6.d[1]")
	for _, i := range []int{0, 1, 7} {
		d, n, m := regs(k)
		gen(&k, "ext v%d.8b, v%d.8b, v%d.8b, #%d", d, n, m, i)
		gen(&k, "ext v%d.16b, v%d.16b, v%d.16b, #%d", d, n, m, i*2+1)
	}
	for _, op := range strings.Fields("tbl tbx") {
		for c := 1; c <= 4; c++ {
			d, n, m := regs(k)
			list := make([]string, c)
			for i := range list {
				list[i] = fmt.Sprintf("v%d.16b", (n+i)%32)
			}
			gen(&k, "%s v%d.16b, {%s}, v%d.16b", op, d, strings.Join(list, ", "), m)
			gen(&k, "%s v%d.8b, {%s}, v%d.8b", op, d, strings.Join(list, ", "), m)
		}
	}
	gen(&k, "tbl v0.16b, {v30.16b, v31.16b, v0.16b}, v1.16b")
	// Modified immediates.
	for _, c := range []string{
		"movi v0.16b, #0", "movi v1.8b, #255", "movi v2.16b, #0x80",
		"movi v3.4s, #1", "movi v4.4s, #0x7f, lsl #8", "movi v5.2s, #0xff, lsl #16", "movi v6.4s, #0x3f, lsl #24",
		"movi v7.4s, #0x12, msl #8", "movi v8.2s, #0x34, msl #16",
		"movi v9.8h, #0x7c", "movi v10.4h, #0x7f, lsl #8",
		"movi v11.2d, #0", "movi v12.2d, #0xff00ff0000ff00ff", "movi v13.2d, #0xffffffffffffffff", "movi d14, #0xff",
		"mvni v15.4s, #0", "mvni v16.4s, #0x80, lsl #24", "mvni v17.8h, #0x1, lsl #8", "mvni v18.2s, #0x12, msl #8",
		"orr v19.4s, #0x80, lsl #24", "orr v20.8h, #0x3", "bic v21.4s, #0x7f, lsl #16", "bic v22.4h, #0xff, lsl #8",
		"fmov v23.4s, #1.0", "fmov v24.4s, #-0.5", "fmov v25.2s, #2.0", "fmov v26.2d, #0.125",
		"fmov v27.4s, #31.0", "fmov v28.4s, #0.1875", "fmov v29.2d, #-1.5", "fmov v30.4s, #3.0",
	} {
		gen(&k, "%s", c)
	}
}

// gnuAssemble assembles lines with GNU as and returns the encoding of each.
func gnuAssemble(t *testing.T, lines []string) []uint32 {
	t.Helper()
	as, err := exec.LookPath("aarch64-linux-gnu-as")
	if err == nil {
		_, err = exec.LookPath("aarch64-linux-gnu-objcopy")
	}
	if err != nil {
		if os.Getenv("A64_REQUIRE_GNU_AS") != "" {
			t.Fatalf("GNU as required ($A64_REQUIRE_GNU_AS) but not found: %v", err)
		}
		t.Skipf("aarch64-linux-gnu-as/objcopy not installed (binutils-aarch64-linux-gnu): %v", err)
	}
	dir := t.TempDir()
	src := filepath.Join(dir, "cases.s")
	obj := filepath.Join(dir, "cases.o")
	bin := filepath.Join(dir, "cases.bin")
	if err := os.WriteFile(src, []byte(".text\n"+strings.Join(lines, "\n")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command(as, "-march=armv8.6-a+dotprod+i8mm+bf16+fp16", "-o", obj, src).CombinedOutput(); err != nil {
		t.Fatalf("GNU as: %v\n%s", err, out)
	}
	if out, err := exec.Command("aarch64-linux-gnu-objcopy", "-O", "binary", "-j", ".text", obj, bin).CombinedOutput(); err != nil {
		t.Fatalf("objcopy: %v\n%s", err, out)
	}
	data, err := os.ReadFile(bin)
	if err != nil {
		t.Fatal(err)
	}
	if len(data) != 4*len(lines) {
		t.Fatalf("GNU as produced %d bytes for %d instructions", len(data), len(lines))
	}
	words := make([]uint32, len(lines))
	for i := range words {
		words[i] = binary.LittleEndian.Uint32(data[4*i:])
	}
	return words
}

func TestEncodeMatchesGNU(t *testing.T) {
	want := gnuAssemble(t, gnuCases)
	bad := 0
	for i, inst := range gnuCases {
		got, err := Encode(inst)
		if err != nil {
			t.Errorf("%s: %v", inst, err)
			bad++
		} else if got != want[i] {
			t.Errorf("%-45s got %#08x, GNU as %#08x", inst, got, want[i])
			bad++
		}
		if bad > 40 {
			t.Fatal("too many failures")
		}
	}
	t.Logf("%d instructions checked against GNU as", len(gnuCases))
}

func TestEncodeErrors(t *testing.T) {
	for _, inst := range []string{
		"",
		"frobnicate v0.4s, v1.4s",
		"fadd v0.4s, v1.4s",
		"fadd v0.4s, v1.4s, v2.2s",
		"fadd v0.8h, v1.8h, v2.8h",
		"fadd v0.16b, v1.16b, v2.16b",
		"add v0.1d, v1.1d, v2.1d",
		"fadd v32.4s, v1.4s, v2.4s",
		"fadd v0.3s, v1.4s, v2.4s",
		"and v0.4s, v1.4s, v2.4s",
		"mul v0.2d, v1.2d, v2.2d",
		"ushr v0.4s, v1.4s, #0",
		"ushr v0.4s, v1.4s, #33",
		"shl v0.4s, v1.4s, #32",
		"shrn v0.4h, v1.4s, #17",
		"shrn v0.8h, v1.4s, #1",
		"shrn2 v0.4h, v1.4s, #1",
		"xtn v0.8b, v1.4s",
		"fcvtn v0.4s, v1.4s",
		"fcvtl v0.4s, v1.8h",
		"fmla v0.4s, v1.4s, v2.s[4]",
		"fmla v0.2d, v1.2d, v2.d[2]",
		"fmla v0.4s, v1.4s, v2.d[0]",
		"mul v0.8h, v1.8h, v16.h[0]",
		"dup v0.4s, v1.s[4]",
		"dup v0.4s, v1.h[0]",
		"dup v0.2d, w1",
		"dup v0.4s, x1",
		"ins v0.s[1], x1",
		"umov x0, v1.s[0]",
		"smov w0, v1.s[0]",
		"ext v0.8b, v1.8b, v2.8b, #8",
		"tbl v0.16b, {v1.16b, v3.16b}, v2.16b",
		"tbl v0.16b, {v1.8b}, v2.16b",
		"movi v0.4s, #256",
		"movi v0.4s, #1, lsl #4",
		"movi v0.2d, #0x12",
		"fmov v0.4s, #0.1",
		"fmov v0.4s, #64.0",
		"fcmeq v0.4s, v1.4s, #1.0",
		"addv s0, v1.2s",
		"addv h0, v1.16b",
		"fmaxv s0, v1.2s",
		"sdot v0.4s, v1.8h, v2.8h",
		"shll v0.4s, v1.4h, #8",
		"shll2 v0.4s, v1.4h, #16",
		"faddp d0, v1.2s",
		"fadd v0.4s, v1.4s, w2",
		"fadd v0.4s, v1.4s, v2.4s, v3.4s",
	} {
		w, err := Encode(inst)
		if err == nil {
			t.Errorf("Encode(%q) = %#08x, want an error", inst, w)
			continue
		}
		if !strings.Contains(err.Error(), "a64:") {
			t.Errorf("Encode(%q): error %q lacks the a64: prefix", inst, err)
		}
	}
	if _, err := Encode("frobnicate v0.4s, v1.4s"); err == nil || !strings.Contains(err.Error(), "frobnicate") {
		t.Errorf("unknown mnemonic error does not name it: %v", err)
	}
}

func TestEncodeSyntax(t *testing.T) {
	// Case, spacing, list ranges and comments do not change the encoding.
	for _, p := range [][2]string{
		{"FADD V0.4S, V1.4S, V2.4S", "fadd v0.4s, v1.4s, v2.4s"},
		{"  fadd   v0.4s,v1.4s ,  v2.4s  // sum", "fadd v0.4s, v1.4s, v2.4s"},
		{"tbl v0.16b, {v1.16b-v3.16b}, v2.16b", "tbl v0.16b, {v1.16b, v2.16b, v3.16b}, v2.16b"},
		{"fcmeq v0.4s, v1.4s, #0", "fcmeq v0.4s, v1.4s, #0.0"},
		{"movi v0.16b, #0x10, lsl #0", "movi v0.16b, #16"},
		{"movi v0.4s, #1, lsl #0", "movi v0.4s, #1"},
	} {
		a, err := Encode(p[0])
		if err != nil {
			t.Fatal(err)
		}
		b, err := Encode(p[1])
		if err != nil {
			t.Fatal(err)
		}
		if a != b {
			t.Errorf("%q = %#08x, %q = %#08x", p[0], a, p[1], b)
		}
	}
}

func TestRegister(t *testing.T) {
	Register("testonly", func(ops []Operand) (uint32, error) {
		if !Match(ops, KindVec) {
			return 0, ErrNoMatch
		}
		return 0x12345600 | uint32(ops[0].Reg), nil
	})
	if w, err := Encode("testonly v7.4s"); err != nil || w != 0x12345607 {
		t.Errorf("registered encoder: %#x, %v", w, err)
	}
	if _, err := Encode("testonly w7"); err == nil {
		t.Error("registered encoder accepted a form it rejects")
	}
}

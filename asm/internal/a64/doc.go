// Package a64 writes arm64 NEON kernels as Go assembly.
//
// The Go arm64 assembler lacks most Advanced SIMD floating-point and many
// integer vector instructions. A kernel generator therefore writes its
// loads, stores, scalar arithmetic and control flow as native Go assembler
// lines ([Func.Go]) and every vector instruction in GNU syntax ([Func.Op]),
// which this package encodes into a WORD directive with the GNU text beside
// it:
//
//	WORD $0x4e22d420 // fadd v0.4s, v1.4s, v2.4s
//
// [Encode] is a small table-driven assembler for the AdvSIMD forms kernels
// use; its tests compare every form byte for byte with GNU as.
//
// A generator builds one [File] per kernel family:
//
//	f := a64.NewFile("go run ./elementwise")
//	fn := f.Func("addNEON", "func(dst, x, y []float32)", "addNEON sets dst[i] = x[i] + y[i].")
//	fn.Go("MOVD %s, R0", fn.Arg("dst_base"))
//	fn.Op("fadd v0.4s, v1.4s, v2.4s")
//	fn.Ret()
//	err := f.Write("../trueno/elementwise_arm64.s", "../trueno/elementwise_stubs_arm64.go")
//
// Argument operands carry the Go parameter names (dst_base+0(FP)) so that
// go vet's asmdecl check verifies them.
//
// # Adding instructions
//
// A family that needs an instruction this package does not know adds it from
// its own file, asm/internal/a64/ops_FAMILY.go, without editing the others:
//
//	func init() {
//		a64.Register("sqrdmlah", a64.ThreeSame(0x2e008400, a64.ArrHS))
//		a64.Register("foo", func(ops []a64.Operand) (uint32, error) {
//			if !a64.Match(ops, a64.KindVec, a64.KindVec) {
//				return 0, a64.ErrNoMatch
//			}
//			...
//		})
//	}
//
// (inside the package itself the qualifier is dropped). Several encoders may
// be registered under one mnemonic; [Encode] tries them in registration
// order and the first that does not return [ErrNoMatch] wins. The builders
// (ThreeSame, TwoMisc, ShiftNarrow, ...) cover the common encoding classes;
// each takes the instruction's encoding with all register, size and Q fields
// zero. Add a GNU-as check case for every new form to the test tables
// (a new file ops_FAMILY_test.go appending to gnuCases in an init function).
package a64

package quant

import "testing"

// One dequantize and one dot fuzz target per type, so that
// `go test -fuzz=FuzzDotQ4_K` spends its time on one format.

func FuzzDequantizeF16(f *testing.F)    { fuzzDequantize(f, F16) }
func FuzzDequantizeBF16(f *testing.F)   { fuzzDequantize(f, BF16) }
func FuzzDequantizeQ4_0(f *testing.F)   { fuzzDequantize(f, Q4_0) }
func FuzzDequantizeQ4_1(f *testing.F)   { fuzzDequantize(f, Q4_1) }
func FuzzDequantizeQ5_0(f *testing.F)   { fuzzDequantize(f, Q5_0) }
func FuzzDequantizeQ5_1(f *testing.F)   { fuzzDequantize(f, Q5_1) }
func FuzzDequantizeQ8_0(f *testing.F)   { fuzzDequantize(f, Q8_0) }
func FuzzDequantizeQ8_1(f *testing.F)   { fuzzDequantize(f, Q8_1) }
func FuzzDequantizeQ2_K(f *testing.F)   { fuzzDequantize(f, Q2_K) }
func FuzzDequantizeQ3_K(f *testing.F)   { fuzzDequantize(f, Q3_K) }
func FuzzDequantizeQ4_K(f *testing.F)   { fuzzDequantize(f, Q4_K) }
func FuzzDequantizeQ5_K(f *testing.F)   { fuzzDequantize(f, Q5_K) }
func FuzzDequantizeQ6_K(f *testing.F)   { fuzzDequantize(f, Q6_K) }
func FuzzDequantizeQ8_K(f *testing.F)   { fuzzDequantize(f, Q8_K) }
func FuzzDequantizeIQ4_NL(f *testing.F) { fuzzDequantize(f, IQ4_NL) }
func FuzzDequantizeIQ4_XS(f *testing.F) { fuzzDequantize(f, IQ4_XS) }

func FuzzDotF16(f *testing.F)    { fuzzDot(f, F16) }
func FuzzDotBF16(f *testing.F)   { fuzzDot(f, BF16) }
func FuzzDotQ4_0(f *testing.F)   { fuzzDot(f, Q4_0) }
func FuzzDotQ4_1(f *testing.F)   { fuzzDot(f, Q4_1) }
func FuzzDotQ5_0(f *testing.F)   { fuzzDot(f, Q5_0) }
func FuzzDotQ5_1(f *testing.F)   { fuzzDot(f, Q5_1) }
func FuzzDotQ8_0(f *testing.F)   { fuzzDot(f, Q8_0) }
func FuzzDotQ8_1(f *testing.F)   { fuzzDot(f, Q8_1) }
func FuzzDotQ2_K(f *testing.F)   { fuzzDot(f, Q2_K) }
func FuzzDotQ3_K(f *testing.F)   { fuzzDot(f, Q3_K) }
func FuzzDotQ4_K(f *testing.F)   { fuzzDot(f, Q4_K) }
func FuzzDotQ5_K(f *testing.F)   { fuzzDot(f, Q5_K) }
func FuzzDotQ6_K(f *testing.F)   { fuzzDot(f, Q6_K) }
func FuzzDotQ8_K(f *testing.F)   { fuzzDot(f, Q8_K) }
func FuzzDotIQ4_NL(f *testing.F) { fuzzDot(f, IQ4_NL) }
func FuzzDotIQ4_XS(f *testing.F) { fuzzDot(f, IQ4_XS) }

package a64

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Kind classifies a parsed operand.
type Kind uint8

// The operand kinds.
const (
	KindVec    Kind = iota + 1 // v3.4s: Reg, Arr
	KindElem                   // v3.s[1]: Reg, Elem, Index
	KindScalar                 // s3 (b, h, s, d, q): Reg, Elem
	KindGPR                    // w3, x3, wzr, xzr: Reg (31 for zr), Elem 'w' or 'x'
	KindImm                    // #12, #0x1f, #-3, #1.5: Imm (integer part), Float, IsFloat
	KindShift                  // lsl #8, msl #16: Shift, Imm
	KindList                   // {v0.16b, v1.16b} or {v0.16b-v3.16b}: Reg (first), Count, Arr
)

// Operand is one parsed operand of a GNU-syntax instruction.
type Operand struct {
	Kind    Kind
	Reg     int     // register number
	Arr     string  // arrangement of a vector or list: "8b", "16b", "4h", "8h", "2s", "4s", "1d", "2d", "4b", "2h"
	Elem    byte    // element size letter of an element or scalar (b h s d q), or w/x for a GPR
	Index   int     // element index
	Count   int     // registers in a list
	Imm     int64   // integer immediate or shift amount
	Float   float64 // immediate as a number (also set for integer immediates)
	IsFloat bool    // the immediate was written with a decimal point or exponent
	Shift   string  // "lsl" or "msl"
}

func (o Operand) String() string {
	switch o.Kind {
	case KindVec:
		return fmt.Sprintf("v%d.%s", o.Reg, o.Arr)
	case KindElem:
		return fmt.Sprintf("v%d.%c[%d]", o.Reg, o.Elem, o.Index)
	case KindScalar:
		return fmt.Sprintf("%c%d", o.Elem, o.Reg)
	case KindGPR:
		return fmt.Sprintf("%c%d", o.Elem, o.Reg)
	case KindImm:
		if o.IsFloat {
			return fmt.Sprintf("#%g", o.Float)
		}
		return fmt.Sprintf("#%d", o.Imm)
	case KindShift:
		return fmt.Sprintf("%s #%d", o.Shift, o.Imm)
	case KindList:
		return fmt.Sprintf("{v%d.%s x%d}", o.Reg, o.Arr, o.Count)
	}
	return "?"
}

// Match reports whether ops has exactly the given kinds, in order.
func Match(ops []Operand, kinds ...Kind) bool {
	if len(ops) != len(kinds) {
		return false
	}
	for i, k := range kinds {
		if ops[i].Kind != k {
			return false
		}
	}
	return true
}

// splitInst splits "fadd v0.4s, v1.4s, v2.4s" into the mnemonic and the
// operand texts, keeping commas inside {...} and [...] together.
func splitInst(inst string) (string, []string) {
	inst = strings.ToLower(strings.TrimSpace(inst))
	if i := strings.Index(inst, "//"); i >= 0 {
		inst = strings.TrimSpace(inst[:i])
	}
	mn, rest, _ := strings.Cut(inst, " ")
	rest = strings.TrimSpace(rest)
	var ops []string
	depth, start := 0, 0
	for i := 0; i < len(rest); i++ {
		switch rest[i] {
		case '{', '[':
			depth++
		case '}', ']':
			depth--
		case ',':
			if depth == 0 {
				ops = append(ops, strings.TrimSpace(rest[start:i]))
				start = i + 1
			}
		}
	}
	if s := strings.TrimSpace(rest[start:]); s != "" || len(ops) > 0 {
		ops = append(ops, s)
	}
	return mn, ops
}

var arrangements = map[string]bool{
	"8b": true, "16b": true, "4h": true, "8h": true, "2s": true, "4s": true,
	"1d": true, "2d": true, "1q": true, "4b": true, "2h": true,
}

func parseReg(s string) (int, bool) {
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 || n > 31 || s != strconv.Itoa(n) {
		return 0, false
	}
	return n, true
}

// parseVec parses "v3.4s" (Kind KindVec) or "v3.s[1]" (KindElem).
func parseVec(s string) (Operand, error) {
	if !strings.HasPrefix(s, "v") {
		return Operand{}, fmt.Errorf("bad vector register %q", s)
	}
	num, arr, ok := strings.Cut(s[1:], ".")
	r, rok := parseReg(num)
	if !ok || !rok {
		return Operand{}, fmt.Errorf("bad vector register %q", s)
	}
	if e, idx, ok := strings.Cut(arr, "["); ok {
		// v2.4b[1] (sdot by element) names a 32-bit element as four bytes,
		// v2.2h[1] as two halves.
		var arr string
		switch e {
		case "4b", "2h":
			arr, e = e, "s"
		}
		if len(e) != 1 || !strings.ContainsAny(e, "bhsd") || !strings.HasSuffix(idx, "]") {
			return Operand{}, fmt.Errorf("bad vector element %q", s)
		}
		i, err := strconv.Atoi(strings.TrimSuffix(idx, "]"))
		if err != nil || i < 0 {
			return Operand{}, fmt.Errorf("bad element index in %q", s)
		}
		return Operand{Kind: KindElem, Reg: r, Elem: e[0], Index: i, Arr: arr}, nil
	}
	if !arrangements[arr] {
		return Operand{}, fmt.Errorf("bad arrangement in %q", s)
	}
	return Operand{Kind: KindVec, Reg: r, Arr: arr}, nil
}

func parseImm(s string) (Operand, error) {
	t := strings.TrimSpace(strings.TrimPrefix(s, "#"))
	if i, err := strconv.ParseInt(t, 0, 64); err == nil {
		return Operand{Kind: KindImm, Imm: i, Float: float64(i)}, nil
	}
	if u, err := strconv.ParseUint(t, 0, 64); err == nil {
		return Operand{Kind: KindImm, Imm: int64(u), Float: float64(u)}, nil
	}
	if f, err := strconv.ParseFloat(t, 64); err == nil && !math.IsInf(f, 0) && !math.IsNaN(f) {
		return Operand{Kind: KindImm, Imm: int64(f), Float: f, IsFloat: true}, nil
	}
	return Operand{}, fmt.Errorf("bad immediate %q", s)
}

func parseOperand(s string) (Operand, error) {
	switch {
	case s == "":
		return Operand{}, fmt.Errorf("empty operand")
	case s[0] == '#':
		return parseImm(s)
	case s[0] == '{':
		if !strings.HasSuffix(s, "}") {
			return Operand{}, fmt.Errorf("bad register list %q", s)
		}
		inner := s[1 : len(s)-1]
		var regs []Operand
		if a, b, ok := strings.Cut(inner, "-"); ok {
			first, err := parseVec(strings.TrimSpace(a))
			if err != nil {
				return Operand{}, err
			}
			last, err := parseVec(strings.TrimSpace(b))
			if err != nil {
				return Operand{}, err
			}
			if first.Kind != KindVec || last.Kind != KindVec || first.Arr != last.Arr {
				return Operand{}, fmt.Errorf("bad register list %q", s)
			}
			n := (last.Reg-first.Reg)&31 + 1
			return Operand{Kind: KindList, Reg: first.Reg, Arr: first.Arr, Count: n}, nil
		}
		for _, part := range strings.Split(inner, ",") {
			v, err := parseVec(strings.TrimSpace(part))
			if err != nil {
				return Operand{}, err
			}
			if v.Kind != KindVec {
				return Operand{}, fmt.Errorf("bad register list %q", s)
			}
			regs = append(regs, v)
		}
		for i, v := range regs {
			if v.Arr != regs[0].Arr || v.Reg != (regs[0].Reg+i)&31 {
				return Operand{}, fmt.Errorf("register list %q must be consecutive registers of one arrangement", s)
			}
		}
		return Operand{Kind: KindList, Reg: regs[0].Reg, Arr: regs[0].Arr, Count: len(regs)}, nil
	case strings.HasPrefix(s, "lsl ") || strings.HasPrefix(s, "msl "):
		im, err := parseImm(strings.TrimSpace(s[4:]))
		if err != nil || im.IsFloat {
			return Operand{}, fmt.Errorf("bad shift %q", s)
		}
		return Operand{Kind: KindShift, Shift: s[:3], Imm: im.Imm}, nil
	case s[0] == 'v':
		return parseVec(s)
	case s == "wzr" || s == "xzr":
		return Operand{Kind: KindGPR, Reg: 31, Elem: s[0]}, nil
	case strings.ContainsRune("bhsdqwx", rune(s[0])):
		r, ok := parseReg(s[1:])
		if !ok || (s[0] == 'w' || s[0] == 'x') && r == 31 {
			return Operand{}, fmt.Errorf("bad register %q", s)
		}
		if s[0] == 'w' || s[0] == 'x' {
			return Operand{Kind: KindGPR, Reg: r, Elem: s[0]}, nil
		}
		return Operand{Kind: KindScalar, Reg: r, Elem: s[0]}, nil
	}
	return Operand{}, fmt.Errorf("bad operand %q", s)
}

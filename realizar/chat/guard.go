package chat

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/ardanlabs/jinja"
)

// A chat template comes from a model file, so it is untrusted code. The
// engine has no bound of its own on two things that would crash or hang the
// program: macro recursion (a Go stack overflow is fatal) and huge range()
// loops. Recursive macros are legitimate (tool templates walk JSON schemas
// with them), so rather than refusing them the template is rewritten to
// count macro depth through a guard function, and range() is replaced by
// one with the limit of Jinja2's sandbox.
const (
	maxMacroDepth = 256
	maxRange      = 100000 // jinja2.sandbox.MAX_RANGE
	guardEnter    = "__realizar_macro_enter"
	guardLeave    = "__realizar_macro_leave"
)

var (
	rawBlock   = regexp.MustCompile(`(?s)\{%-?\s*raw\s*-?%\}.*?\{%-?\s*endraw\s*-?%\}`)
	macroOpen  = regexp.MustCompile(`(?s)\{%-?\s*macro\b.*?(-?)%\}`)
	macroClose = regexp.MustCompile(`\{%(-?)\s*endmacro\b[^%]*%\}`)
)

// guardMacros inserts a call of the depth guard at the start and the end of
// every macro body. The calls are block tags ({% if ... %}{% endif %}) that
// take over the whitespace control of the tags they sit against, so the
// rendered text is unchanged under trim_blocks and lstrip_blocks.
func guardMacros(src string) string {
	if !strings.Contains(src, "macro") {
		return src
	}
	var b strings.Builder
	last := 0
	for _, r := range rawBlock.FindAllStringIndex(src, -1) {
		b.WriteString(guardMacroText(src[last:r[0]]))
		b.WriteString(src[r[0]:r[1]])
		last = r[1]
	}
	b.WriteString(guardMacroText(src[last:]))
	return b.String()
}

func guardMacroText(s string) string {
	s = macroOpen.ReplaceAllStringFunc(s, func(tag string) string {
		trim := ""
		if strings.HasSuffix(tag, "-%}") {
			trim = "-"
		}
		return tag + "{% if " + guardEnter + "() %}{% endif " + trim + "%}"
	})
	return macroClose.ReplaceAllStringFunc(s, func(tag string) string {
		trim := ""
		if strings.HasPrefix(tag, "{%-") {
			trim = "-"
		}
		return "{%" + trim + " if " + guardLeave + "() %}{% endif %}" + tag
	})
}

// guards returns the guard functions of one render.
func guards() map[string]jinja.Value {
	depth := 0
	none := jinja.NewString("")
	return map[string]jinja.Value{
		guardEnter: jinja.NewCallable(guardEnter, func([]jinja.Value, map[string]jinja.Value) (jinja.Value, error) {
			if depth++; depth > maxMacroDepth {
				return none, fmt.Errorf("macros nested deeper than %d calls (runaway recursion)", maxMacroDepth)
			}
			return none, nil
		}),
		guardLeave: jinja.NewCallable(guardLeave, func([]jinja.Value, map[string]jinja.Value) (jinja.Value, error) {
			depth--
			return none, nil
		}),
		"range": jinja.NewCallable("range", boundedRange),
	}
}

// boundedRange is Jinja's range(stop) / range(start, stop[, step]) with
// Jinja2 sandbox's limit on the number of items.
func boundedRange(args []jinja.Value, _ map[string]jinja.Value) (jinja.Value, error) {
	ints := make([]int64, len(args))
	for i, a := range args {
		switch {
		case a.IsInt():
			ints[i] = a.AsInt()
		case a.IsFloat() && a.AsFloat() == float64(int64(a.AsFloat())):
			ints[i] = int64(a.AsFloat())
		case a.IsBool():
			if a.AsBool() {
				ints[i] = 1
			}
		default:
			return jinja.Undefined(), fmt.Errorf("range: argument %d is %s, not an integer", i+1, a.String())
		}
	}
	var start, stop, step int64 = 0, 0, 1
	switch len(ints) {
	case 1:
		stop = ints[0]
	case 2:
		start, stop = ints[0], ints[1]
	case 3:
		start, stop, step = ints[0], ints[1], ints[2]
	default:
		return jinja.Undefined(), fmt.Errorf("range expects 1 to 3 arguments, got %d", len(ints))
	}
	if step == 0 {
		return jinja.Undefined(), fmt.Errorf("range: step must not be zero")
	}
	var n int64
	switch {
	case step > 0 && stop > start:
		n = (stop - start + step - 1) / step
	case step < 0 && stop < start:
		n = (start - stop - step - 1) / -step
	}
	if n < 0 || n > maxRange {
		return jinja.Undefined(), fmt.Errorf("range of %d items: more than the %d allowed", n, maxRange)
	}
	items := make([]jinja.Value, n)
	for i := range items {
		items[i] = jinja.NewInt(start + int64(i)*step)
	}
	return jinja.NewList(items), nil
}

package realizar

import (
	"strings"
	"testing"
)

func TestStopFilter(t *testing.T) {
	cases := []struct {
		stops  []string
		pieces []string
		want   []string // released after each piece ("|" marks the stop)
		out    string   // all released text, flush included when not stopped
	}{
		{nil, []string{"a", "b"}, []string{"a", "b"}, "ab"},
		{[]string{"END"}, []string{"hello E", "N", "D more"}, []string{"hello ", "", "|"}, "hello "},
		{[]string{"END"}, []string{"hello E", "N", "ding"}, []string{"hello ", "", "ENding"}, "hello ENding"},
		{[]string{"END"}, []string{"EN"}, []string{""}, "EN"}, // flushed at the end
		{[]string{"\n\n", "User:"}, []string{"ok\n", "Us", "er: hi"}, []string{"ok", "\n", "|"}, "ok\n"},
		{[]string{"ab", "b"}, []string{"xab"}, []string{"x|"}, "x"}, // earliest match wins
		{[]string{"aab"}, []string{"a", "a", "a", "b"}, []string{"", "", "a", "|"}, "a"},
		{[]string{"日本"}, []string{"今日", "日", "本"}, []string{"今", "日", "|"}, "今日"},
	}
	for _, c := range cases {
		f := &stopFilter{stops: c.stops}
		var all strings.Builder
		stopped := false
		for i, p := range c.pieces {
			out, s := f.push(p)
			all.WriteString(out)
			got := out
			if s {
				got += "|"
			}
			if got != c.want[i] {
				t.Errorf("stops %q pieces %q: piece %d released %q, want %q", c.stops, c.pieces, i, got, c.want[i])
			}
			if s {
				stopped = true
				break
			}
		}
		if !stopped {
			all.WriteString(f.flush())
		}
		if all.String() != c.out {
			t.Errorf("stops %q pieces %q: released %q in all, want %q", c.stops, c.pieces, all.String(), c.out)
		}
	}
}

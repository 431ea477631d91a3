package realizar

import "strings"

// stopFilter holds back generated text while it could be the beginning of
// a stop string, and cuts the text at the first stop string found.
type stopFilter struct {
	stops   []string
	pending string // decoded text not yet released
}

// push adds newly decoded text. It returns the text that is now safe to
// release and whether a stop string was completed (then out is the text
// before it, and the filter must not be used again).
func (f *stopFilter) push(text string) (out string, stopped bool) {
	if len(f.stops) == 0 {
		return text, false
	}
	buf := f.pending + text
	cut := -1
	for _, s := range f.stops {
		if i := strings.Index(buf, s); i >= 0 && (cut < 0 || i < cut) {
			cut = i
		}
	}
	if cut >= 0 {
		f.pending = ""
		return buf[:cut], true
	}
	keep := 0
	for _, s := range f.stops {
		// The longest proper prefix of s that ends buf.
		for k := min(len(s)-1, len(buf)); k > keep; k-- {
			if strings.HasSuffix(buf, s[:k]) {
				keep = k
				break
			}
		}
	}
	f.pending = buf[len(buf)-keep:]
	return buf[:len(buf)-keep], false
}

// flush releases what is held back, at the end of a generation that did not
// stop on a stop string.
func (f *stopFilter) flush() string {
	out := f.pending
	f.pending = ""
	return out
}

// finish releases the text of the end of a generation: the decoder's last
// bytes go through the filter (they may still complete a stop string), then
// whatever it holds back.
func (f *stopFilter) finish(text string) string {
	out, stopped := f.push(text)
	if stopped {
		return out
	}
	return out + f.flush()
}

package bpe

// GPT-2's byte-level alphabet: every byte is shown as one printable
// codepoint. The printable Latin-1 bytes ('!'..'~', '¡'..'¬', '®'..'ÿ')
// stand for themselves; the other 68 bytes, in increasing order, take the
// codepoints from U+0100 on.
var (
	byteToRune [256]rune
	runeToByte [0x144]int16 // -1: not in the alphabet
)

func init() {
	printable := func(b int) bool {
		return (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF)
	}
	for i := range runeToByte {
		runeToByte[i] = -1
	}
	n := rune(0)
	for b := 0; b < 256; b++ {
		r := rune(b)
		if !printable(b) {
			r = 0x100 + n
			n++
		}
		byteToRune[b] = r
		runeToByte[r] = int16(b)
	}
}

// unmapToken turns a vocabulary string written in the byte alphabet back
// into the bytes it stands for. ok is false when a character is outside
// the alphabet (or the string is not valid UTF-8): such a string can never
// be produced from text.
func unmapToken(s string) (raw string, ok bool) {
	buf := make([]byte, 0, len(s))
	for i := 0; i < len(s); {
		var r rune
		var n int
		if s[i] < 0x80 {
			r, n = rune(s[i]), 1
		} else {
			r, n = decodeMulti(s, i)
			if n != 2 { // the alphabet's non-ASCII characters are two bytes long
				return "", false
			}
		}
		if int(r) >= len(runeToByte) || runeToByte[r] < 0 {
			return "", false
		}
		buf = append(buf, byte(runeToByte[r]))
		i += n
	}
	return string(buf), true
}

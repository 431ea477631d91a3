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

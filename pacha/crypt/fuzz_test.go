package crypt

import (
	"bytes"
	"testing"
)

// FuzzReadHeader: the header parser must never panic, never read past the
// header it reports, and accept only headers that re-encode to the same
// bytes (so no field is silently ignored).
func FuzzReadHeader(f *testing.F) {
	a, _ := GenerateX25519()
	b, _ := GenerateX25519()
	f.Add(encrypt(f, []byte("seed"), nil, fastPassword("p")))
	f.Add(encrypt(f, nil, &Options{ChunkSize: 4096}, a.Recipient(), b.Recipient()))
	f.Add([]byte("PACHAENC\x00\x01\x00\x00\x00\x00"))
	f.Fuzz(func(t *testing.T, data []byte) {
		r := bytes.NewReader(data)
		h, err := readHeader(r)
		if err != nil {
			return
		}
		used := len(data) - r.Len()
		if used != len(h.raw)+macSize {
			t.Fatalf("consumed %d bytes, header is %d", used, len(h.raw)+macSize)
		}
		again := *h
		again.marshal()
		if !bytes.Equal(again.raw, h.raw) {
			t.Fatalf("header does not re-encode to its own bytes")
		}
		// Trying a password on a parsed header is bounded by the limits.
		id := &Password{Secret: []byte("p"), MaxMemoryKiB: 1024, MaxTime: 2}
		unwrapAny(h, []Identity{id})
	})
}

// FuzzTamper: XOR any bytes into a valid encrypted file, anywhere; unless
// the mask is all zeros, decryption must fail, and whatever was written
// before the failure must be a prefix of the true plaintext.
func FuzzTamper(f *testing.F) {
	pw := fastPassword("p")
	plain := bytes.Repeat([]byte("model weights "), 1000)
	ct := encrypt(f, plain, &Options{ChunkSize: 4096}, pw)
	f.Add(uint16(0), []byte{1})
	f.Add(uint16(len(ct)-1), []byte{0x80})
	f.Add(uint16(len(ct)/2), []byte{0, 0, 4})
	f.Fuzz(func(t *testing.T, pos uint16, mask []byte) {
		bad := bytes.Clone(ct)
		changed := false
		for i, m := range mask {
			if j := int(pos) + i; j < len(bad) && m != 0 {
				bad[j] ^= m
				changed = true
			}
		}
		out, err := decrypt(bad, &Options{Concurrency: 1}, pw)
		if changed && err == nil {
			t.Fatalf("tampered file decrypted (pos %d, mask %x)", pos, mask)
		}
		if !changed && (err != nil || !bytes.Equal(out, plain)) {
			t.Fatalf("untouched file: %v", err)
		}
		if !bytes.HasPrefix(plain, out) {
			t.Fatal("unauthenticated plaintext written")
		}
	})
}

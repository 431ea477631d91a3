package crypt

import (
	"bytes"
	"fmt"
	"io"
	"testing"
)

func BenchmarkEncrypt(b *testing.B) {
	a, _ := GenerateX25519()
	pt := randomBytes(16<<20, 9)
	for _, conc := range []int{1, 0} {
		b.Run(fmt.Sprintf("conc=%d", conc), func(b *testing.B) {
			b.SetBytes(int64(len(pt)))
			for b.Loop() {
				if err := Encrypt(io.Discard, bytes.NewReader(pt), int64(len(pt)), &Options{Concurrency: conc}, a.Recipient()); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkDecrypt(b *testing.B) {
	a, _ := GenerateX25519()
	pt := randomBytes(16<<20, 9)
	ct := encrypt(b, pt, nil, a.Recipient())
	for _, conc := range []int{1, 0} {
		b.Run(fmt.Sprintf("conc=%d", conc), func(b *testing.B) {
			b.SetBytes(int64(len(pt)))
			for b.Loop() {
				if _, err := Decrypt(io.Discard, bytes.NewReader(ct), &Options{Concurrency: conc}, a); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkReaderAt64KiB(b *testing.B) {
	a, _ := GenerateX25519()
	pt := randomBytes(16<<20, 9)
	ct := encrypt(b, pt, nil, a.Recipient())
	ra, err := NewReaderAt(bytes.NewReader(ct), int64(len(ct)), a)
	if err != nil {
		b.Fatal(err)
	}
	buf := make([]byte, 64<<10)
	b.SetBytes(int64(len(pt)))
	for b.Loop() {
		for off := int64(0); off < ra.Size(); off += int64(len(buf)) {
			ra.ReadAt(buf, off)
		}
	}
}

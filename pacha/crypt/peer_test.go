package crypt

import (
	"bytes"
	"fmt"
	"io"
	"testing"

	"filippo.io/age"
)

// BenchmarkPeer runs ours and filippo.io/age (the library behind the age
// CLI) on the same 64 MiB in the same run, both to an X25519 recipient,
// streaming from a reader to a writer; compare the pairs as ratios, not
// absolute numbers. internal/cmd/pachabench does the same with the age
// and b3sum binaries on a 1 GiB file.
func BenchmarkPeer(b *testing.B) {
	pt := randomBytes(64<<20, 11)
	id, _ := GenerateX25519()
	ageID, _ := age.GenerateX25519Identity()
	ct := encrypt(b, pt, nil, id.Recipient())
	var ageCT bytes.Buffer
	w, _ := age.Encrypt(&ageCT, ageID.Recipient())
	w.Write(pt)
	w.Close()

	for _, conc := range []int{1, 0} {
		b.Run(fmt.Sprintf("encrypt/pacha/conc=%d", conc), func(b *testing.B) {
			b.SetBytes(int64(len(pt)))
			for b.Loop() {
				if err := Encrypt(io.Discard, bytes.NewReader(pt), int64(len(pt)), &Options{Concurrency: conc}, id.Recipient()); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	b.Run("encrypt/age", func(b *testing.B) {
		b.SetBytes(int64(len(pt)))
		for b.Loop() {
			w, err := age.Encrypt(io.Discard, ageID.Recipient())
			if err != nil {
				b.Fatal(err)
			}
			if _, err := io.Copy(w, bytes.NewReader(pt)); err != nil {
				b.Fatal(err)
			}
			if err := w.Close(); err != nil {
				b.Fatal(err)
			}
		}
	})
	for _, conc := range []int{1, 0} {
		b.Run(fmt.Sprintf("decrypt/pacha/conc=%d", conc), func(b *testing.B) {
			b.SetBytes(int64(len(pt)))
			for b.Loop() {
				if _, err := Decrypt(io.Discard, bytes.NewReader(ct), &Options{Concurrency: conc}, id); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	b.Run("decrypt/age", func(b *testing.B) {
		b.SetBytes(int64(len(pt)))
		for b.Loop() {
			r, err := age.Decrypt(bytes.NewReader(ageCT.Bytes()), ageID)
			if err != nil {
				b.Fatal(err)
			}
			if _, err := io.Copy(io.Discard, r); err != nil {
				b.Fatal(err)
			}
		}
	})
}

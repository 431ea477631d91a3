package crypt

import (
	"fmt"
	"os"

	"github.com/batuta-go/stack/internal/atomicfile"
)

// EncryptFile encrypts the file at src into dst. The output appears under
// dst only once complete and synced; it replaces an existing dst only when
// replace is true.
func EncryptFile(dst, src string, replace bool, opts *Options, recipients ...Recipient) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	st, err := in.Stat()
	if err != nil {
		return err
	}
	if !st.Mode().IsRegular() {
		return fmt.Errorf("crypt: %s is not a regular file", src)
	}
	out, err := atomicfile.Create(dst, mode(replace))
	if err != nil {
		return err
	}
	defer out.Abort()
	if err := Encrypt(out, in, st.Size(), opts, recipients...); err != nil {
		return fmt.Errorf("%s: %w", src, err)
	}
	return out.Commit()
}

// DecryptFile decrypts the file at src into dst. No plaintext ever appears
// under dst unless every chunk authenticated: it is written to a temporary
// file that is removed on any error. The file's length is checked against
// its header before any decryption, so a truncated file fails at once.
func DecryptFile(dst, src string, replace bool, opts *Options, identities ...Identity) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	st, err := in.Stat()
	if err != nil {
		return err
	}
	h, err := readHeader(in)
	if err != nil {
		return fmt.Errorf("%s: %w", src, err)
	}
	if want := h.totalSize(); uint64(st.Size()) != want {
		kind := ErrTruncated
		if uint64(st.Size()) > want {
			kind = ErrTrailingData
		}
		return fmt.Errorf("%s: %w: file is %d bytes, header declares %d", src, kind, st.Size(), want)
	}
	if _, err := in.Seek(0, 0); err != nil {
		return err
	}
	out, err := atomicfile.Create(dst, mode(replace))
	if err != nil {
		return err
	}
	defer out.Abort()
	if _, err := Decrypt(out, in, opts, identities...); err != nil {
		return fmt.Errorf("%s: %w", src, err)
	}
	return out.Commit()
}

func mode(replace bool) atomicfile.Mode {
	if replace {
		return atomicfile.Replace
	}
	return atomicfile.NoReplace
}

package crypt_test

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/batuta-go/stack/pacha/crypt"
)

func Example() {
	model := strings.Repeat("tensor bytes ", 10000)
	// Cheap Argon2id parameters keep the example fast; leave Params zero
	// for the RFC 9106 default.
	pw := &crypt.Password{Secret: []byte("correct horse"), Params: crypt.Argon2Params{Time: 1, MemoryKiB: 1024, Threads: 1}}

	var enc bytes.Buffer
	if err := crypt.Encrypt(&enc, strings.NewReader(model), int64(len(model)), nil, pw); err != nil {
		panic(err)
	}
	var dec bytes.Buffer
	if _, err := crypt.Decrypt(&dec, bytes.NewReader(enc.Bytes()), nil, pw); err != nil {
		panic(err)
	}
	fmt.Println(dec.String() == model)

	_, err := crypt.Decrypt(io.Discard, bytes.NewReader(enc.Bytes()), nil, &crypt.Password{Secret: []byte("wrong")})
	fmt.Println(errors.Is(err, crypt.ErrNoIdentityMatched))

	broken := bytes.Clone(enc.Bytes())
	broken[len(broken)-100] ^= 1
	_, err = crypt.Decrypt(io.Discard, bytes.NewReader(broken), nil, pw)
	fmt.Println(errors.Is(err, crypt.ErrChunkAuth))
	// Output:
	// true
	// true
	// true
}

// A loader reads a tensor from the middle of an encrypted model: only the
// chunks under the requested range are read and decrypted.
func ExampleNewReaderAt() {
	id, _ := crypt.GenerateX25519()
	model := bytes.Repeat([]byte("0123456789"), 100000) // 1 MB
	var enc bytes.Buffer
	crypt.Encrypt(&enc, bytes.NewReader(model), int64(len(model)), nil, id.Recipient())

	ra, err := crypt.NewReaderAt(bytes.NewReader(enc.Bytes()), int64(enc.Len()), id)
	if err != nil {
		panic(err)
	}
	tensor := make([]byte, 10)
	ra.ReadAt(tensor, 500_003)
	fmt.Println(ra.Size(), string(tensor))
	// Output: 1000000 3456789012
}

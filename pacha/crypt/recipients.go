package crypt

import (
	"crypto/ecdh"
	"crypto/hkdf"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"encoding/binary"
	"encoding/pem"
	"errors"
	"fmt"

	"golang.org/x/crypto/argon2"
	"golang.org/x/crypto/chacha20poly1305"
)

// A Recipient wraps the file key so that a matching Identity can recover
// it. The two kinds are *Password and *X25519Recipient.
type Recipient interface {
	wrap(fileKey []byte) (stanza, error)
}

// An Identity recovers the file key from a recipient stanza. The two kinds
// are *Password and *X25519Identity.
type Identity interface {
	// unwrap returns errNotMine when the stanza is of another kind or for
	// another key, ErrKDFLimits when it refuses the stanza's cost.
	unwrap(s stanza) ([]byte, error)
}

var errNotMine = errors.New("crypt: stanza not for this identity")

func deriveKey(secret, salt []byte, info string) []byte {
	k, err := hkdf.Key(sha256.New, secret, salt, info, chacha20poly1305.KeySize)
	if err != nil {
		panic("crypt: hkdf: " + err.Error())
	}
	return k
}

var zeroNonce [chacha20poly1305.NonceSize]byte

func sealKey(key, fileKey, ad []byte) []byte {
	a, _ := chacha20poly1305.New(key)
	return a.Seal(nil, zeroNonce[:], fileKey, ad)
}

func openKey(key, wrapped, ad []byte) ([]byte, error) {
	a, _ := chacha20poly1305.New(key)
	return a.Open(nil, zeroNonce[:], wrapped, ad)
}

// Argon2Params are the Argon2id cost parameters stored in the header.
type Argon2Params struct {
	Time      uint32 // passes
	MemoryKiB uint32
	Threads   uint8
}

// DefaultArgon2 is the second recommended setting of RFC 9106 (section 4):
// 3 passes over 64 MiB with 4 lanes.
var DefaultArgon2 = Argon2Params{Time: 3, MemoryKiB: 64 << 10, Threads: 4}

const (
	saltSize          = 16
	argon2ParamsSize  = 4 + 4 + 1
	argon2StanzaSize  = saltSize + argon2ParamsSize + fileKeySize + tagSize
	x25519StanzaSize  = 32 + fileKeySize + tagSize
	defaultMaxMemKiB  = 1 << 20 // 1 GiB
	defaultMaxTime    = 16
	argon2StanzaLabel = "pacha-enc/v1 argon2id"
	x25519StanzaLabel = "pacha-enc/v1 x25519"
)

// Password is both a Recipient (encrypt with a password) and an Identity
// (decrypt with it). The key-encryption key is Argon2id(password, salt)
// with the parameters written in the header.
type Password struct {
	Secret []byte
	// Params for encryption; the zero value means DefaultArgon2.
	Params Argon2Params
	// Limits for decryption: a header asking for more is refused with
	// ErrKDFLimits before any work. Zero means 1 GiB and 16 passes.
	MaxMemoryKiB uint32
	MaxTime      uint32
}

func (p *Password) wrap(fileKey []byte) (stanza, error) {
	if len(p.Secret) == 0 {
		return stanza{}, errors.New("crypt: empty password")
	}
	prm := p.Params
	if prm == (Argon2Params{}) {
		prm = DefaultArgon2
	}
	if err := checkArgon2(prm); err != nil {
		return stanza{}, err
	}
	body := make([]byte, saltSize, argon2StanzaSize)
	if _, err := rand.Read(body); err != nil {
		return stanza{}, err
	}
	body = binary.BigEndian.AppendUint32(body, prm.Time)
	body = binary.BigEndian.AppendUint32(body, prm.MemoryKiB)
	body = append(body, prm.Threads)
	kek := argon2.IDKey(p.Secret, body[:saltSize], prm.Time, prm.MemoryKiB, prm.Threads, chacha20poly1305.KeySize)
	body = append(body, sealKey(kek, fileKey, append([]byte(argon2StanzaLabel), body...))...)
	return stanza{typ: stanzaArgon2id, body: body}, nil
}

func (p *Password) unwrap(s stanza) ([]byte, error) {
	if s.typ != stanzaArgon2id {
		return nil, errNotMine
	}
	prm := parseArgon2(s.body)
	maxMem, maxTime := p.MaxMemoryKiB, p.MaxTime
	if maxMem == 0 {
		maxMem = defaultMaxMemKiB
	}
	if maxTime == 0 {
		maxTime = defaultMaxTime
	}
	if prm.MemoryKiB > maxMem || prm.Time > maxTime {
		return nil, fmt.Errorf("%w: Argon2id t=%d m=%d KiB, allowed t<=%d m<=%d KiB",
			ErrKDFLimits, prm.Time, prm.MemoryKiB, maxTime, maxMem)
	}
	head := s.body[:saltSize+argon2ParamsSize]
	kek := argon2.IDKey(p.Secret, head[:saltSize], prm.Time, prm.MemoryKiB, prm.Threads, chacha20poly1305.KeySize)
	k, err := openKey(kek, s.body[len(head):], append([]byte(argon2StanzaLabel), head...))
	if err != nil {
		return nil, errNotMine
	}
	return k, nil
}

func parseArgon2(body []byte) Argon2Params {
	return Argon2Params{
		Time:      binary.BigEndian.Uint32(body[saltSize:]),
		MemoryKiB: binary.BigEndian.Uint32(body[saltSize+4:]),
		Threads:   body[saltSize+8],
	}
}

func checkArgon2(p Argon2Params) error {
	if p.Time == 0 || p.Threads == 0 || p.MemoryKiB < 8*uint32(p.Threads) {
		return fmt.Errorf("Argon2id parameters t=%d m=%d KiB p=%d out of range (t>=1, p>=1, m>=8p)", p.Time, p.MemoryKiB, p.Threads)
	}
	return nil
}

// checkStanza validates a stanza's shape when the header is parsed.
func checkStanza(s stanza) error {
	switch s.typ {
	case stanzaArgon2id:
		if len(s.body) != argon2StanzaSize {
			return fmt.Errorf("argon2id recipient of %d bytes, want %d", len(s.body), argon2StanzaSize)
		}
		return checkArgon2(parseArgon2(s.body))
	case stanzaX25519:
		if len(s.body) != x25519StanzaSize {
			return fmt.Errorf("x25519 recipient of %d bytes, want %d", len(s.body), x25519StanzaSize)
		}
		return nil
	}
	return fmt.Errorf("unknown recipient type %d", s.typ)
}

// X25519Recipient encrypts to the holder of an X25519 private key.
type X25519Recipient struct{ Key *ecdh.PublicKey }

// X25519Identity decrypts what was encrypted to its public key.
type X25519Identity struct{ Key *ecdh.PrivateKey }

// GenerateX25519 returns a new random identity.
func GenerateX25519() (*X25519Identity, error) {
	k, err := ecdh.X25519().GenerateKey(rand.Reader)
	if err != nil {
		return nil, err
	}
	return &X25519Identity{Key: k}, nil
}

// Recipient returns the public half.
func (id *X25519Identity) Recipient() *X25519Recipient {
	return &X25519Recipient{Key: id.Key.PublicKey()}
}

func (r *X25519Recipient) wrap(fileKey []byte) (stanza, error) {
	if r.Key == nil || r.Key.Curve() != ecdh.X25519() {
		return stanza{}, errors.New("crypt: X25519 recipient without an X25519 key")
	}
	eph, err := ecdh.X25519().GenerateKey(rand.Reader)
	if err != nil {
		return stanza{}, err
	}
	shared, err := eph.ECDH(r.Key)
	if err != nil {
		return stanza{}, err
	}
	ephPub := eph.PublicKey().Bytes()
	salt := append(append([]byte{}, ephPub...), r.Key.Bytes()...)
	kek := deriveKey(shared, salt, x25519StanzaLabel)
	body := append(ephPub, sealKey(kek, fileKey, nil)...)
	return stanza{typ: stanzaX25519, body: body}, nil
}

func (id *X25519Identity) unwrap(s stanza) ([]byte, error) {
	if s.typ != stanzaX25519 {
		return nil, errNotMine
	}
	ephPub, err := ecdh.X25519().NewPublicKey(s.body[:32])
	if err != nil {
		return nil, errNotMine
	}
	shared, err := id.Key.ECDH(ephPub)
	if err != nil { // low-order point: all-zero shared secret
		return nil, errNotMine
	}
	salt := append(append([]byte{}, s.body[:32]...), id.Key.PublicKey().Bytes()...)
	k, err := openKey(deriveKey(shared, salt, x25519StanzaLabel), s.body[32:], nil)
	if err != nil {
		return nil, errNotMine
	}
	return k, nil
}

// MarshalX25519Identity encodes the private key as PKCS#8 PEM ("PRIVATE KEY").
func MarshalX25519Identity(id *X25519Identity) ([]byte, error) {
	der, err := x509.MarshalPKCS8PrivateKey(id.Key)
	if err != nil {
		return nil, err
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), nil
}

// MarshalX25519Recipient encodes the public key as PKIX PEM ("PUBLIC KEY").
func MarshalX25519Recipient(r *X25519Recipient) ([]byte, error) {
	der, err := x509.MarshalPKIXPublicKey(r.Key)
	if err != nil {
		return nil, err
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}), nil
}

// ParseX25519Identity decodes a PKCS#8 PEM X25519 private key.
func ParseX25519Identity(data []byte) (*X25519Identity, error) {
	b, _ := pem.Decode(data)
	if b == nil || b.Type != "PRIVATE KEY" {
		return nil, errors.New("crypt: no PKCS#8 \"PRIVATE KEY\" PEM block")
	}
	k, err := x509.ParsePKCS8PrivateKey(b.Bytes)
	if err != nil {
		return nil, fmt.Errorf("crypt: %w", err)
	}
	ek, ok := k.(*ecdh.PrivateKey)
	if !ok || ek.Curve() != ecdh.X25519() {
		return nil, fmt.Errorf("crypt: private key is %T, not X25519", k)
	}
	return &X25519Identity{Key: ek}, nil
}

// ParseX25519Recipient decodes a PKIX PEM X25519 public key.
func ParseX25519Recipient(data []byte) (*X25519Recipient, error) {
	b, _ := pem.Decode(data)
	if b == nil || b.Type != "PUBLIC KEY" {
		return nil, errors.New("crypt: no \"PUBLIC KEY\" PEM block")
	}
	k, err := x509.ParsePKIXPublicKey(b.Bytes)
	if err != nil {
		return nil, fmt.Errorf("crypt: %w", err)
	}
	ek, ok := k.(*ecdh.PublicKey)
	if !ok || ek.Curve() != ecdh.X25519() {
		return nil, fmt.Errorf("crypt: public key is %T, not X25519", k)
	}
	return &X25519Recipient{Key: ek}, nil
}

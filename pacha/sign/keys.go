package sign

import (
	"crypto"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strings"

	"golang.org/x/crypto/ssh"
)

var identityRE = regexp.MustCompile(`^[A-Za-z0-9_%+-][A-Za-z0-9._%+@-]{0,253}$`)

// CheckIdentity reports whether s can name a signer: an e-mail-like token
// without spaces or path separators, since it also names key files.
func CheckIdentity(s string) error {
	if !identityRE.MatchString(s) {
		return fmt.Errorf("sign: identity %q: use letters, digits and . _ %% + - @ only (like an e-mail address)", s)
	}
	return nil
}

// PrivateKey is an Ed25519 signing key bound to an identity. It implements
// crypto.Signer.
type PrivateKey struct {
	Identity string
	Key      ed25519.PrivateKey
}

// PublicKey is an Ed25519 verification key bound to an identity.
type PublicKey struct {
	Identity string
	Key      ed25519.PublicKey
}

var _ crypto.Signer = (*PrivateKey)(nil)

// GenerateKey makes a new key for identity.
func GenerateKey(identity string, rnd io.Reader) (*PrivateKey, error) {
	if err := CheckIdentity(identity); err != nil {
		return nil, err
	}
	if rnd == nil {
		rnd = rand.Reader
	}
	_, priv, err := ed25519.GenerateKey(rnd)
	if err != nil {
		return nil, err
	}
	return &PrivateKey{Identity: identity, Key: priv}, nil
}

// Public returns the ed25519.PublicKey (for crypto.Signer).
func (k *PrivateKey) Public() crypto.PublicKey { return k.Key.Public() }

// Sign signs message with pure Ed25519 (opts.HashFunc() must be 0).
func (k *PrivateKey) Sign(rnd io.Reader, message []byte, opts crypto.SignerOpts) ([]byte, error) {
	return k.Key.Sign(rnd, message, opts)
}

// PublicKey returns the public half with the same identity.
func (k *PrivateKey) PublicKey() *PublicKey {
	return &PublicKey{Identity: k.Identity, Key: k.Key.Public().(ed25519.PublicKey)}
}

// KeyID is the key's fingerprint as OpenSSH prints it: "SHA256:" and the
// unpadded base64 of SHA-256 over the SSH wire encoding of the key.
func (p *PublicKey) KeyID() string {
	sp, err := ssh.NewPublicKey(p.Key)
	if err != nil {
		panic("sign: " + err.Error())
	}
	sum := sha256.Sum256(sp.Marshal())
	return "SHA256:" + base64.RawStdEncoding.EncodeToString(sum[:])
}

// MarshalPrivateKey encodes the key as PKCS#8 PEM ("PRIVATE KEY"). The
// identity is not part of PKCS#8; it lives in the file name and the public
// key file.
func MarshalPrivateKey(k *PrivateKey) ([]byte, error) {
	der, err := x509.MarshalPKCS8PrivateKey(k.Key)
	if err != nil {
		return nil, err
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), nil
}

// ParsePrivateKey reads an Ed25519 private key in PKCS#8 PEM or OpenSSH
// ("OPENSSH PRIVATE KEY", unencrypted) format.
func ParsePrivateKey(data []byte, identity string) (*PrivateKey, error) {
	if err := CheckIdentity(identity); err != nil {
		return nil, err
	}
	raw, err := ssh.ParseRawPrivateKey(data)
	if err != nil {
		var pp *ssh.PassphraseMissingError
		if errors.As(err, &pp) {
			return nil, errors.New("sign: the private key is passphrase-protected; decrypt it first (ssh-keygen -p)")
		}
		return nil, fmt.Errorf("sign: private key: %w", err)
	}
	switch k := raw.(type) {
	case ed25519.PrivateKey:
		return &PrivateKey{Identity: identity, Key: k}, nil
	case *ed25519.PrivateKey:
		return &PrivateKey{Identity: identity, Key: *k}, nil
	}
	return nil, fmt.Errorf("sign: private key is %T, not Ed25519", raw)
}

// MarshalPublicKey encodes the key as one OpenSSH authorized_keys line
// whose comment is the identity: "ssh-ed25519 AAAA… alice@example.com".
func MarshalPublicKey(p *PublicKey) []byte {
	sp, err := ssh.NewPublicKey(p.Key)
	if err != nil {
		panic("sign: " + err.Error())
	}
	line := strings.TrimSpace(string(ssh.MarshalAuthorizedKey(sp)))
	return []byte(line + " " + p.Identity + "\n")
}

// ParsePublicKeys reads every key in data: OpenSSH authorized_keys lines
// ("ssh-ed25519 AAAA… identity", blank and # lines skipped) whose comment
// names the identity, or one PKIX PEM block ("PUBLIC KEY"), which carries
// no identity and takes defaultIdentity. A line that is not an Ed25519
// key, or has no identity, is an error rather than skipped.
func ParsePublicKeys(data []byte, defaultIdentity string) ([]*PublicKey, error) {
	if b, _ := pem.Decode(data); b != nil {
		if b.Type != "PUBLIC KEY" {
			return nil, fmt.Errorf("sign: PEM block %q, want \"PUBLIC KEY\"", b.Type)
		}
		k, err := x509.ParsePKIXPublicKey(b.Bytes)
		if err != nil {
			return nil, fmt.Errorf("sign: %w", err)
		}
		ek, ok := k.(ed25519.PublicKey)
		if !ok {
			return nil, fmt.Errorf("sign: public key is %T, not Ed25519", k)
		}
		if defaultIdentity == "" {
			return nil, errors.New("sign: a PEM public key carries no identity; give one (trust add --identity ID)")
		}
		if err := CheckIdentity(defaultIdentity); err != nil {
			return nil, err
		}
		return []*PublicKey{{Identity: defaultIdentity, Key: ek}}, nil
	}
	var out []*PublicKey
	for n, line := range strings.Split(string(data), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		sp, comment, _, _, err := ssh.ParseAuthorizedKey([]byte(line))
		if err != nil {
			return nil, fmt.Errorf("sign: line %d: %w", n+1, err)
		}
		cp, ok := sp.(ssh.CryptoPublicKey)
		if !ok {
			return nil, fmt.Errorf("sign: line %d: unsupported key", n+1)
		}
		ek, ok := cp.CryptoPublicKey().(ed25519.PublicKey)
		if !ok {
			return nil, fmt.Errorf("sign: line %d: %s key, want ssh-ed25519", n+1, sp.Type())
		}
		id := comment
		if id == "" {
			id = defaultIdentity
		}
		if id == "" {
			return nil, fmt.Errorf("sign: line %d: the key has no identity (comment); give one (trust add --identity ID)", n+1)
		}
		if err := CheckIdentity(id); err != nil {
			return nil, fmt.Errorf("sign: line %d: %w", n+1, err)
		}
		out = append(out, &PublicKey{Identity: id, Key: ek})
	}
	if len(out) == 0 {
		return nil, errors.New("sign: no public key found")
	}
	return out, nil
}

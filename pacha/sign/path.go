package sign

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/batuta-go/stack/internal/batutahome"
)

// Paths are where keys and the trust store live under a batuta home.
type Paths struct {
	Home string
}

// DefaultPaths uses $BATUTA_HOME or the user's data directory.
func DefaultPaths() (Paths, error) {
	h, err := batutahome.Dir()
	return Paths{Home: h}, err
}

// PrivateKeyFile is HOME/keys/IDENTITY.key (PKCS#8 PEM, mode 0600).
func (p Paths) PrivateKeyFile(identity string) string {
	return filepath.Join(p.Home, "keys", identity+".key")
}

// PublicKeyFile is HOME/keys/IDENTITY.pub (an authorized_keys line).
func (p Paths) PublicKeyFile(identity string) string {
	return filepath.Join(p.Home, "keys", identity+".pub")
}

// TrustDir is HOME/trust.
func (p Paths) TrustDir() string { return filepath.Join(p.Home, "trust") }

// Keygen creates a key for identity and writes its two files. It refuses
// to replace an existing private key unless replace is set. With trust,
// the public key is also added to the trust store, so that what this
// identity signs verifies here.
func (p Paths) Keygen(identity string, replace, trust bool) (*PrivateKey, error) {
	k, err := GenerateKey(identity, nil)
	if err != nil {
		return nil, err
	}
	priv, err := MarshalPrivateKey(k)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(filepath.Join(p.Home, "keys"), 0o700); err != nil {
		return nil, err
	}
	if err := writeFile(p.PrivateKeyFile(identity), priv, 0o600, replace); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return nil, fmt.Errorf("sign: a key for %s already exists at %s (use --force to replace it)", identity, p.PrivateKeyFile(identity))
		}
		return nil, err
	}
	if err := writeFile(p.PublicKeyFile(identity), MarshalPublicKey(k.PublicKey()), 0o644, true); err != nil {
		return nil, err
	}
	if trust {
		t, err := LoadTrustStore(p.TrustDir())
		if err != nil {
			return nil, err
		}
		if err := t.Add(k.PublicKey()); err != nil {
			return nil, err
		}
	}
	return k, nil
}

// LoadPrivateKey reads HOME/keys/IDENTITY.key.
func (p Paths) LoadPrivateKey(identity string) (*PrivateKey, error) {
	if err := CheckIdentity(identity); err != nil {
		return nil, err
	}
	return LoadPrivateKeyFile(p.PrivateKeyFile(identity), identity)
}

// LoadPrivateKeyFile reads a PKCS#8 or OpenSSH Ed25519 private key and
// binds it to identity. A key file readable by others is refused, as ssh
// does.
func LoadPrivateKeyFile(name, identity string) (*PrivateKey, error) {
	st, err := os.Stat(name)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("sign: no private key for %s at %s (create one with keygen --identity %s)", identity, name, identity)
		}
		return nil, err
	}
	if st.Mode().Perm()&0o077 != 0 {
		return nil, fmt.Errorf("sign: private key %s has mode %v; it must not be accessible by others (chmod 600)", name, st.Mode().Perm())
	}
	data, err := os.ReadFile(name)
	if err != nil {
		return nil, err
	}
	k, err := ParsePrivateKey(data, identity)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return k, nil
}

// SignatureFile is the detached signature's default name: the file or
// directory path with ".sig" appended ("model.gguf" → "model.gguf.sig",
// "llama/" → "llama.sig").
func SignatureFile(target string) string {
	return strings.TrimRight(filepath.Clean(target), string(filepath.Separator)) + ".sig"
}

// SignPath signs the file or directory at target and writes the detached
// signature to sigFile ("" means SignatureFile(target)), replacing an old
// one. It returns the signed manifest.
func SignPath(target, sigFile string, key *PrivateKey) (*Manifest, error) {
	if sigFile == "" {
		sigFile = SignatureFile(target)
	}
	m, err := BuildManifest(target, excludeSelf(target, sigFile)...)
	if err != nil {
		return nil, err
	}
	data, err := SignManifest(m, filepath.Base(filepath.Clean(target)), key, time.Now())
	if err != nil {
		return nil, err
	}
	return m, writeFile(sigFile, data, 0o644, true)
}

// VerifyPath checks the detached signature sigFile ("" means
// SignatureFile(target)) of the file or directory at target against the
// trust store, then hashes every file and compares. A failure wraps
// ErrUntrusted, ErrBadSignature, ErrMalformed or ErrMismatch.
func VerifyPath(target, sigFile string, trust *TrustStore) (*Signature, error) {
	if sigFile == "" {
		sigFile = SignatureFile(target)
	}
	data, err := os.ReadFile(sigFile)
	if err != nil {
		return nil, fmt.Errorf("sign: reading the signature: %w", err)
	}
	// Check the signature before hashing gigabytes for nothing.
	if _, err := VerifySignature(data, trust); err != nil {
		return nil, err
	}
	m, err := BuildManifest(target, excludeSelf(target, sigFile)...)
	if err != nil {
		return nil, err
	}
	return VerifyManifest(data, m, trust)
}

// excludeSelf leaves the signature out of a directory's manifest when it
// is kept inside that directory.
func excludeSelf(target, sigFile string) []string {
	rel, err := filepath.Rel(target, sigFile)
	if err != nil || rel == "." || strings.HasPrefix(rel, "..") {
		return nil
	}
	return []string{filepath.ToSlash(rel)}
}

package sign

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/batuta-go/stack/internal/atomicfile"
)

// TrustStore binds identities to the public keys allowed to sign as them.
// On disk it is a directory of files named IDENTITY.pub, each holding one
// or more OpenSSH authorized_keys lines whose comment is that identity.
// Files not ending in .pub are not read.
type TrustStore struct {
	Dir  string
	Keys []*PublicKey
}

// LoadTrustStore reads the trust store in dir. A missing directory is an
// empty store; a .pub file that cannot be parsed, or that binds a key to
// an identity other than its file name, is an error naming the file.
func LoadTrustStore(dir string) (*TrustStore, error) {
	t := &TrustStore{Dir: dir}
	ents, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return t, nil
	}
	if err != nil {
		return nil, err
	}
	for _, e := range ents {
		id, ok := strings.CutSuffix(e.Name(), ".pub")
		if !ok || e.IsDir() {
			continue
		}
		p := filepath.Join(dir, e.Name())
		data, err := os.ReadFile(p)
		if err != nil {
			return nil, err
		}
		keys, err := ParsePublicKeys(data, id)
		if err != nil {
			return nil, fmt.Errorf("trust store %s: %w", p, err)
		}
		for _, k := range keys {
			if k.Identity != id {
				return nil, fmt.Errorf("trust store %s: key for %q in the file of %q", p, k.Identity, id)
			}
		}
		t.Keys = append(t.Keys, keys...)
	}
	return t, nil
}

func (t *TrustStore) byKeyID(kid string) []*PublicKey {
	var out []*PublicKey
	for _, k := range t.Keys {
		if k.KeyID() == kid {
			out = append(out, k)
		}
	}
	return out
}

// Lookup returns the keys trusted for identity.
func (t *TrustStore) Lookup(identity string) []*PublicKey {
	var out []*PublicKey
	for _, k := range t.Keys {
		if k.Identity == identity {
			out = append(out, k)
		}
	}
	return out
}

// Add trusts p for p.Identity, appending it to IDENTITY.pub. Adding a key
// already trusted for that identity does nothing.
func (t *TrustStore) Add(p *PublicKey) error {
	if err := CheckIdentity(p.Identity); err != nil {
		return err
	}
	for _, k := range t.Lookup(p.Identity) {
		if k.Key.Equal(p.Key) {
			return nil
		}
	}
	if err := os.MkdirAll(t.Dir, 0o755); err != nil {
		return err
	}
	name := filepath.Join(t.Dir, p.Identity+".pub")
	old, err := os.ReadFile(name)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	if len(old) > 0 && !bytes.HasSuffix(old, []byte("\n")) {
		old = append(old, '\n')
	}
	if err := writeFile(name, append(old, MarshalPublicKey(p)...), 0o644, true); err != nil {
		return err
	}
	t.Keys = append(t.Keys, p)
	return nil
}

// Remove stops trusting every key of identity. It reports whether any was
// trusted.
func (t *TrustStore) Remove(identity string) (bool, error) {
	if err := CheckIdentity(identity); err != nil {
		return false, err
	}
	err := os.Remove(filepath.Join(t.Dir, identity+".pub"))
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	t.Keys = slices.DeleteFunc(t.Keys, func(k *PublicKey) bool { return k.Identity == identity })
	return true, nil
}

func writeFile(name string, data []byte, perm os.FileMode, replace bool) error {
	mode := atomicfile.NoReplace
	if replace {
		mode = atomicfile.Replace
	}
	f, err := atomicfile.Create(name, mode)
	if err != nil {
		return err
	}
	defer f.Abort()
	if err := f.Chmod(perm); err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		return err
	}
	return f.Commit()
}

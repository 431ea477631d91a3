package sign

import (
	"bytes"
	"crypto/ed25519"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/batuta-go/stack/pacha/internal/b3"
)

// Errors a caller can branch on with errors.Is.
var (
	// ErrMalformed: the signature file is not a well-formed signature of
	// this format (unknown field, wrong type, bad encoding, unsorted files).
	ErrMalformed = errors.New("sign: malformed signature")
	// ErrUntrusted: no key in the trust store matches the signature, or the
	// identity it claims is not the one the trust store binds to that key.
	ErrUntrusted = errors.New("sign: signer not trusted")
	// ErrBadSignature: the key is trusted but the signature does not
	// verify: the signature file was altered.
	ErrBadSignature = errors.New("sign: signature invalid")
	// ErrMismatch: the signature is valid but the files differ from the
	// signed manifest; the error is a *MismatchError naming them.
	ErrMismatch = errors.New("sign: files do not match the signature")
)

// MismatchError lists every file that differs from what was signed.
type MismatchError struct {
	Identity string
	Changes  []Change
}

func (e *MismatchError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "sign: files do not match the signature by %s:", e.Identity)
	for _, c := range e.Changes {
		b.WriteString("\n  ")
		b.WriteString(c.String())
	}
	return b.String()
}

func (e *MismatchError) Unwrap() error { return ErrMismatch }

const (
	// PayloadType is the DSSE payload type: an in-toto statement.
	PayloadType = "application/vnd.in-toto+json"
	// StatementType is the in-toto statement version.
	StatementType = "https://in-toto.io/Statement/v1"
	// PredicateType names this package's manifest predicate, version 1.
	PredicateType = "https://github.com/batuta-go/stack/pacha/sign/manifest/v1"
)

// envelope is a DSSE envelope (github.com/secure-systems-lab/dsse).
type envelope struct {
	PayloadType string         `json:"payloadType"`
	Payload     string         `json:"payload"`
	Signatures  []envSignature `json:"signatures"`
}

type envSignature struct {
	KeyID string `json:"keyid"`
	Sig   string `json:"sig"`
}

type statement struct {
	Type          string    `json:"_type"`
	Subject       []subject `json:"subject"`
	PredicateType string    `json:"predicateType"`
	Predicate     predicate `json:"predicate"`
}

type subject struct {
	Name   string            `json:"name"`
	Digest map[string]string `json:"digest"`
}

type predicate struct {
	Version       int    `json:"version"`
	Identity      string `json:"identity"`
	KeyID         string `json:"keyid"`
	SignedAt      string `json:"signed_at"`
	HashAlgorithm string `json:"hash_algorithm"`
	Files         []File `json:"files"`
}

// pae is DSSE's pre-authentication encoding, the bytes actually signed.
func pae(payloadType string, payload []byte) []byte {
	var b bytes.Buffer
	b.WriteString("DSSEv1 ")
	b.WriteString(strconv.Itoa(len(payloadType)))
	b.WriteByte(' ')
	b.WriteString(payloadType)
	b.WriteByte(' ')
	b.WriteString(strconv.Itoa(len(payload)))
	b.WriteByte(' ')
	b.Write(payload)
	return b.Bytes()
}

// manifestDigest is the subject digest: BLAKE3-256 over one line per file,
// "name NUL size NUL digest LF", in manifest order.
func manifestDigest(m *Manifest) string {
	h := b3.New()
	for _, f := range m.Files {
		fmt.Fprintf(h, "%s\x00%d\x00%s\n", f.Name, f.Size, f.Digest)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// Signature is a verified signature's content.
type Signature struct {
	Subject  string // the signed model's name
	Identity string // the trusted identity that signed
	KeyID    string
	SignedAt time.Time
	Manifest *Manifest
}

// SignManifest signs m for the model called name and returns the signature
// file's bytes.
func SignManifest(m *Manifest, name string, key *PrivateKey, now time.Time) ([]byte, error) {
	m.sort()
	if err := m.check(); err != nil {
		return nil, err
	}
	if err := CheckIdentity(key.Identity); err != nil {
		return nil, err
	}
	kid := key.PublicKey().KeyID()
	st := statement{
		Type:          StatementType,
		Subject:       []subject{{Name: name, Digest: map[string]string{HashAlgorithm: manifestDigest(m)}}},
		PredicateType: PredicateType,
		Predicate: predicate{
			Version: 1, Identity: key.Identity, KeyID: kid,
			SignedAt:      now.UTC().Format(time.RFC3339),
			HashAlgorithm: HashAlgorithm, Files: m.Files,
		},
	}
	payload, err := json.Marshal(st)
	if err != nil {
		return nil, err
	}
	sig := ed25519.Sign(key.Key, pae(PayloadType, payload))
	env := envelope{
		PayloadType: PayloadType,
		Payload:     base64.StdEncoding.EncodeToString(payload),
		Signatures:  []envSignature{{KeyID: kid, Sig: base64.StdEncoding.EncodeToString(sig)}},
	}
	out, err := json.MarshalIndent(env, "", "  ")
	return append(out, '\n'), err
}

// decodeStrict decodes JSON into v, refusing unknown fields, duplicate
// keys (which encoding/json would resolve silently, last one winning,
// where another parser might take the first) and trailing data.
func decodeStrict(data []byte, v any) error {
	if err := checkDuplicateKeys(data); err != nil {
		return err
	}
	d := json.NewDecoder(bytes.NewReader(data))
	d.DisallowUnknownFields()
	if err := d.Decode(v); err != nil {
		return fmt.Errorf("%w: %v", ErrMalformed, err)
	}
	if _, err := d.Token(); err != io.EOF {
		return fmt.Errorf("%w: data after the JSON value", ErrMalformed)
	}
	return nil
}

func checkDuplicateKeys(data []byte) error {
	d := json.NewDecoder(bytes.NewReader(data))
	d.UseNumber()
	var walk func() error
	walk = func() error {
		tok, err := d.Token()
		if err != nil {
			return err
		}
		switch tok {
		case json.Delim('{'):
			seen := map[string]bool{}
			for d.More() {
				k, err := d.Token()
				if err != nil {
					return err
				}
				key, _ := k.(string)
				if seen[key] {
					return fmt.Errorf("duplicate key %q", key)
				}
				seen[key] = true
				if err := walk(); err != nil {
					return err
				}
			}
			_, err = d.Token()
			return err
		case json.Delim('['):
			for d.More() {
				if err := walk(); err != nil {
					return err
				}
			}
			_, err = d.Token()
			return err
		}
		return nil
	}
	if err := walk(); err != nil {
		return fmt.Errorf("%w: %v", ErrMalformed, err)
	}
	return nil
}

// parseEnvelope decodes the signature file strictly, without verifying.
func parseEnvelope(data []byte) (*envelope, []byte, []byte, error) {
	var env envelope
	if err := decodeStrict(data, &env); err != nil {
		return nil, nil, nil, err
	}
	if env.PayloadType != PayloadType {
		return nil, nil, nil, fmt.Errorf("%w: payload type %q, want %q", ErrMalformed, env.PayloadType, PayloadType)
	}
	if len(env.Signatures) != 1 {
		return nil, nil, nil, fmt.Errorf("%w: %d signatures, want exactly 1", ErrMalformed, len(env.Signatures))
	}
	payload, err := base64.StdEncoding.DecodeString(env.Payload)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("%w: payload: %v", ErrMalformed, err)
	}
	sig, err := base64.StdEncoding.DecodeString(env.Signatures[0].Sig)
	if err != nil || len(sig) != ed25519.SignatureSize {
		return nil, nil, nil, fmt.Errorf("%w: signature is not %d base64 bytes", ErrMalformed, ed25519.SignatureSize)
	}
	return &env, payload, sig, nil
}

// parseStatement decodes and checks the signed payload.
func parseStatement(payload []byte) (*statement, error) {
	var st statement
	if err := decodeStrict(payload, &st); err != nil {
		return nil, err
	}
	switch {
	case st.Type != StatementType:
		return nil, fmt.Errorf("%w: statement type %q", ErrMalformed, st.Type)
	case st.PredicateType != PredicateType:
		return nil, fmt.Errorf("%w: predicate type %q", ErrMalformed, st.PredicateType)
	case st.Predicate.Version != 1:
		return nil, fmt.Errorf("%w: predicate version %d, this build reads 1", ErrMalformed, st.Predicate.Version)
	case st.Predicate.HashAlgorithm != HashAlgorithm:
		return nil, fmt.Errorf("%w: hash algorithm %q, want %q", ErrMalformed, st.Predicate.HashAlgorithm, HashAlgorithm)
	case len(st.Subject) != 1 || len(st.Subject[0].Digest) != 1:
		return nil, fmt.Errorf("%w: want one subject with one digest", ErrMalformed)
	}
	m := &Manifest{Files: st.Predicate.Files}
	if err := m.check(); err != nil {
		return nil, err
	}
	if d := st.Subject[0].Digest[HashAlgorithm]; d != manifestDigest(m) {
		return nil, fmt.Errorf("%w: subject digest does not match the file list", ErrMalformed)
	}
	if _, err := time.Parse(time.RFC3339, st.Predicate.SignedAt); err != nil {
		return nil, fmt.Errorf("%w: signed_at: %v", ErrMalformed, err)
	}
	return &st, nil
}

// VerifySignature checks the signature file against the trust store and
// returns its content. It does not look at any file: compare the manifest
// with the files (VerifyManifest, VerifyPath) for that.
//
// The key is found in the trust store by the signature's key ID, never
// taken from the signature; the identity the payload claims must be the
// one the trust store binds to that key.
func VerifySignature(sigFile []byte, trust *TrustStore) (*Signature, error) {
	env, payload, sig, err := parseEnvelope(sigFile)
	if err != nil {
		return nil, err
	}
	kid := env.Signatures[0].KeyID
	cands := trust.byKeyID(kid)
	if len(cands) == 0 {
		claim := "unknown identity"
		if st, err := parseStatement(payload); err == nil {
			claim = "claims " + st.Predicate.Identity
		}
		return nil, fmt.Errorf("%w: key %s (%s) is not in the trust store %s", ErrUntrusted, kid, claim, trust.Dir)
	}
	msg := pae(env.PayloadType, payload)
	var key *PublicKey
	for _, c := range cands {
		if ed25519.Verify(c.Key, msg, sig) {
			key = c
			break
		}
	}
	if key == nil {
		return nil, fmt.Errorf("%w: does not verify with trusted key %s (%s)", ErrBadSignature, kid, cands[0].Identity)
	}
	st, err := parseStatement(payload)
	if err != nil {
		return nil, err
	}
	if st.Predicate.Identity != key.Identity {
		return nil, fmt.Errorf("%w: signed as %q with a key the trust store binds to %q", ErrUntrusted, st.Predicate.Identity, key.Identity)
	}
	if st.Predicate.KeyID != kid {
		return nil, fmt.Errorf("%w: payload key ID %s differs from the envelope's %s", ErrMalformed, st.Predicate.KeyID, kid)
	}
	at, _ := time.Parse(time.RFC3339, st.Predicate.SignedAt)
	return &Signature{
		Subject: st.Subject[0].Name, Identity: key.Identity, KeyID: kid, SignedAt: at,
		Manifest: &Manifest{Files: st.Predicate.Files},
	}, nil
}

// VerifyManifest checks the signature, then compares the signed manifest
// with found; a difference is a *MismatchError naming every file.
func VerifyManifest(sigFile []byte, found *Manifest, trust *TrustStore) (*Signature, error) {
	s, err := VerifySignature(sigFile, trust)
	if err != nil {
		return nil, err
	}
	found.sort()
	if ch := Diff(s.Manifest, found); len(ch) > 0 {
		return s, &MismatchError{Identity: s.Identity, Changes: ch}
	}
	return s, nil
}

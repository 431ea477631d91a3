package sign

import (
	"testing"
	"time"
)

// FuzzParseSignature: the signature parsers never panic, and nothing
// verifies against a trust store it was not signed for.
func FuzzParseSignature(f *testing.F) {
	k, _ := GenerateKey("alice@example.com", nil)
	m := &Manifest{Files: []File{{Name: "model.gguf", Size: 3, Digest: "af1349b9f5f9a1a6a0404dea36dcc9499bcb25c9adc112b7cc9a93cae41f3262"}}}
	good, _ := SignManifest(m, "model.gguf", k, time.Unix(0, 0))
	f.Add(good)
	f.Add([]byte(`{"payloadType":"application/vnd.in-toto+json","payload":"","signatures":[]}`))
	other, _ := GenerateKey("bob@example.com", nil)
	ts := &TrustStore{Keys: []*PublicKey{other.PublicKey()}}
	f.Fuzz(func(t *testing.T, data []byte) {
		if _, payload, _, err := parseEnvelope(data); err == nil {
			parseStatement(payload)
		}
		if _, err := VerifySignature(data, ts); err == nil {
			t.Fatal("verified against a store holding only another key")
		}
		ParsePublicKeys(data, "x")
		ParsePrivateKey(data, "x")
	})
}

// Package sign signs models with Ed25519 and verifies them against a trust
// store of identities.
//
// A signature covers a manifest of every file of a model — its name, size
// and BLAKE3-256 digest — in the shape of OpenSSF model signing: a DSSE
// envelope around an in-toto statement. Verification finds the key in the
// trust store (never in the signature), checks the signature, then hashes
// the files; a file swapped, added, removed or changed fails with a
// *MismatchError that names it.
//
//	p, _ := sign.DefaultPaths() // $BATUTA_HOME or the user data directory
//	key, err := p.Keygen("alice@example.com", false, true)
//	if err != nil {
//		return err
//	}
//	if _, err := sign.SignPath("model.gguf", "", key); err != nil { // writes model.gguf.sig
//		return err
//	}
//	trust, _ := sign.LoadTrustStore(p.TrustDir())
//	sig, err := sign.VerifyPath("model.gguf", "", trust)
//	// errors.Is(err, sign.ErrMismatch), ErrUntrusted, ErrBadSignature, ErrMalformed
//
// # Keys
//
// The private key is PKCS#8 PEM ("PRIVATE KEY"), written with mode 0600 to
// HOME/keys/IDENTITY.key; an unencrypted OpenSSH private key ("OPENSSH
// PRIVATE KEY", from ssh-keygen -t ed25519) is read too. The public key is
// one OpenSSH authorized_keys line whose comment is the identity, in
// HOME/keys/IDENTITY.pub. The key ID is the OpenSSH fingerprint,
// "SHA256:" + unpadded base64 of SHA-256 over the SSH wire form of the key
// (what ssh-keygen -lf prints).
//
// # Trust store
//
// A directory (HOME/trust, or any directory given explicitly) of files
// IDENTITY.pub, each holding authorized_keys lines for that identity. A
// signature is accepted only if its key ID names a key in the store, the
// signature verifies with that key, and the identity it claims is the one
// the store binds to the key.
//
// # FORMAT
//
// Version 1. The detached signature is written beside the target, named
// TARGET.sig ("model.gguf.sig"; "llama/" gets "llama.sig"). It is a DSSE
// envelope (github.com/secure-systems-lab/dsse), UTF-8 JSON:
//
//	{
//	  "payloadType": "application/vnd.in-toto+json",
//	  "payload": base64(statement),
//	  "signatures": [{"keyid": "SHA256:…", "sig": base64(64-byte Ed25519 signature)}]
//	}
//
// The signature is pure Ed25519 over DSSE's pre-authentication encoding:
// "DSSEv1" SP len(payloadType) SP payloadType SP len(payload) SP payload,
// lengths in decimal. The payload is an in-toto Statement v1:
//
//	{
//	  "_type": "https://in-toto.io/Statement/v1",
//	  "subject": [{"name": "model.gguf", "digest": {"blake3": MANIFEST-DIGEST}}],
//	  "predicateType": "https://github.com/batuta-go/stack/pacha/sign/manifest/v1",
//	  "predicate": {
//	    "version": 1,
//	    "identity": "alice@example.com",
//	    "keyid": "SHA256:…",
//	    "signed_at": "2026-11-26T10:00:00Z",
//	    "hash_algorithm": "blake3",
//	    "files": [{"name": "model.gguf", "size": 4368439584, "digest": "af13…"}]
//	  }
//	}
//
// files lists every regular file, sorted by name, names unique and
// slash-separated relative to the signed directory (a single file is
// listed by its base name); digest is the lowercase hex BLAKE3-256 of the
// content. MANIFEST-DIGEST is BLAKE3-256 over one line per file, "name NUL
// size NUL digest LF" in that order. Symbolic links and special files
// cannot be signed. A reader rejects unknown fields, duplicate JSON keys,
// a second signature, a payload type, statement type, predicate type,
// version or hash algorithm other than these, unsorted or duplicate names,
// paths with "..", and a subject digest that does not match the file list.
package sign

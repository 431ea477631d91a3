// Package crypt encrypts models at rest with a streaming, chunked AEAD in
// the shape of age's STREAM construction, and reads them back either as a
// stream or through an io.ReaderAt that decrypts only the chunks a reader
// touches.
//
// A file is encrypted to one password (Argon2id) or to one or more X25519
// public keys. Truncation, extension, reordered or modified chunks, a
// changed header and a wrong password or key are each reported with an
// error that errors.Is matches against one of the Err* values; DecryptFile
// writes plaintext under the destination name only after every chunk has
// authenticated.
//
//	pw := &crypt.Password{Secret: []byte(os.Getenv("MODEL_KEY"))}
//	if err := crypt.EncryptFile("model.gguf.enc", "model.gguf", false, nil, pw); err != nil {
//		return err
//	}
//	f, _ := os.Open("model.gguf.enc")
//	st, _ := f.Stat()
//	ra, err := crypt.NewReaderAt(f, st.Size(), pw) // random access, nothing on disk
//	if err != nil {
//		return err
//	}
//	buf := make([]byte, 4096)
//	_, err = ra.ReadAt(buf, 1<<30)
//
// # FORMAT
//
// Version 1. All integers are big-endian. A file is a header, a 32-byte
// header MAC, and the payload:
//
//	offset  size  field
//	0       8     magic "PACHAENC"
//	8       2     format version = 1
//	10      4     H = length of the header body (at most 16 KiB)
//	14      H     header body:
//	                1   AEAD: 1 = ChaCha20-Poly1305 (RFC 8439)
//	                1   log2 of the plaintext chunk size, 12..24 (16 = 64 KiB)
//	                8   plaintext size in bytes, at most 2^60
//	                16  stream nonce (random)
//	                1   recipient count N, 1..64
//	                N × recipient: 1 type, 2 length L, L bytes of body
//	14+H    32    HMAC-SHA256 over bytes [0, 14+H) with the header key
//	46+H    ...   payload
//
// Recipient bodies (the length must be exactly the one given):
//
//	type 1, password, 73 bytes: salt (16) | Argon2id time (4) |
//	  memory in KiB (4) | threads (1) | wrapped file key (48)
//	  KEK = Argon2id(password, salt, time, memory, threads, 32 bytes);
//	  wrapped = ChaCha20-Poly1305(KEK, nonce 0, file key,
//	  AD = "pacha-enc/v1 argon2id" | salt | parameters).
//	  A password recipient must be the only recipient.
//	type 2, X25519, 80 bytes: ephemeral public key (32) | wrapped file key (48)
//	  KEK = HKDF-SHA256(X25519(ephemeral, recipient), salt = ephemeral |
//	  recipient public key, info "pacha-enc/v1 x25519");
//	  wrapped = ChaCha20-Poly1305(KEK, nonce 0, file key).
//
// The file key is 32 random bytes. From it, with HKDF-SHA256:
//
//	header key  = HKDF(file key, salt empty,        info "pacha-enc/v1 header")
//	payload key = HKDF(file key, salt stream nonce, info "pacha-enc/v1 payload")
//
// The header MAC authenticates every header byte (version, chunk size,
// plaintext size, KDF parameters, recipients). It can only be checked once
// a recipient has yielded the file key, so a reader parses the header
// strictly first: an unknown version, AEAD or recipient type, a bad length
// or an out-of-range parameter is an error, never skipped.
//
// The payload is the plaintext cut into chunks of the chunk size, the last
// one possibly shorter; there are max(1, ceil(size/chunk)) chunks, so an
// empty plaintext still has one (empty) authenticated chunk. Chunk i is
// sealed with ChaCha20-Poly1305 under the payload key, with the 12-byte
// nonce i as an 11-byte big-endian counter followed by one byte that is 1
// for the last chunk and 0 otherwise, and no additional data; each sealed
// chunk is its ciphertext followed by its 16-byte tag. The payload length
// is therefore exactly size + 16 × chunks, which a reader checks against
// the file's length before decrypting anything.
//
// Decryption limits: Argon2id parameters above the caller's limits (by
// default 1 GiB of memory or 16 passes) are refused with ErrKDFLimits
// before any work, so a hostile header cannot make a reader spend
// unbounded memory or time.
package crypt

package main

// The security half of `batuta pacha`: keygen, sign, verify, trust,
// encrypt, decrypt. The logic lives in pacha/sign and pacha/crypt; these
// are flags, wiring and output. Wire with one line in the pacha command:
//
//	addSecCommands(pachaCmd)

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/batuta-go/stack/internal/atomicfile"
	"github.com/batuta-go/stack/pacha/crypt"
	"github.com/batuta-go/stack/pacha/sign"
)

// addSecCommands adds keygen, sign, verify, trust, encrypt and decrypt to
// parent (the `pacha` command).
func addSecCommands(parent *cobra.Command) {
	parent.AddCommand(secKeygenCmd(), secSignCmd(), secVerifyCmd(), secTrustCmd(), secEncryptCmd(), secDecryptCmd())
}

// secRefStore is what sign and verify need from the model store to work on
// a registry reference (name:tag) instead of a path. The store wiring sets
// secRefs; while it is nil, sign and verify take paths only.
type secRefStore interface {
	// Files lists the model's files with the BLAKE3 digests of their
	// blobs, re-hashed from the blobs (not copied from the manifest), so
	// that verification sees what is actually stored.
	Files(ref string) (*sign.Manifest, error)
	// ReadSignature and WriteSignature keep the detached signature of a
	// reference in the store.
	ReadSignature(ref string) ([]byte, error)
	WriteSignature(ref string, data []byte) error
}

var secRefs secRefStore

// secLineage, when set by the wiring to the lineage recorder, is told of
// every encryption and decryption: an edge from the input file to the
// output with the operation and its parameters.
var secLineage func(parent, child, op string, params map[string]string) error

func secRecord(parent, child, op string, params map[string]string) error {
	if secLineage == nil {
		return nil
	}
	if err := secLineage(parent, child, op, params); err != nil {
		return fmt.Errorf("recording lineage %s -> %s: %w", parent, child, err)
	}
	return nil
}

// secIsRef reports whether target should be taken as a registry
// reference: it is not a path that exists and a store is wired.
func secIsRef(target string) bool {
	if secRefs == nil {
		return false
	}
	_, err := os.Lstat(target)
	return errors.Is(err, os.ErrNotExist)
}

func secPaths() (sign.Paths, error) {
	p, err := sign.DefaultPaths()
	if err != nil {
		return p, fmt.Errorf("finding the batuta home: %w", err)
	}
	return p, nil
}

func secJSON(cmd *cobra.Command, v any) error {
	enc := json.NewEncoder(cmd.OutOrStdout())
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

func secKeygenCmd() *cobra.Command {
	var identity string
	var force, noTrust, x25519, asJSON bool
	cmd := &cobra.Command{
		Use:   "keygen --identity ID",
		Short: "Create an Ed25519 signing key (or, with --x25519, an encryption key)",
		Long: `Create a key for an identity under $BATUTA_HOME/keys:
  ID.key  Ed25519 private key, PKCS#8 PEM, mode 0600
  ID.pub  public key, one OpenSSH authorized_keys line with ID as comment
The public key is added to the trust store ($BATUTA_HOME/trust) unless
--no-trust is given, so that what you sign verifies on this machine.

With --x25519, create an encryption key pair instead (ID.x25519.key, PKCS#8
PEM, and ID.x25519.pub, PKIX PEM) for encrypt --recipient and
decrypt --identity-file.`,
		Example: "  batuta pacha keygen --identity alice@example.com",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			p, err := secPaths()
			if err != nil {
				return err
			}
			if x25519 {
				return secKeygenX25519(cmd, p, identity, force, asJSON)
			}
			k, err := p.Keygen(identity, force, !noTrust)
			if err != nil {
				return err
			}
			res := map[string]any{
				"identity": identity, "key_id": k.PublicKey().KeyID(),
				"private_key": p.PrivateKeyFile(identity), "public_key": p.PublicKeyFile(identity),
				"trusted": !noTrust,
			}
			if asJSON {
				return secJSON(cmd, res)
			}
			fmt.Fprintf(cmd.OutOrStdout(), "identity:    %s\nkey id:      %s\nprivate key: %s\npublic key:  %s\n",
				identity, res["key_id"], res["private_key"], res["public_key"])
			if !noTrust {
				fmt.Fprintf(cmd.OutOrStdout(), "trusted in:  %s\n", p.TrustDir())
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&identity, "identity", "", "identity the key signs as, such as an e-mail address (required)")
	cmd.Flags().BoolVar(&force, "force", false, "replace an existing key for this identity")
	cmd.Flags().BoolVar(&noTrust, "no-trust", false, "do not add the public key to the local trust store")
	cmd.Flags().BoolVar(&x25519, "x25519", false, "create an X25519 encryption key pair instead of a signing key")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the result as JSON")
	cmd.MarkFlagRequired("identity")
	return cmd
}

func secKeygenX25519(cmd *cobra.Command, p sign.Paths, identity string, force, asJSON bool) error {
	if err := sign.CheckIdentity(identity); err != nil {
		return err
	}
	id, err := crypt.GenerateX25519()
	if err != nil {
		return err
	}
	priv, err := crypt.MarshalX25519Identity(id)
	if err != nil {
		return err
	}
	pub, err := crypt.MarshalX25519Recipient(id.Recipient())
	if err != nil {
		return err
	}
	dir := filepath.Join(p.Home, "keys")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	privFile := filepath.Join(dir, identity+".x25519.key")
	pubFile := filepath.Join(dir, identity+".x25519.pub")
	mode := atomicfile.NoReplace
	if force {
		mode = atomicfile.Replace
	}
	f, err := atomicfile.Create(privFile, mode)
	if err != nil {
		if errors.Is(err, os.ErrExist) {
			return fmt.Errorf("an X25519 key for %s already exists at %s (use --force to replace it)", identity, privFile)
		}
		return err
	}
	defer f.Abort()
	if _, err := f.Write(priv); err != nil {
		return err
	}
	if err := f.Commit(); err != nil {
		return err
	}
	if err := os.WriteFile(pubFile, pub, 0o644); err != nil {
		return err
	}
	if asJSON {
		return secJSON(cmd, map[string]any{"identity": identity, "private_key": privFile, "public_key": pubFile})
	}
	fmt.Fprintf(cmd.OutOrStdout(), "private key: %s\npublic key:  %s\n", privFile, pubFile)
	return nil
}

func secSignCmd() *cobra.Command {
	var identity, keyFile, sigFile string
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "sign PATH|REF --identity ID",
		Short: "Sign a model file, directory or registry reference",
		Long: `Sign the file or directory PATH: a manifest of every file's name, size and
BLAKE3 digest, signed with Ed25519 and written beside it as PATH.sig
(a DSSE envelope holding an in-toto statement; see the pacha/sign package
documentation for the format). A registry reference (name:tag) that is not
a path is signed from the store's manifest, and the signature is kept in
the store.`,
		Example: "  batuta pacha sign model.gguf --identity alice@example.com",
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			var key *sign.PrivateKey
			var err error
			if keyFile != "" {
				key, err = sign.LoadPrivateKeyFile(keyFile, identity)
			} else {
				var p sign.Paths
				if p, err = secPaths(); err != nil {
					return err
				}
				key, err = p.LoadPrivateKey(identity)
			}
			if err != nil {
				return err
			}
			out := sigFile
			var m *sign.Manifest
			if secIsRef(args[0]) {
				if m, err = secRefs.Files(args[0]); err != nil {
					return err
				}
				data, err := sign.SignManifest(m, args[0], key, time.Now())
				if err != nil {
					return err
				}
				if out != "" {
					err = os.WriteFile(out, data, 0o644)
				} else {
					out = args[0] + " (in the store)"
					err = secRefs.WriteSignature(args[0], data)
				}
				if err != nil {
					return err
				}
			} else {
				if out == "" {
					out = sign.SignatureFile(args[0])
				}
				if m, err = sign.SignPath(args[0], out, key); err != nil {
					return err
				}
			}
			if asJSON {
				return secJSON(cmd, map[string]any{
					"signature": out, "identity": identity, "key_id": key.PublicKey().KeyID(), "files": m.Files,
				})
			}
			fmt.Fprintf(cmd.OutOrStdout(), "signed %d file(s) as %s (%s)\nsignature: %s\n",
				len(m.Files), identity, key.PublicKey().KeyID(), out)
			return nil
		},
	}
	cmd.Flags().StringVar(&identity, "identity", "", "identity to sign as (required)")
	cmd.Flags().StringVar(&keyFile, "key", "", "private key file (PKCS#8 or OpenSSH); default $BATUTA_HOME/keys/ID.key")
	cmd.Flags().StringVar(&sigFile, "signature", "", "where to write the signature (default PATH.sig)")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the result as JSON")
	cmd.MarkFlagRequired("identity")
	return cmd
}

func secTrustStore(dir string) (*sign.TrustStore, error) {
	if dir == "" {
		p, err := secPaths()
		if err != nil {
			return nil, err
		}
		dir = p.TrustDir()
	}
	return sign.LoadTrustStore(dir)
}

func secVerifyCmd() *cobra.Command {
	var sigFile, trustDir string
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "verify PATH|REF",
		Short: "Verify a model's detached signature against the trust store",
		Long: `Verify PATH (a file or directory) against its detached signature PATH.sig,
or a registry reference against the signature kept in the store.
The signing key must be in the trust store ($BATUTA_HOME/trust, or
--trust-dir) and bound there to the identity the signature claims; the key
inside a signature is never trusted by itself. Every file is hashed and
compared with the signed manifest; each file swapped, added, removed or
changed is named.

Exit status is 0 only when the signature is valid, its signer trusted, and
every file matches.`,
		Example: "  batuta pacha verify model.gguf\n  batuta pacha verify ./llama --trust-dir /etc/batuta/trust --json",
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ts, err := secTrustStore(trustDir)
			if err != nil {
				return err
			}
			var s *sign.Signature
			if secIsRef(args[0]) {
				s, err = secVerifyRef(args[0], sigFile, ts)
			} else {
				s, err = sign.VerifyPath(args[0], sigFile, ts)
			}
			if asJSON {
				res := map[string]any{"valid": err == nil, "path": args[0]}
				if s != nil {
					res["identity"], res["key_id"], res["signed_at"] = s.Identity, s.KeyID, s.SignedAt
					res["files"] = s.Manifest.Files
				}
				if err != nil {
					res["error"] = err.Error()
					var me *sign.MismatchError
					if errors.As(err, &me) {
						var ch []map[string]string
						for _, c := range me.Changes {
							ch = append(ch, map[string]string{"name": c.Name, "change": c.Kind.String()})
						}
						res["changes"] = ch
					}
				}
				if jerr := secJSON(cmd, res); jerr != nil {
					return jerr
				}
				return err
			}
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "OK: %s signed by %s (%s) at %s, %d file(s) match\n",
				args[0], s.Identity, s.KeyID, s.SignedAt.Format("2006-01-02 15:04:05Z07:00"), len(s.Manifest.Files))
			return nil
		},
	}
	cmd.Flags().StringVar(&sigFile, "signature", "", "signature file (default PATH.sig)")
	cmd.Flags().StringVar(&trustDir, "trust-dir", "", "trust store directory (default $BATUTA_HOME/trust)")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the result as JSON (exit status still tells)")
	return cmd
}

func secVerifyRef(ref, sigFile string, ts *sign.TrustStore) (*sign.Signature, error) {
	var data []byte
	var err error
	if sigFile != "" {
		data, err = os.ReadFile(sigFile)
	} else {
		data, err = secRefs.ReadSignature(ref)
	}
	if err != nil {
		return nil, fmt.Errorf("reading the signature of %s: %w", ref, err)
	}
	if _, err := sign.VerifySignature(data, ts); err != nil {
		return nil, err
	}
	m, err := secRefs.Files(ref)
	if err != nil {
		return nil, err
	}
	return sign.VerifyManifest(data, m, ts)
}

func secTrustCmd() *cobra.Command {
	var trustDir string
	cmd := &cobra.Command{
		Use:   "trust",
		Short: "Manage the trust store of identities and their public keys",
		Args:  cobra.NoArgs,
		RunE:  func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
	}
	cmd.PersistentFlags().StringVar(&trustDir, "trust-dir", "", "trust store directory (default $BATUTA_HOME/trust)")

	var identity string
	add := &cobra.Command{
		Use:   "add PUBKEY-FILE",
		Short: "Trust the Ed25519 public key(s) in a file (authorized_keys lines or PKIX PEM)",
		Long: `Trust the keys in PUBKEY-FILE. The identity is the key line's comment, or
--identity, which is required for a PEM file and overrides comments.`,
		Example: "  batuta pacha trust add bob.pub\n  batuta pacha trust add key.pem --identity bob@example.com",
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ts, err := secTrustStore(trustDir)
			if err != nil {
				return err
			}
			data, err := os.ReadFile(args[0])
			if err != nil {
				return err
			}
			keys, err := sign.ParsePublicKeys(data, identity)
			if err != nil {
				return fmt.Errorf("%s: %w", args[0], err)
			}
			for _, k := range keys {
				if identity != "" {
					k.Identity = identity
				}
				if err := ts.Add(k); err != nil {
					return err
				}
				fmt.Fprintf(cmd.OutOrStdout(), "trusted %s for %s\n", k.KeyID(), k.Identity)
			}
			return nil
		},
	}
	add.Flags().StringVar(&identity, "identity", "", "identity to trust the key(s) for")

	var asJSON bool
	list := &cobra.Command{
		Use:   "list",
		Short: "List trusted identities and key IDs",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ts, err := secTrustStore(trustDir)
			if err != nil {
				return err
			}
			rows := []map[string]string{}
			for _, k := range ts.Keys {
				rows = append(rows, map[string]string{"identity": k.Identity, "key_id": k.KeyID()})
			}
			if asJSON {
				return secJSON(cmd, rows)
			}
			for _, r := range rows {
				fmt.Fprintf(cmd.OutOrStdout(), "%s\t%s\n", r["identity"], r["key_id"])
			}
			return nil
		},
	}
	list.Flags().BoolVar(&asJSON, "json", false, "print as JSON")

	rm := &cobra.Command{
		Use:   "rm ID",
		Short: "Stop trusting every key of an identity",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ts, err := secTrustStore(trustDir)
			if err != nil {
				return err
			}
			ok, err := ts.Remove(args[0])
			if err != nil {
				return err
			}
			if !ok {
				return fmt.Errorf("%s is not in the trust store %s", args[0], ts.Dir)
			}
			return nil
		},
	}
	cmd.AddCommand(add, list, rm)
	return cmd
}

// secPassword reads the password from the environment variable named by
// env, or else from the terminal (twice when confirm is set). There is no
// flag that takes the password itself: command lines are visible to other
// users and kept in shell history.
func secPassword(cmd *cobra.Command, env string, confirm bool) ([]byte, error) {
	if env != "" {
		v, ok := os.LookupEnv(env)
		if !ok {
			return nil, fmt.Errorf("--password-env %s: the variable is not set", env)
		}
		if v == "" {
			return nil, fmt.Errorf("--password-env %s: the variable is empty", env)
		}
		return []byte(v), nil
	}
	fd := int(os.Stdin.Fd())
	if !term.IsTerminal(fd) {
		return nil, errors.New("no password: use --password-env VAR (or --recipient/--identity-file), or run on a terminal to be asked")
	}
	w := cmd.ErrOrStderr()
	fmt.Fprint(w, "Password: ")
	pw, err := term.ReadPassword(fd)
	fmt.Fprintln(w)
	if err != nil {
		return nil, err
	}
	if len(pw) == 0 {
		return nil, errors.New("empty password")
	}
	if confirm {
		fmt.Fprint(w, "Again: ")
		again, err := term.ReadPassword(fd)
		fmt.Fprintln(w)
		if err != nil {
			return nil, err
		}
		if !bytes.Equal(pw, again) {
			return nil, errors.New("the passwords differ")
		}
	}
	return pw, nil
}

func secEncryptCmd() *cobra.Command {
	var pwEnv, output string
	var recipients []string
	var force, asJSON bool
	var chunk int
	cmd := &cobra.Command{
		Use:   "encrypt FILE",
		Short: "Encrypt a model file (streaming ChaCha20-Poly1305, Argon2id or X25519)",
		Long: `Encrypt FILE to FILE.enc (or --output). The password comes from the
environment variable named by --password-env, or from a prompt on a
terminal; it is never taken on the command line. With --recipient, encrypt
to X25519 public keys instead (keygen --x25519 makes them).

The output appears only when complete; an existing output is kept unless
--force. See the pacha/crypt package documentation for the format.`,
		Example: "  MODEL_KEY=... batuta pacha encrypt model.gguf --password-env MODEL_KEY",
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			out := output
			if out == "" {
				out = args[0] + ".enc"
			}
			if !force {
				if _, err := os.Lstat(out); err == nil {
					return fmt.Errorf("%s exists (use --force to replace it)", out)
				}
			}
			var rs []crypt.Recipient
			if len(recipients) > 0 {
				if pwEnv != "" {
					return errors.New("use either --password-env or --recipient, not both")
				}
				for _, f := range recipients {
					data, err := os.ReadFile(f)
					if err != nil {
						return err
					}
					r, err := crypt.ParseX25519Recipient(data)
					if err != nil {
						return fmt.Errorf("%s: %w", f, err)
					}
					rs = append(rs, r)
				}
			} else {
				pw, err := secPassword(cmd, pwEnv, true)
				if err != nil {
					return err
				}
				rs = []crypt.Recipient{&crypt.Password{Secret: pw}}
			}
			if err := crypt.EncryptFile(out, args[0], force, &crypt.Options{ChunkSize: chunk}, rs...); err != nil {
				if errors.Is(err, os.ErrExist) {
					return fmt.Errorf("%s exists (use --force to replace it)", out)
				}
				return err
			}
			params := map[string]string{"format": "pacha-enc v1", "aead": "chacha20-poly1305", "chunk_size": "65536"}
			if chunk != 0 {
				params["chunk_size"] = fmt.Sprint(chunk)
			}
			if len(recipients) > 0 {
				params["recipients"] = fmt.Sprintf("%d x25519", len(recipients))
			} else {
				a := crypt.DefaultArgon2
				params["kdf"] = fmt.Sprintf("argon2id t=%d m=%dKiB p=%d", a.Time, a.MemoryKiB, a.Threads)
			}
			if err := secRecord(args[0], out, "encrypt", params); err != nil {
				return err
			}
			if asJSON {
				return secJSON(cmd, map[string]any{"input": args[0], "output": out, "params": params})
			}
			fmt.Fprintf(cmd.OutOrStdout(), "encrypted %s -> %s\n", args[0], out)
			return nil
		},
	}
	cmd.Flags().StringVar(&pwEnv, "password-env", "", "name of the environment variable holding the password")
	cmd.Flags().StringArrayVar(&recipients, "recipient", nil, "X25519 public key file (PEM) to encrypt to; repeatable")
	cmd.Flags().StringVarP(&output, "output", "o", "", "output file (default FILE.enc)")
	cmd.Flags().BoolVar(&force, "force", false, "replace an existing output file")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the result as JSON")
	cmd.Flags().IntVar(&chunk, "chunk-size", 0, "plaintext bytes per chunk, a power of two from 4096 to 16777216 (default 65536)")
	return cmd
}

func secDecryptCmd() *cobra.Command {
	var pwEnv, output string
	var idFiles []string
	var force, asJSON bool
	cmd := &cobra.Command{
		Use:   "decrypt FILE.enc",
		Short: "Decrypt a file made by encrypt",
		Long: `Decrypt FILE.enc to FILE (or --output). Every chunk is authenticated; on a
wrong password, truncation, reordering or any modified byte the command
fails and writes no plaintext. An existing output is kept unless --force.`,
		Example: "  MODEL_KEY=... batuta pacha decrypt model.gguf.enc --password-env MODEL_KEY",
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			out := output
			if out == "" {
				var ok bool
				if out, ok = strings.CutSuffix(args[0], ".enc"); !ok || out == "" {
					return fmt.Errorf("%s does not end in .enc: give the output with --output", args[0])
				}
			}
			var ids []crypt.Identity
			if len(idFiles) > 0 {
				if pwEnv != "" {
					return errors.New("use either --password-env or --identity-file, not both")
				}
				for _, f := range idFiles {
					data, err := os.ReadFile(f)
					if err != nil {
						return err
					}
					id, err := crypt.ParseX25519Identity(data)
					if err != nil {
						return fmt.Errorf("%s: %w", f, err)
					}
					ids = append(ids, id)
				}
			} else {
				pw, err := secPassword(cmd, pwEnv, false)
				if err != nil {
					return err
				}
				ids = []crypt.Identity{&crypt.Password{Secret: pw}}
			}
			if !force {
				if _, err := os.Lstat(out); err == nil {
					return fmt.Errorf("%s exists (use --force to replace it)", out)
				}
			}
			if err := crypt.DecryptFile(out, args[0], force, nil, ids...); err != nil {
				if errors.Is(err, os.ErrExist) {
					return fmt.Errorf("%s exists (use --force to replace it)", out)
				}
				return err
			}
			if err := secRecord(args[0], out, "decrypt", map[string]string{"format": "pacha-enc v1"}); err != nil {
				return err
			}
			if asJSON {
				return secJSON(cmd, map[string]any{"input": args[0], "output": out})
			}
			fmt.Fprintf(cmd.OutOrStdout(), "decrypted %s -> %s\n", args[0], out)
			return nil
		},
	}
	cmd.Flags().StringVar(&pwEnv, "password-env", "", "name of the environment variable holding the password")
	cmd.Flags().StringArrayVar(&idFiles, "identity-file", nil, "X25519 private key file (PEM) to decrypt with; repeatable")
	cmd.Flags().StringVarP(&output, "output", "o", "", "output file (default FILE without .enc)")
	cmd.Flags().BoolVar(&force, "force", false, "replace an existing output file")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the result as JSON")
	return cmd
}

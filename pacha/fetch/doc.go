// Package fetch pulls models into a pacha store from Hugging Face
// (hf://org/repo[:revision][/path] through the resolve API, with
// HF_TOKEN), HTTPS servers, OCI registries (oci://registry/repo:tag, with
// oras-go) and local paths, with short names from an alias table the user
// can extend; and pushes stored models to OCI registries.
//
//	s, _ := store.Open(root, nil)
//	res, err := fetch.Pull(ctx, s, "llama3-8b-q4", store.Ref{}, nil)
//	// res.Ref == llama3-8b-q4:latest; res.Manifest lists the files
//
// Files arrive over parallel byte ranges into a partial file beside the
// store; failed ranges are retried with exponential back-off (429 and 5xx
// answers, honouring Retry-After; dropped and stalled connections) and
// resume from the last byte written, and an interrupted pull resumes on
// the next call. A file is committed only after its size, its published
// SHA-256 (Hugging Face LFS ETag, or #sha256= on an https:// address)
// and its BLAKE3 digest are known and match. Proxies come from the
// environment (http.ProxyFromEnvironment).
//
// An OCI pull resolves the manifest with oras-go and fetches each layer
// (one file, named by its org.opencontainers.image.title annotation) from
// the registry's blob endpoint with the same machinery — ranges, retries,
// resume, SHA-256 (the OCI digest) and BLAKE3 before commit — through
// oras-go's authenticating client. A server that ignores byte ranges gets
// one plain stream instead.
package fetch

// Package fetch pulls models into a pacha store from Hugging Face
// (hf://org/repo[:revision][/path] through the resolve API, with
// HF_TOKEN), HTTPS servers, and local paths, with short names from an
// alias table the user can extend.
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
// oci:// sources and Push are not implemented yet: they return an error
// wrapping ErrNotImplemented.
package fetch

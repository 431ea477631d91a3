// Package store is pacha's content-addressed model store: a directory
// (no server) holding blobs named by their BLAKE3-256 digest, manifests
// listing a model's files with the metadata read from their headers, and
// references name:tag pointing at manifests.
//
//	s, _ := store.Open(root, nil)                  // root: store.DefaultRoot()
//	d, m, _ := s.Import(ctx, store.MustParseRef("tiny:f32"), "stories260K.gguf")
//	fmt.Println(d, m.Metadata.Architecture, m.Metadata.Parameters)
//	f, _ := s.OpenBlob(m.Files[0].Digest)          // or s.BlobPath for mmap
//	rep, _ := s.Check(ctx)                         // re-hash everything
//	s.Remove(ctx, store.MustParseRef("tiny:f32"))
//	s.GC(ctx)                                      // free unreferenced blobs
//
// Everything streams (memory stays flat for any model size), every write
// goes through a temporary file, fsync and rename, and concurrent
// processes coordinate through flock(2) (see Store).
//
// Other derivations (conversion, quantization, encryption) store their
// output with PutBlob or CreateTemp+CommitFile and call Commit with the
// parent's digest and the operation, which records the lineage edge.
package store

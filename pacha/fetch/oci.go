package fetch

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"path"
	"strings"
	"time"

	"github.com/opencontainers/go-digest"
	specs "github.com/opencontainers/image-spec/specs-go"
	ocispec "github.com/opencontainers/image-spec/specs-go/v1"
	oras "oras.land/oras-go/v2/registry/remote"
	"oras.land/oras-go/v2/registry/remote/auth"
	"oras.land/oras-go/v2/registry/remote/credentials"
	"oras.land/oras-go/v2/registry/remote/retry"

	"github.com/batuta-go/stack/pacha/lineage"
	"github.com/batuta-go/stack/pacha/store"
)

// ArtifactType marks a pacha model pushed to an OCI registry. Its config
// blob is the pacha manifest; each layer is one file, named by the
// org.opencontainers.image.title annotation (as the oras CLI does).
const ArtifactType = "application/vnd.batuta.pacha.model.v1"

// ociRepository opens "registry/repo[:tag|@digest]", with credentials
// from the Docker config (~/.docker/config.json, as `docker login` and
// `oras login` write it), retries on 429/5xx, and plain HTTP for a
// loopback registry or when Options.OCIPlainHTTP is set.
func (o *Options) ociRepository(ref string) (*oras.Repository, error) {
	repo, err := oras.NewRepository(ref)
	if err != nil {
		return nil, fmt.Errorf("pacha/fetch: oci reference %q: %w", ref, err)
	}
	host := repo.Reference.Registry
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	ip := net.ParseIP(host)
	repo.PlainHTTP = o.OCIPlainHTTP || host == "localhost" || ip != nil && ip.IsLoopback()
	client := &auth.Client{Client: retry.DefaultClient, Cache: auth.NewCache()}
	client.SetUserAgent("batuta-pacha")
	if cs, err := credentials.NewStoreFromDocker(credentials.StoreOptions{}); err == nil {
		client.Credential = credentials.Credential(cs)
	}
	repo.Client = client
	return repo, nil
}

// pullOCI fetches an artifact's layers into the store, checking each
// against its OCI (SHA-256) digest and size before commit.
func (o *Options) pullOCI(ctx context.Context, st *store.Store, src Source, ref store.Ref, res *Result) error {
	repo, err := o.ociRepository(strings.TrimPrefix(src.Raw, "oci://"))
	if err != nil {
		return err
	}
	tag := repo.Reference.Reference
	if tag == "" {
		tag = "latest"
	}
	mdesc, rc, err := repo.FetchReference(ctx, tag)
	if err != nil {
		return fmt.Errorf("pacha/fetch: %s: %w", src.Raw, err)
	}
	data, err := io.ReadAll(io.LimitReader(rc, 4<<20))
	rc.Close()
	if err != nil {
		return err
	}
	if digest.FromBytes(data) != mdesc.Digest {
		return fmt.Errorf("pacha/fetch: %s: manifest does not match its digest %s", src.Raw, mdesc.Digest)
	}
	var man ocispec.Manifest
	if err := json.Unmarshal(data, &man); err != nil || len(man.Layers) == 0 {
		return fmt.Errorf("pacha/fetch: %s: not an image or artifact manifest with layers (%v)", src.Raw, err)
	}
	res.Revision = string(mdesc.Digest)
	release, err := st.Session(ctx)
	if err != nil {
		return err
	}
	defer release()
	m := &store.Manifest{Source: src.Raw}
	if man.Config.MediaType == store.ManifestMediaType {
		// Our own artifact: keep the metadata recorded at the source.
		if rc, err := repo.Fetch(ctx, man.Config); err == nil {
			var pm store.Manifest
			cfg, _ := io.ReadAll(io.LimitReader(rc, 16<<20))
			rc.Close()
			if digest.FromBytes(cfg) == man.Config.Digest && json.Unmarshal(cfg, &pm) == nil {
				m.Metadata = pm.Metadata
				m.Metadata.Source = ""
			}
		}
	}
	for i, l := range man.Layers {
		name := l.Annotations[ocispec.AnnotationTitle]
		if name == "" || store.ValidPath(name) != nil {
			name = fmt.Sprintf("layer-%d", i)
		}
		if l.Digest.Algorithm() != digest.SHA256 {
			return fmt.Errorf("pacha/fetch: %s: layer %s uses %s; only sha256 is supported", src.Raw, name, l.Digest.Algorithm())
		}
		d, n, err := o.fetchLayer(ctx, st, repo, l, name)
		if err != nil {
			return err
		}
		mt := l.MediaType
		if strings.HasPrefix(mt, "application/vnd.oci.") {
			mt = store.MediaTypeFor(name)
		}
		m.Files = append(m.Files, store.File{Path: name, MediaType: mt, Size: n, Digest: d, SHA256: l.Digest.Encoded()})
		res.Downloaded += n
	}
	d, err := st.Commit(ctx, ref, m, src.Raw, "pull", map[string]string{"digest": string(mdesc.Digest)})
	if err != nil {
		return err
	}
	res.Digest, res.Manifest = d, m
	return nil
}

// fetchLayer downloads one layer straight from the registry's blob
// endpoint with the same machinery as hf:// and https:// (parallel
// ranges, retries, resume, SHA-256 and BLAKE3 checks before commit),
// through oras-go's authenticating client.
func (o *Options) fetchLayer(ctx context.Context, st *store.Store, repo *oras.Repository, l ocispec.Descriptor, name string) (store.Digest, int64, error) {
	scheme := "https"
	if repo.PlainHTTP {
		scheme = "http"
	}
	ref := repo.Reference
	u := fmt.Sprintf("%s://%s/v2/%s/blobs/%s", scheme, ref.Host(), ref.Repository, l.Digest)
	rm := remote{Name: name, URL: u, Size: l.Size, SHA256: l.Digest.Encoded(), Ranges: l.Size > 0, Do: repo.Client.Do}
	ctx = auth.AppendRepositoryScope(ctx, ref, auth.ActionPull)
	d, n, err := o.download(ctx, st, rm)
	if err != nil {
		return "", 0, fmt.Errorf("pacha/fetch: layer %s: %w", name, err)
	}
	return d, n, nil
}

type progWriter struct{ p Progress }

func (w progWriter) Write(b []byte) (int, error) { w.p.Add(int64(len(b))); return len(b), nil }

// Push uploads the stored model ref to an OCI registry as an artifact
// (target "oci://registry/repo:tag"): one layer per file, named by its
// path, and the pacha manifest as the config. Blobs the registry already
// has are not sent again. It returns the pushed manifest's digest.
func Push(ctx context.Context, st *store.Store, ref store.Ref, target string, opts *Options) (string, error) {
	o := opts.withDefaults()
	if !strings.HasPrefix(target, "oci://") {
		return "", fmt.Errorf("pacha/fetch: push target %q: want oci://registry/repo:tag", target)
	}
	md, m, err := st.Lookup(ref)
	if err != nil {
		return "", err
	}
	repo, err := o.ociRepository(strings.TrimPrefix(target, "oci://"))
	if err != nil {
		return "", err
	}
	tag := repo.Reference.Reference
	if tag == "" || strings.Contains(tag, ":") {
		return "", fmt.Errorf("pacha/fetch: push target %q needs a tag", target)
	}
	push := func(desc ocispec.Descriptor, open func() (io.ReadCloser, error)) error {
		if ok, err := repo.Exists(ctx, desc); err == nil && ok {
			return nil
		}
		rc, err := open()
		if err != nil {
			return err
		}
		defer rc.Close()
		return repo.Push(ctx, desc, rc)
	}
	var layers []ocispec.Descriptor
	for _, f := range m.Files {
		sum := f.SHA256
		if sum == "" {
			if sum, err = sha256Blob(ctx, st, f.Digest); err != nil {
				return "", err
			}
		}
		desc := ocispec.Descriptor{MediaType: f.MediaType, Digest: digest.NewDigestFromEncoded(digest.SHA256, sum), Size: f.Size,
			Annotations: map[string]string{ocispec.AnnotationTitle: f.Path}}
		prog := o.Progress(f.Path, f.Size)
		err := push(desc, func() (io.ReadCloser, error) {
			b, err := st.OpenBlob(f.Digest)
			if err != nil {
				return nil, err
			}
			return readCloser{io.TeeReader(b, progWriter{prog}), b}, nil
		})
		prog.Done()
		if err != nil {
			return "", fmt.Errorf("pacha/fetch: push %s: %w", f.Path, err)
		}
		layers = append(layers, desc)
	}
	cfgData, err := readBlob(st, md)
	if err != nil {
		return "", err
	}
	cfg := ocispec.Descriptor{MediaType: store.ManifestMediaType, Digest: digest.FromBytes(cfgData), Size: int64(len(cfgData))}
	if err := push(cfg, func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(cfgData)), nil }); err != nil {
		return "", fmt.Errorf("pacha/fetch: push config: %w", err)
	}
	man := ocispec.Manifest{
		Versioned:    specs.Versioned{SchemaVersion: 2},
		MediaType:    ocispec.MediaTypeImageManifest,
		ArtifactType: ArtifactType,
		Config:       cfg,
		Layers:       layers,
		Annotations: map[string]string{
			ocispec.AnnotationCreated: m.Created.UTC().Format(time.RFC3339),
			"dev.batuta.pacha.ref":    ref.String(),
			"dev.batuta.pacha.digest": string(md),
		},
	}
	data, err := json.Marshal(man)
	if err != nil {
		return "", err
	}
	mdesc := ocispec.Descriptor{MediaType: ocispec.MediaTypeImageManifest, ArtifactType: ArtifactType, Digest: digest.FromBytes(data), Size: int64(len(data))}
	if err := repo.PushReference(ctx, mdesc, bytes.NewReader(data), tag); err != nil {
		return "", fmt.Errorf("pacha/fetch: push manifest: %w", err)
	}
	pushed := target
	if i := strings.LastIndex(pushed, ":"); i > strings.LastIndex(pushed, "/") {
		pushed = pushed[:i]
	}
	// The push is not a derivation, but where copies went is provenance.
	_ = st.Lineage().Record(lineage.Edge{Parent: string(md), Child: pushed + "@" + string(mdesc.Digest), Operation: "push", Params: map[string]string{"tag": tag}})
	return string(mdesc.Digest), nil
}

type readCloser struct {
	io.Reader
	io.Closer
}

func readBlob(st *store.Store, d store.Digest) ([]byte, error) {
	f, err := st.OpenBlob(d)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(io.LimitReader(f, 16<<20))
}

func sha256Blob(ctx context.Context, st *store.Store, d store.Digest) (string, error) {
	f, err := st.OpenBlob(d)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.CopyBuffer(h, f, make([]byte, 1<<20)); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), ctx.Err()
}

// ociDefaultRef names an oci:// pull: the repository path and its tag.
func ociDefaultRef(raw string) store.Ref {
	r := strings.TrimPrefix(raw, "oci://")
	if i := strings.IndexByte(r, '@'); i >= 0 {
		r = r[:i]
	}
	tag := "latest"
	if i := strings.LastIndex(r, ":"); i > strings.LastIndex(r, "/") {
		r, tag = r[:i], r[i+1:]
	}
	if i := strings.IndexByte(r, '/'); i >= 0 {
		r = r[i+1:] // drop the registry host
	}
	return store.Ref{Name: sanitizeName(path.Clean(r)), Tag: sanitizeTag(tag)}
}

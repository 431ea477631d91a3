package meta

import (
	"io"
	"path"
	"slices"
	"strings"
)

// File is one file of a model, opened on demand.
type File struct {
	Path string // slash-separated, relative to the model
	Open func() (io.ReadCloser, error)
}

// Detect reads the headers of a model's files: the first GGUF (shard),
// or every SafeTensors file (parameters are summed) with config.json, and
// the model card's licence. Files whose headers do not parse are
// reported in the returned error but do not stop the others.
func Detect(files []File) (Metadata, error) {
	var m Metadata
	var firstErr error
	keep := func(err error) {
		if firstErr == nil {
			firstErr = err
		}
	}
	sorted := slices.Clone(files)
	slices.SortFunc(sorted, func(a, b File) int { return strings.Compare(a.Path, b.Path) })
	read := func(f File, fn func(io.Reader) error) {
		rc, err := f.Open()
		if err != nil {
			keep(err)
			return
		}
		defer rc.Close()
		if err := fn(rc); err != nil {
			keep(err)
		}
	}
	var st Metadata
	stSeen := false
	for _, f := range sorted {
		base := strings.ToLower(path.Base(f.Path))
		switch {
		case strings.HasSuffix(base, ".gguf") && m.Format == "":
			read(f, func(r io.Reader) error {
				g, err := ReadGGUF(r)
				if err == nil {
					m.Merge(g)
				}
				return err
			})
		case strings.HasSuffix(base, ".gguf"):
			// Later shards of a split model add tensors; the first one
			// carries the metadata.
			read(f, func(r io.Reader) error {
				h, err := ReadGGUFHeader(r)
				if err == nil {
					m.Parameters += h.Parameters
					m.Tensors += h.TensorCount
				}
				return err
			})
		case strings.HasSuffix(base, ".safetensors"):
			read(f, func(r io.Reader) error {
				h, err := ReadSafeTensorsHeader(r)
				if err == nil {
					hm := h.Metadata()
					st.Parameters += hm.Parameters
					st.Tensors += hm.Tensors
					if st.Quantization == "" {
						st.Quantization = hm.Quantization
					}
					stSeen = true
				}
				return err
			})
		}
	}
	if stSeen && m.Format == "" {
		st.Format = "safetensors"
		m.Merge(st)
	}
	for _, f := range sorted {
		switch strings.ToLower(f.Path) {
		case "config.json":
			read(f, func(r io.Reader) error {
				c, err := ReadConfig(r)
				if err == nil {
					m.Merge(c)
				}
				return err
			})
		case "readme.md":
			read(f, func(r io.Reader) error {
				if l := ReadModelCardLicense(r); l != "" && m.License == "" {
					m.License = l
				}
				return nil
			})
		}
	}
	return m, firstErr
}

// Package meta reads what a model file says about itself — architecture,
// parameter count, quantization, context length, licence — from GGUF
// (v2, v3) and SafeTensors headers and the config.json beside them,
// without loading tensors: only the header is read, through a bounded
// stream.
//
//	f, _ := os.Open("model.gguf")
//	m, err := meta.ReadGGUF(f)
//	fmt.Println(m.Architecture, m.Parameters, m.Quantization, m.ContextLength)
package meta

// Metadata is the summary pacha records in a manifest. Zero fields were
// not found in the headers.
type Metadata struct {
	Format        string `json:"format,omitempty"` // "gguf", "safetensors"
	Name          string `json:"name,omitempty"`
	Architecture  string `json:"architecture,omitempty"`
	Parameters    int64  `json:"parameters,omitempty"`
	Quantization  string `json:"quantization,omitempty"` // e.g. "Q4_K_M", "F16", "BF16"
	ContextLength int64  `json:"contextLength,omitempty"`
	License       string `json:"license,omitempty"`
	Tensors       int64  `json:"tensors,omitempty"`
	GGUFVersion   int    `json:"ggufVersion,omitempty"`
	Source        string `json:"source,omitempty"`
}

// Merge fills the zero fields of m from o.
func (m *Metadata) Merge(o Metadata) {
	set := func(dst *string, v string) {
		if *dst == "" {
			*dst = v
		}
	}
	set(&m.Format, o.Format)
	set(&m.Name, o.Name)
	set(&m.Architecture, o.Architecture)
	set(&m.Quantization, o.Quantization)
	set(&m.License, o.License)
	set(&m.Source, o.Source)
	if m.Parameters == 0 {
		m.Parameters = o.Parameters
	}
	if m.ContextLength == 0 {
		m.ContextLength = o.ContextLength
	}
	if m.Tensors == 0 {
		m.Tensors = o.Tensors
	}
	if m.GGUFVersion == 0 {
		m.GGUFVersion = o.GGUFVersion
	}
}

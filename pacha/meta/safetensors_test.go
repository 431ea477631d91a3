package meta_test

import (
	"bytes"
	"encoding/binary"
	"strings"
	"testing"

	"github.com/batuta-go/stack/pacha/meta"
)

func st(hdr string) *bytes.Reader {
	var b bytes.Buffer
	binary.Write(&b, binary.LittleEndian, uint64(len(hdr)))
	b.WriteString(hdr)
	return bytes.NewReader(b.Bytes())
}

func TestReadSafeTensorsHeader(t *testing.T) {
	h, err := meta.ReadSafeTensorsHeader(st(`{"__metadata__":{"format":"pt"},"w":{"dtype":"BF16","shape":[3,4],"data_offsets":[0,24]},"b":{"dtype":"F32","shape":[4],"data_offsets":[24,40]},"s":{"dtype":"F32","shape":[],"data_offsets":[40,44]}}`))
	if err != nil {
		t.Fatal(err)
	}
	m := h.Metadata()
	if m.Parameters != 17 || m.Tensors != 3 || m.Quantization != "BF16" || h.UserMetadata["format"] != "pt" {
		t.Errorf("got %+v %+v", m, h)
	}
	for _, bad := range []string{
		`{"w":{"dtype":"F16","shape":[3],"data_offsets":[0,8]}}`, // 6 bytes needed
		`{"w":{"dtype":"X9","shape":[1],"data_offsets":[0,1]}}`,  // unknown dtype
		`{"w":{"dtype":"F16","shape":[1],"data_offsets":[4,2]}}`, // reversed
		`[1,2]`, // not an object
		`{"w":{"dtype":"F16","shape":[4294967296,4294967296,4294967296],"data_offsets":[0,2]}}`, // overflow
	} {
		if _, err := meta.ReadSafeTensorsHeader(st(bad)); err == nil {
			t.Errorf("accepted %s", bad)
		}
	}
	if _, err := meta.ReadSafeTensorsHeader(strings.NewReader("\xff\xff\xff\xff\xff\xff\xff\xff")); err == nil {
		t.Error("accepted a 2^64 header length")
	}
}

func TestReadConfigAndCard(t *testing.T) {
	m, err := meta.ReadConfig(strings.NewReader(`{"architectures":["LlamaForCausalLM"],"n_positions":4096,"torch_dtype":"float16"}`))
	if err != nil || m.Architecture != "LlamaForCausalLM" || m.ContextLength != 4096 || m.Quantization != "F16" {
		t.Errorf("ReadConfig = %+v, %v", m, err)
	}
	if l := meta.ReadModelCardLicense(strings.NewReader("---\nlanguage: en\nlicense: \"llama3\"\n---\nlicense: no\n")); l != "llama3" {
		t.Errorf("licence %q", l)
	}
	if l := meta.ReadModelCardLicense(strings.NewReader("# no front matter\nlicense: mit\n")); l != "" {
		t.Errorf("licence %q from body", l)
	}
}

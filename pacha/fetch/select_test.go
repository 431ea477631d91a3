package fetch

import (
	"strings"
	"testing"
)

func TestSelectFiles(t *testing.T) {
	for _, tc := range []struct {
		files []string
		want  string // joined, or "error: <substring>"
	}{
		{[]string{".gitattributes", "README.md", "model.gguf"}, "model.gguf README.md"},
		{[]string{"m-00001-of-00002.gguf", "m-00002-of-00002.gguf", "LICENSE"}, "m-00001-of-00002.gguf m-00002-of-00002.gguf LICENSE"},
		{[]string{"a.Q4_K_M.gguf", "a.Q8_0.gguf"}, "error: name one"},
		{[]string{"config.json", "model-00001-of-00002.safetensors", "model-00002-of-00002.safetensors", "model.safetensors.index.json",
			"pytorch_model.bin", "tokenizer.json", "tokenizer_config.json", "onnx/model.onnx", "original/config.json"},
			"model-00001-of-00002.safetensors model-00002-of-00002.safetensors model.safetensors.index.json config.json tokenizer.json tokenizer_config.json"},
		{[]string{"pytorch_model.bin", "config.json"}, "error: no GGUF or SafeTensors"},
	} {
		got, err := selectFiles("org/repo", tc.files)
		if w, ok := strings.CutPrefix(tc.want, "error: "); ok {
			if err == nil || !strings.Contains(err.Error(), w) {
				t.Errorf("%v: err %v, want %q", tc.files, err, w)
			}
			continue
		}
		if err != nil || strings.Join(got, " ") != tc.want {
			t.Errorf("%v: %v %v, want %s", tc.files, got, err, tc.want)
		}
	}
}

func TestParseSource(t *testing.T) {
	for in, want := range map[string]string{
		"hf://org/repo":                        "hf org/repo main  org/repo:latest",
		"hf://org/repo:v1.0/sub/x.gguf":        "hf org/repo v1.0 sub/x.gguf org/repo/x:v1.0",
		"hf://TheBloke/Llama-2-7B-GGUF/a.gguf": "hf TheBloke/Llama-2-7B-GGUF main a.gguf TheBloke/Llama-2-7B-GGUF/a:latest",
		"https://example.com/m/model.q4.gguf":  "https    model.q4:latest",
	} {
		s, err := ParseSource(in)
		if err != nil {
			t.Errorf("%s: %v", in, err)
			continue
		}
		got := strings.Join([]string{s.Kind, s.Repo, s.Revision, s.Path, s.DefaultName() + ":" + s.DefaultTag()}, " ")
		if got != want {
			t.Errorf("%s: %q, want %q", in, got, want)
		}
	}
	for _, bad := range []string{"hf://org", "hf://org/repo/../x", "ftp://x/y", "https://"} {
		if _, err := ParseSource(bad); err == nil {
			t.Errorf("%s accepted", bad)
		}
	}
}

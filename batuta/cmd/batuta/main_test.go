package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/batuta-go/stack/internal/hftest"
	"github.com/batuta-go/stack/internal/registrytest"
	"github.com/batuta-go/stack/internal/testdata"
)

// batuta runs the command line in-process with a private store.
func batuta(t *testing.T, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var o, e bytes.Buffer
	code = run(context.Background(), args, &o, &e)
	return o.String(), e.String(), code
}

func setup(t *testing.T) (models string, hub *hftest.Hub) {
	t.Helper()
	models = testdata.Dir(t, "models")
	t.Setenv("BATUTA_HOME", t.TempDir())
	hub = hftest.New()
	t.Cleanup(hub.Close)
	t.Setenv("HF_ENDPOINT", hub.Hub.URL)
	t.Setenv("HF_TOKEN", "")
	return models, hub
}

func TestPullByShortNameAsInTheREADME(t *testing.T) {
	models, hub := setup(t)
	// The Hub stand-in serves a small GGUF under the name the built-in
	// alias points at; no internet is touched.
	data, err := os.ReadFile(filepath.Join(models, "stories260K.gguf"))
	if err != nil {
		t.Fatal(err)
	}
	hub.AddBytes("QuantFactory/Meta-Llama-3-8B-Instruct-GGUF", "Meta-Llama-3-8B-Instruct.Q4_K_M.gguf", data, true)

	out, errOut, code := batuta(t, "pacha", "pull", "llama3-8b-q4")
	if code != 0 || !strings.HasPrefix(out, "pulled llama3-8b-q4:latest (") || errOut != "" {
		t.Fatalf("pull: code %d\nstdout %q\nstderr %q", code, out, errOut)
	}
	out, _, code = batuta(t, "pacha", "list", "--json")
	var rows []listRow
	if code != 0 || json.Unmarshal([]byte(out), &rows) != nil || len(rows) != 1 || rows[0].Ref != "llama3-8b-q4:latest" || rows[0].Architecture != "llama" {
		t.Fatalf("list --json: %d %s", code, out)
	}
	out, _, code = batuta(t, "pacha", "show", "llama3-8b-q4", "--json")
	var show struct {
		Metadata struct{ Source, Quantization string }
		Files    []struct{ Path, SHA256, BlobPath string }
	}
	if code != 0 || json.Unmarshal([]byte(out), &show) != nil || len(show.Files) != 1 ||
		show.Files[0].SHA256 != "270cba1bd5109f42d03350f60406024560464db173c0e387d91f0426d3bd256d" || show.Metadata.Quantization != "F32" {
		t.Fatalf("show --json: %d %s", code, out)
	}
	if got, err := os.ReadFile(show.Files[0].BlobPath); err != nil || !bytes.Equal(got, data) {
		t.Errorf("blob at %s differs from the model", show.Files[0].BlobPath)
	}
	out, _, code = batuta(t, "pacha", "lineage", "llama3-8b-q4", "--format", "dot")
	if code != 0 || !strings.Contains(out, `"hf://QuantFactory/Meta-Llama-3-8B-Instruct-GGUF/Meta-Llama-3-8B-Instruct.Q4_K_M.gguf" -> "blake3:`) ||
		!strings.Contains(out, "alias=llama3-8b-q4") || !strings.Contains(out, "revision="+hub.Commit) {
		t.Errorf("lineage dot: %d\n%s", code, out)
	}
}

func TestStoreCommandsAndExitCodes(t *testing.T) {
	models, _ := setup(t)
	gguf := filepath.Join(models, "arch", "qwen2-f16.gguf")
	steps := []struct {
		args []string
		code int
		out  string // substring of stdout, or of stderr when the code is not 0
	}{
		{[]string{"pacha", "pull", gguf, "--name", "qwen:f16"}, 0, "pulled qwen:f16"},
		{[]string{"pacha", "show", "qwen:f16"}, 0, "Architecture:    qwen2"},
		{[]string{"pacha", "tag", "qwen:f16", "team/qwen:prod"}, 0, "tagged qwen:f16 as team/qwen:prod"},
		{[]string{"pacha", "list"}, 0, "team/qwen:prod"},
		{[]string{"pacha", "check", "--json"}, 0, `"ok": true`},
		{[]string{"pacha", "lineage", "team/qwen:prod"}, 0, "--import [ref=qwen:f16]--> qwen:f16, team/qwen:prod"},
		{[]string{"pacha", "lineage", "qwen:f16", "--json"}, 0, `"operation": "import"`},
		{[]string{"pacha", "export", "qwen:f16", filepath.Join(os.Getenv("BATUTA_HOME"), "out")}, 0, filepath.Join("out", "qwen2-f16.gguf")},
		{[]string{"pacha", "export", "qwen:f16", filepath.Join(os.Getenv("BATUTA_HOME"), "out")}, 1, "not overwriting"},
		{[]string{"pacha", "rm", "qwen:f16"}, 0, "removed qwen:f16"},
		{[]string{"pacha", "gc"}, 0, "removed 0 blobs"},
		{[]string{"pacha", "rm", "team/qwen:prod", "--gc"}, 0, "(2 blobs)"},
		{[]string{"pacha", "show", "team/qwen:prod"}, 3, "not found"},
		{[]string{"pacha", "pull", "no-such-name"}, 3, "neither a file nor a known short name"},
		{[]string{"pacha", "pull", "hf://org/absent/x.gguf"}, 3, "404"},
		{[]string{"pacha", "pull", "oci://127.0.0.1:1/m:v1"}, 1, "connection refused"},
		{[]string{"pacha", "push", "x", "oci://127.0.0.1:1/m:v1"}, 3, "not found"},
		{[]string{"pacha", "show"}, 2, "wants one REF"},
		{[]string{"pacha", "show", "bad name"}, 2, "bad name component"},
		{[]string{"pacha", "list", "--no-such-flag"}, 2, "unknown flag"},
		{[]string{"pacha", "nonsense"}, 2, "unknown command"},
		{[]string{"pacha", "lineage", "x", "--format", "svg"}, 3, "not found"},
		{[]string{"pacha", "alias", "tiny", "hf://ggml-org/models-moved/tinyllamas/stories260K.gguf"}, 0, ""},
		{[]string{"pacha", "alias"}, 0, "tiny "},
		{[]string{"pacha", "alias", "--rm", "tiny"}, 0, ""},
		{[]string{"pacha", "alias", "--rm", "tiny"}, 1, "not a user alias"},
	}
	for _, st := range steps {
		out, errOut, code := batuta(t, st.args...)
		where := out
		if st.code != 0 {
			where = errOut
		}
		if code != st.code || !strings.Contains(where, st.out) {
			t.Errorf("batuta %s: code %d (want %d)\nstdout: %s\nstderr: %s", strings.Join(st.args, " "), code, st.code, out, errOut)
		}
	}
}

func TestCheckExitCodeOnDamage(t *testing.T) {
	models, _ := setup(t)
	if _, _, code := batuta(t, "pacha", "pull", filepath.Join(models, "arch", "llama-f16.gguf")); code != 0 {
		t.Fatal("pull failed")
	}
	out, _, _ := batuta(t, "pacha", "show", "llama-f16", "--json")
	var show struct{ Files []struct{ BlobPath string } }
	json.Unmarshal([]byte(out), &show)
	p := show.Files[0].BlobPath
	os.Chmod(p, 0o644)
	f, _ := os.OpenFile(p, os.O_WRONLY, 0)
	f.WriteAt([]byte{0xff}, 1000)
	f.Close()
	out, errOut, code := batuta(t, "pacha", "check")
	if code != 4 || !strings.Contains(out, "corrupt-blob") || !strings.Contains(errOut, "1 problems") {
		t.Errorf("check after damage: code %d\n%s\n%s", code, out, errOut)
	}
}

func TestHelpEverywhere(t *testing.T) {
	setup(t)
	for _, c := range []string{"", "pacha", "pacha pull", "pacha push", "pacha list", "pacha show", "pacha rm", "pacha tag", "pacha export", "pacha gc", "pacha check", "pacha lineage", "pacha alias"} {
		args := append(strings.Fields(c), "--help")
		out, _, code := batuta(t, args...)
		if code != 0 || !strings.Contains(out, "Usage:") {
			t.Errorf("batuta %s --help: code %d\n%s", c, code, out)
		}
	}
}

func TestPushPullThroughARegistry(t *testing.T) {
	models, _ := setup(t)
	reg := registrytest.Start(t)
	target := "oci://" + reg + "/team/qwen:f32"
	for _, st := range []struct {
		args []string
		code int
		out  string
	}{
		{[]string{"pacha", "pull", filepath.Join(models, "arch", "qwen2-f32.gguf"), "--name", "qwen:f32"}, 0, "pulled qwen:f32"},
		{[]string{"pacha", "push", "qwen:f32", target}, 0, "pushed qwen:f32 to " + target + " (sha256:"},
		{[]string{"pacha", "pull", target, "--name", "copy:f32"}, 0, "pulled copy:f32"},
		{[]string{"pacha", "pull", "oci://" + reg + "/team/absent:v1"}, 3, "not found"},
		{[]string{"pacha", "show", "copy:f32"}, 0, "Architecture:    qwen2"},
		{[]string{"pacha", "lineage", "qwen:f32"}, 0, "--push [tag=f32]--> oci://" + reg + "/team/qwen@sha256:"},
		{[]string{"pacha", "check"}, 0, "0 problems"},
	} {
		out, errOut, code := batuta(t, st.args...)
		where := out
		if st.code != 0 {
			where = errOut
		}
		if code != st.code || !strings.Contains(where, st.out) {
			t.Errorf("batuta %s: code %d (want %d)\nstdout: %s\nstderr: %s", strings.Join(st.args, " "), code, st.code, out, errOut)
		}
	}
}

type codedErr struct{}

func (codedErr) Error() string { return "signature not trusted" }
func (codedErr) ExitCode() int { return 5 }

func TestErrorsChooseTheirExitCode(t *testing.T) {
	if got := exitCode(fmt.Errorf("verify: %w", codedErr{})); got != 5 {
		t.Errorf("exit code %d, want 5", got)
	}
}

func TestVerbosePullLogsRetries(t *testing.T) {
	models, hub := setup(t)
	data, _ := os.ReadFile(filepath.Join(models, "stories260K.gguf"))
	hub.AddBytes("org/m", "m.gguf", data, true)
	hub.FailNext("cdn", 503)
	_, errOut, code := batuta(t, "pacha", "pull", "-v", "hf://org/m/m.gguf")
	if code != 0 || !strings.Contains(errOut, "retrying") || !strings.Contains(errOut, "503") {
		t.Errorf("code %d, stderr:\n%s", code, errOut)
	}
}

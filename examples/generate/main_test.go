package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/batuta-go/stack/internal/testdata"
)

type golden struct {
	NPredict int `json:"n_predict"`
	Cases    []struct {
		Prompt       string `json:"prompt"`
		Continuation string `json:"continuation"`
	} `json:"cases"`
}

func stories(t *testing.T) (string, golden) {
	t.Helper()
	model := filepath.Join(testdata.Dir(t, "models"), "stories260K.gguf")
	b, err := os.ReadFile(filepath.Join(testdata.Dir(t, "golden"), "stories260K_generate.json"))
	if err != nil {
		t.Fatal(err)
	}
	var g golden
	if err := json.Unmarshal(b, &g); err != nil {
		t.Fatal(err)
	}
	if len(g.Cases) == 0 {
		t.Fatal("no cases in stories260K_generate.json")
	}
	return model, g
}

// TestGolden runs the command on stories260K.gguf for every prompt of the
// golden file, greedy, 32 tokens: standard output must be llama.cpp's
// continuation exactly, and the speeds go to standard error.
func TestGolden(t *testing.T) {
	model, g := stories(t)
	for _, c := range g.Cases {
		var stdout, stderr bytes.Buffer
		code := run(context.Background(), []string{"-model", model, "-prompt", c.Prompt, "-n", "32", "-temp", "0", "-threads", "1"}, &stdout, &stderr)
		if code != 0 {
			t.Fatalf("%q: exit %d: %s", c.Prompt, code, stderr.String())
		}
		if stdout.String() != c.Continuation {
			t.Errorf("%q:\nstdout %q\n  want %q", c.Prompt, stdout.String(), c.Continuation)
		}
		for _, want := range []string{"prompt:", "generation:", "tokens/s"} {
			if !strings.Contains(stderr.String(), want) {
				t.Errorf("%q: stderr lacks %q: %s", c.Prompt, want, stderr.String())
			}
		}
	}
}

// TestBinary builds the command and runs it as the scripts do.
func TestBinary(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the command")
	}
	model, g := stories(t)
	bin := filepath.Join(t.TempDir(), "generate")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	c := g.Cases[0]
	cmd := exec.Command(bin, "-model", model, "-prompt", c.Prompt, "-n", "32", "-temp", "0")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("%v: %s", err, stderr.String())
	}
	if stdout.String() != c.Continuation {
		t.Fatalf("stdout %q, want %q", stdout.String(), c.Continuation)
	}
	cmd = exec.Command(bin, "-model", filepath.Join(t.TempDir(), "none.gguf"))
	stderr.Reset()
	cmd.Stderr = &stderr
	if err := cmd.Run(); err == nil || cmd.ProcessState.ExitCode() != exitFailure || !strings.Contains(stderr.String(), "none.gguf") {
		t.Fatalf("missing model: %v, %q", err, stderr.String())
	}
}

func TestSamplingFlags(t *testing.T) {
	model, g := stories(t)
	args := []string{"-model", model, "-prompt", g.Cases[0].Prompt, "-n", "20", "-temp", "0.9", "-top-k", "20", "-top-p", "0.9", "-seed", "5", "-threads", "1"}
	var a, b, stderr bytes.Buffer
	if code := run(context.Background(), args, &a, &stderr); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	if code := run(context.Background(), args, &b, &stderr); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	if a.String() != b.String() || a.Len() == 0 {
		t.Fatalf("same -seed, different output: %q / %q", a.String(), b.String())
	}
	// A stop string taken from the golden continuation cuts it there.
	cont := g.Cases[0].Continuation
	var c bytes.Buffer
	if code := run(context.Background(), []string{"-model", model, "-prompt", g.Cases[0].Prompt, "-n", "32", "-temp", "0", "-stop", " girl"}, &c, &stderr); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	if want := cont[:strings.Index(cont, " girl")]; c.String() != want {
		t.Fatalf("-stop: %q, want %q", c.String(), want)
	}
	// stories260K has no chat template: -chat is a clear error.
	var d bytes.Buffer
	stderr.Reset()
	if code := run(context.Background(), []string{"-model", model, "-prompt", "hi", "-chat"}, &d, &stderr); code != exitFailure || d.Len() != 0 || !strings.Contains(stderr.String(), "chat template") {
		t.Fatalf("-chat without a template: exit %d, stdout %q, stderr %q", code, d.String(), stderr.String())
	}
	// Cancelled: exit 130, nothing more.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if code := run(ctx, args, &d, &stderr); code != exitInterrupted {
		t.Fatalf("cancelled: exit %d", code)
	}
}

func TestBadFlags(t *testing.T) {
	for name, args := range map[string][]string{
		"no model":         {"-prompt", "x"},
		"unknown flag":     {"-model", "m.gguf", "-frobnicate"},
		"bad number":       {"-model", "m.gguf", "-n", "many"},
		"zero n":           {"-model", "m.gguf", "-n", "0"},
		"negative n":       {"-model", "m.gguf", "-n", "-5"},
		"negative temp":    {"-model", "m.gguf", "-temp", "-1"},
		"top-p above 1":    {"-model", "m.gguf", "-top-p", "1.5"},
		"negative top-k":   {"-model", "m.gguf", "-top-k", "-3"},
		"negative thread":  {"-model", "m.gguf", "-threads", "-1"},
		"positional":       {"-model", "m.gguf", "Once upon"},
		"system sans chat": {"-model", "m.gguf", "-system", "be brief"},
	} {
		var stdout, stderr bytes.Buffer
		code := run(context.Background(), args, &stdout, &stderr)
		if code != exitUsage || stdout.Len() != 0 || stderr.Len() == 0 {
			t.Errorf("%s: exit %d, stdout %q, stderr %q", name, code, stdout.String(), stderr.String())
		}
	}
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), []string{"-model", filepath.Join(t.TempDir(), "missing.gguf")}, &stdout, &stderr)
	if code != exitFailure || stdout.Len() != 0 || !strings.Contains(stderr.String(), "missing.gguf") {
		t.Errorf("missing model: exit %d, stdout %q, stderr %q", code, stdout.String(), stderr.String())
	}
}

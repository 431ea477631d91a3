//go:build linux

package main

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// secBigSize is the model size of the memory test: 4 GiB unless
// BATUTA_SEC_BIG_BYTES says otherwise.
func secBigSize(t *testing.T) int64 {
	if v := os.Getenv("BATUTA_SEC_BIG_BYTES"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			t.Fatalf("BATUTA_SEC_BIG_BYTES=%q: %v", v, err)
		}
		return n
	}
	return 4 << 30
}

// secBigFile makes a sparse file of size bytes with a little data at both
// ends, so it reads fast but is not all zeros.
func secBigFile(t *testing.T, name string, size int64) {
	f, err := os.Create(name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := f.Truncate(size); err != nil {
		t.Fatal(err)
	}
	f.WriteAt([]byte("GGUF\x03\x00\x00\x00 head"), 0)
	f.WriteAt([]byte("tail"), size-4)
}

// TestSecMemoryLargeModel runs sign, verify, encrypt and decrypt on a 4 GB
// model in real child processes and checks each one's peak RSS stays
// under 100 MB: everything streams.
func TestSecMemoryLargeModel(t *testing.T) {
	if testing.Short() {
		t.Skip("writes several GB; skipped with -short")
	}
	size := secBigSize(t)
	home, dir := t.TempDir(), t.TempDir()
	model := filepath.Join(dir, "model.gguf")
	secBigFile(t, model, size)
	env := []string{"BATUTA_HOME=" + home, "MODEL_KEY=big model password"}
	const limit = 100 << 20
	steps := [][]string{
		{"keygen", "--identity", "alice@example.com"},
		{"sign", model, "--identity", "alice@example.com"},
		{"verify", model},
		{"encrypt", model, "--password-env", "MODEL_KEY"},
		{"decrypt", model + ".enc", "--password-env", "MODEL_KEY", "-o", model + ".dec"},
		{"verify", model, "--signature", model + ".sig"},
	}
	for _, args := range steps {
		cmd := secChild(t, env, args...)
		start := time.Now()
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("%s: %v\n%s", args[0], err, out)
		}
		rss := cmd.ProcessState.SysUsage().(*syscall.Rusage).Maxrss * 1024
		t.Logf("%-8s %5.1f s  peak RSS %5.1f MB", args[0], time.Since(start).Seconds(), float64(rss)/1e6)
		if rss > limit {
			t.Errorf("%s: peak RSS %d bytes over the %d limit", args[0], rss, limit)
		}
	}
	// The decrypted copy is the model: verify it under the model's name.
	os.Remove(model)
	os.Rename(model+".dec", model)
	cmd := secChild(t, env, "verify", model)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("verify of the decrypted model: %v\n%s", err, out)
	}
}

// TestSecKilledMidWrite kills real encrypt and decrypt processes while
// they write and checks that no output appears under the final name, then
// that a rerun succeeds.
func TestSecKilledMidWrite(t *testing.T) {
	if testing.Short() {
		t.Skip("writes a 1 GB file; skipped with -short")
	}
	home, dir := t.TempDir(), t.TempDir()
	model := filepath.Join(dir, "model.gguf")
	secBigFile(t, model, 1<<30)
	env := []string{"BATUTA_HOME=" + home, "MODEL_KEY=k"}

	kill := func(final string, args ...string) {
		t.Helper()
		cmd := secChild(t, env, args...)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		deadline := time.Now().Add(60 * time.Second)
		for {
			if tmp := secTempFiles(dir); len(tmp) > 0 {
				if st, err := os.Stat(tmp[0]); err == nil && st.Size() > 32<<20 {
					break
				}
			}
			select {
			case err := <-done:
				t.Fatalf("%s finished before it could be killed: %v", args[0], err)
			default:
			}
			if time.Now().After(deadline) {
				cmd.Process.Kill()
				t.Fatalf("%s: no temporary output grew", args[0])
			}
			time.Sleep(2 * time.Millisecond)
		}
		cmd.Process.Signal(syscall.SIGKILL)
		<-done
		if _, err := os.Lstat(final); err == nil {
			t.Fatalf("%s killed mid-write left %s", args[0], final)
		}
		for _, tmp := range secTempFiles(dir) {
			os.Remove(tmp)
		}
	}
	enc := model + ".enc"
	kill(enc, "encrypt", model, "--password-env", "MODEL_KEY")
	if out, err := secChild(t, env, "encrypt", model, "--password-env", "MODEL_KEY").CombinedOutput(); err != nil {
		t.Fatalf("encrypt after the kill: %v\n%s", err, out)
	}
	dec := filepath.Join(dir, "copy.gguf")
	kill(dec, "decrypt", enc, "--password-env", "MODEL_KEY", "-o", dec)
	if out, err := secChild(t, env, "decrypt", enc, "--password-env", "MODEL_KEY", "-o", dec).CombinedOutput(); err != nil {
		t.Fatalf("decrypt after the kill: %v\n%s", err, out)
	}
	a, _ := os.Stat(model)
	b, _ := os.Stat(dec)
	if a.Size() != b.Size() {
		t.Fatalf("decrypted %d bytes, want %d", b.Size(), a.Size())
	}
}

func secTempFiles(dir string) []string {
	ents, _ := os.ReadDir(dir)
	var out []string
	for _, e := range ents {
		if strings.HasPrefix(e.Name(), ".tmp-") {
			out = append(out, filepath.Join(dir, e.Name()))
		}
	}
	return out
}

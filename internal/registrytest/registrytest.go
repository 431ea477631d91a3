// Package registrytest gives tests a real OCI registry on 127.0.0.1:
// the one named by $PACHA_OCI_REGISTRY (host:port, as CI may start it),
// else a private docker-registry (Debian package docker-registry, the
// CNCF distribution registry) started for the test and stopped after it.
// Without either the test is skipped, or fails when
// $BATUTA_REQUIRE_REGISTRY is set.
package registrytest

import (
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// Start returns the host:port of a registry that accepts anonymous
// pushes over plain HTTP.
func Start(tb testing.TB) string {
	tb.Helper()
	if r := os.Getenv("PACHA_OCI_REGISTRY"); r != "" {
		return r
	}
	bin, err := exec.LookPath("docker-registry")
	if err != nil {
		bin, err = exec.LookPath("registry")
	}
	if err != nil {
		if os.Getenv("BATUTA_REQUIRE_REGISTRY") != "" {
			tb.Fatal("no OCI registry: set PACHA_OCI_REGISTRY or install docker-registry")
		}
		tb.Skip("no OCI registry (install the Debian package docker-registry, or set PACHA_OCI_REGISTRY)")
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	dir := tb.TempDir()
	cfg := filepath.Join(dir, "config.yml")
	if err := os.WriteFile(cfg, []byte(fmt.Sprintf(`version: 0.1
log:
  level: error
storage:
  filesystem:
    rootdirectory: %s
  delete:
    enabled: true
http:
  addr: %s
`, filepath.Join(dir, "data"), addr)), 0o644); err != nil {
		tb.Fatal(err)
	}
	cmd := exec.Command(bin, "serve", cfg)
	out, err := os.Create(filepath.Join(dir, "registry.log"))
	if err != nil {
		tb.Fatal(err)
	}
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
		out.Close()
	})
	for deadline := time.Now().Add(15 * time.Second); ; {
		resp, err := http.Get("http://" + addr + "/v2/")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return addr
			}
		}
		if time.Now().After(deadline) {
			log, _ := os.ReadFile(filepath.Join(dir, "registry.log"))
			tb.Fatalf("registry on %s did not start: %v\n%s", addr, err, log)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

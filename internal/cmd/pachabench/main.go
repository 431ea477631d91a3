// Command pachabench measures pacha's BLAKE3 hashing and encryption side
// by side with their usual peers, b3sum (--num-threads 1) and age, on the
// same file. Each measurement is one process run (ours: this program
// re-executed in child mode), timed by wall clock; ours and theirs
// alternate, the order flipping every round, and the table gives medians
// and the ratio theirs/ours (above 1.0: ours is faster), for wall time
// and, less sensitive to a noisy machine, for CPU time (user + system).
//
//	go run ./internal/cmd/pachabench -file /tmp/pb/data.bin -rounds 7
//
// Encryption compares like with like: age encrypts to an X25519 recipient
// and writes without fsync, so ours does the same through crypt.Encrypt
// (crypt.EncryptFile adds an fsync, measured on its own row). age's
// password mode reads only from a terminal, so passwords are not compared.
package main

import (
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/pprof"
	"strconv"
	"strings"
	"time"

	"github.com/batuta-go/stack/internal/benchstat"
	"github.com/batuta-go/stack/pacha/crypt"
	"github.com/batuta-go/stack/pacha/sign"
)

func main() {
	if len(os.Args) > 1 && os.Args[1] == "child" {
		// PACHABENCH_CPUPROFILE=FILE profiles one child run:
		// pachabench child encrypt IN OUT KEY JOBS.
		if name := os.Getenv("PACHABENCH_CPUPROFILE"); name != "" {
			f, err := os.Create(name)
			if err == nil {
				pprof.StartCPUProfile(f)
			}
		}
		err := child(os.Args[2:])
		pprof.StopCPUProfile()
		if err != nil {
			fmt.Fprintln(os.Stderr, "pachabench child:", err)
			os.Exit(1)
		}
		return
	}
	file := flag.String("file", "/tmp/pachabench/data.bin", "input file (created with random bytes if missing)")
	size := flag.Int64("size", 1<<30, "size of the input file to create")
	rounds := flag.Int("rounds", 5, "runs of each command")
	outDir := flag.String("outdir", defaultOutDir(), "where outputs go (tmpfs keeps disk writeback out of the timing)")
	only := flag.String("only", "", "run only the rows whose name contains this (e.g. encrypt)")
	flag.Parse()
	if err := run(*file, *size, *rounds, *outDir, *only); err != nil {
		fmt.Fprintln(os.Stderr, "pachabench:", err)
		os.Exit(1)
	}
}

func child(args []string) error {
	switch args[0] {
	case "hash":
		f, err := sign.HashFile(args[1])
		if err != nil {
			return err
		}
		fmt.Println(f.Digest, f.Name)
		return nil
	case "encrypt", "encrypt-file":
		// encrypt IN OUT RECIPIENT-PEM JOBS
		pem, err := os.ReadFile(args[3])
		if err != nil {
			return err
		}
		r, err := crypt.ParseX25519Recipient(pem)
		if err != nil {
			return err
		}
		jobs, _ := strconv.Atoi(args[4])
		opts := &crypt.Options{Concurrency: jobs}
		if args[0] == "encrypt-file" {
			return crypt.EncryptFile(args[2], args[1], true, opts, r)
		}
		in, err := os.Open(args[1])
		if err != nil {
			return err
		}
		st, _ := in.Stat()
		out, err := os.Create(args[2])
		if err != nil {
			return err
		}
		if err := crypt.Encrypt(out, in, st.Size(), opts, r); err != nil {
			return err
		}
		return out.Close()
	case "decrypt":
		// decrypt IN OUT IDENTITY-PEM JOBS
		pem, err := os.ReadFile(args[3])
		if err != nil {
			return err
		}
		id, err := crypt.ParseX25519Identity(pem)
		if err != nil {
			return err
		}
		jobs, _ := strconv.Atoi(args[4])
		in, err := os.Open(args[1])
		if err != nil {
			return err
		}
		out, err := os.Create(args[2])
		if err != nil {
			return err
		}
		if _, err := crypt.Decrypt(out, in, &crypt.Options{Concurrency: jobs}, id); err != nil {
			return err
		}
		return out.Close()
	}
	return fmt.Errorf("unknown child command %q", args[0])
}

type row struct {
	name         string
	ours, theirs []string // argv; theirs may be nil (no peer)
	oursEnv      []string // extra environment for ours
	peer         string
	outputs      []string // removed before each run
}

func defaultOutDir() string {
	if st, err := os.Stat("/dev/shm"); err == nil && st.IsDir() {
		return "/dev/shm"
	}
	return os.TempDir()
}

func run(file string, size int64, rounds int, outDir, only string) error {
	for _, tool := range []string{"b3sum", "age", "age-keygen"} {
		if _, err := exec.LookPath(tool); err != nil {
			return fmt.Errorf("%s not found (apt-get install -y b3sum age)", tool)
		}
	}
	if err := ensureFile(file, size); err != nil {
		return err
	}
	st, err := os.Stat(file)
	if err != nil {
		return err
	}
	dir, err := os.MkdirTemp(outDir, "pachabench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	self, err := os.Executable()
	if err != nil {
		return err
	}

	// Keys: ours (PEM) and age's.
	id, _ := crypt.GenerateX25519()
	priv, _ := crypt.MarshalX25519Identity(id)
	pub, _ := crypt.MarshalX25519Recipient(id.Recipient())
	ourKey, ourPub := filepath.Join(dir, "x.key"), filepath.Join(dir, "x.pub")
	os.WriteFile(ourKey, priv, 0o600)
	os.WriteFile(ourPub, pub, 0o644)
	ageKey := filepath.Join(dir, "age.key")
	if out, err := exec.Command("age-keygen", "-o", ageKey).CombinedOutput(); err != nil {
		return fmt.Errorf("age-keygen: %v: %s", err, out)
	}
	agePubB, err := exec.Command("age-keygen", "-y", ageKey).Output()
	if err != nil {
		return err
	}
	agePub := strings.TrimSpace(string(agePubB))

	ourEnc, ageEnc := filepath.Join(dir, "ours.enc"), filepath.Join(dir, "theirs.age")
	if err := exec.Command(self, "child", "encrypt", file, ourEnc, ourPub, "1").Run(); err != nil {
		return fmt.Errorf("preparing our ciphertext: %v", err)
	}
	if err := exec.Command("age", "-r", agePub, "-o", ageEnc, file).Run(); err != nil {
		return fmt.Errorf("preparing age's ciphertext: %v", err)
	}
	o1, o2 := filepath.Join(dir, "out1"), filepath.Join(dir, "out2")
	rows := []row{
		{name: "BLAKE3 hash, GOMAXPROCS=1", peer: "b3sum --num-threads 1", oursEnv: []string{"GOMAXPROCS=1"},
			ours: []string{self, "child", "hash", file}, theirs: []string{"b3sum", "--num-threads", "1", file}},
		{name: "BLAKE3 hash, GOMAXPROCS", peer: "b3sum --num-threads 1",
			ours: []string{self, "child", "hash", file}, theirs: []string{"b3sum", "--num-threads", "1", file}},
		{name: "encrypt, 1 thread", peer: "age -r",
			ours: []string{self, "child", "encrypt", file, o1, ourPub, "1"}, theirs: []string{"age", "-r", agePub, "-o", o2, file}, outputs: []string{o1, o2}},
		{name: "encrypt, GOMAXPROCS", peer: "age -r",
			ours: []string{self, "child", "encrypt", file, o1, ourPub, "0"}, theirs: []string{"age", "-r", agePub, "-o", o2, file}, outputs: []string{o1, o2}},
		{name: "decrypt, 1 thread", peer: "age -d",
			ours: []string{self, "child", "decrypt", ourEnc, o1, ourKey, "1"}, theirs: []string{"age", "-d", "-i", ageKey, "-o", o2, ageEnc}, outputs: []string{o1, o2}},
		{name: "decrypt, GOMAXPROCS", peer: "age -d",
			ours: []string{self, "child", "decrypt", ourEnc, o1, ourKey, "0"}, theirs: []string{"age", "-d", "-i", ageKey, "-o", o2, ageEnc}, outputs: []string{o1, o2}},
		{name: "EncryptFile (+fsync), GOMAXPROCS", peer: "",
			ours: []string{self, "child", "encrypt-file", file, o1, ourPub, "0"}, outputs: []string{o1}},
	}
	mb := float64(st.Size()) / 1e6
	fmt.Printf("file %s, %d bytes, outputs in %s, %d rounds, alternating; medians of wall time per process\n\n", file, st.Size(), outDir, rounds)
	fmt.Println("| operation | peer | ours wall (s) | peer wall (s) | ours MB/s | peer MB/s | wall ratio peer/ours | ours CPU (s) | peer CPU (s) | CPU ratio peer/ours |")
	fmt.Println("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|")
	for _, r := range rows {
		if !strings.Contains(r.name, only) {
			continue
		}
		var ours, theirs, oursCPU, theirsCPU []float64
		for i := 0; i < rounds; i++ {
			first, second := r.ours, r.theirs
			if i%2 == 1 {
				first, second = second, first
			}
			for _, argv := range [][]string{first, second} {
				if argv == nil {
					continue
				}
				for _, o := range r.outputs {
					os.Remove(o)
				}
				var env []string
				if &argv[0] == &r.ours[0] {
					env = r.oursEnv
				}
				d, cpu, err := timeRun(argv, env)
				if err != nil {
					return fmt.Errorf("%s: %v", strings.Join(argv, " "), err)
				}
				if &argv[0] == &r.ours[0] {
					ours, oursCPU = append(ours, d), append(oursCPU, cpu)
				} else {
					theirs, theirsCPU = append(theirs, d), append(theirsCPU, cpu)
				}
			}
		}
		mo, co := benchstat.Median(ours), benchstat.Median(oursCPU)
		if r.theirs == nil {
			fmt.Printf("| %s | — | %.3f | — | %.0f | — | — | %.3f | — | — |\n", r.name, mo, mb/mo, co)
			continue
		}
		mt, ct := benchstat.Median(theirs), benchstat.Median(theirsCPU)
		fmt.Printf("| %s | %s | %.3f | %.3f | %.0f | %.0f | **%.2f** | %.3f | %.3f | %.2f |\n", r.name, r.peer, mo, mt, mb/mo, mb/mt, mt/mo, co, ct, ct/co)
	}
	return nil
}

// timeRun returns the wall time and the CPU time (user + system, all
// threads) of one run.
func timeRun(argv, env []string) (float64, float64, error) {
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Env = append(os.Environ(), env...)
	cmd.Stdout = io.Discard
	var errb strings.Builder
	cmd.Stderr = &errb
	start := time.Now()
	err := cmd.Run()
	d := time.Since(start).Seconds()
	if err != nil {
		return 0, 0, fmt.Errorf("%v: %s", err, errb.String())
	}
	return d, (cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()).Seconds(), nil
}

func ensureFile(name string, size int64) error {
	if st, err := os.Stat(name); err == nil && st.Size() == size {
		return nil
	}
	if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
		return err
	}
	f, err := os.Create(name)
	if err != nil {
		return err
	}
	r := rand.NewChaCha8([32]byte{1})
	if _, err := io.CopyN(f, r, size); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

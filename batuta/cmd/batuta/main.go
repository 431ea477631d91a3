// Command batuta is the command line of the Batuta stack. Today it holds
// the model registry, `batuta pacha …`; every subcommand has --help.
//
// Exit codes (stable; scripts may rely on them):
//
//	0  success
//	1  the operation failed (network, verification, I/O, not implemented yet)
//	2  usage error (unknown command or flag, wrong arguments)
//	3  not found (no such model, reference, file or short name)
//	4  `pacha check` found integrity problems
//
// A command may return an error with an ExitCode() int method to choose
// its own code (for example a verification that failed).
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/spf13/cobra"
)

// Exit codes.
const (
	exitOK       = 0
	exitFailure  = 1
	exitUsage    = 2
	exitNotFound = 3
	exitProblems = 4
)

// exitError carries an exit code with an error; the message may be empty
// when the command already said everything.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

func usageErr(err error) error { return &exitError{code: exitUsage, err: err} }

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// run executes the command line args and returns the exit code.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	root := newRootCmd()
	root.SetArgs(args)
	root.SetOut(stdout)
	root.SetErr(stderr)
	err := root.ExecuteContext(ctx)
	if err == nil {
		return exitOK
	}
	code := exitCode(err)
	if msg := err.Error(); msg != "" {
		fmt.Fprintln(stderr, "batuta:", msg)
	}
	return code
}

func newRootCmd() *cobra.Command {
	root := &cobra.Command{
		Use:           "batuta",
		Short:         "The Batuta stack: models, inference and ML on your own machines",
		SilenceErrors: true,
		SilenceUsage:  true,
	}
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		return usageErr(fmt.Errorf("%w (see %s --help)", err, c.CommandPath()))
	})
	root.AddCommand(newPachaCmd())
	return root
}

// exitCode maps an error to the documented exit codes.
func exitCode(err error) int {
	var ee *exitError
	if errors.As(err, &ee) {
		return ee.code
	}
	// Commands in other files (or packages) choose their code this way.
	var ec interface{ ExitCode() int }
	if errors.As(err, &ec) && ec.ExitCode() > 0 {
		return ec.ExitCode()
	}
	if isNotFound(err) {
		return exitNotFound
	}
	if isUsage(err) {
		return exitUsage
	}
	return exitFailure
}

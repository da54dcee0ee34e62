package timemachine

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
)

// ErrNotAvailable is returned on systems without Time Machine. Callers show
// "not available" instead of an error.
var ErrNotAvailable = errors.New("Time Machine is not available on this system")

// Runner runs tmutil with args and returns what it printed. err reports that
// the command could not run or exited non-zero; stdout and stderr are returned
// either way because tmutil's text, not its exit code, tells what happened.
type Runner interface {
	Run(ctx context.Context, args ...string) (stdout, stderr []byte, err error)
}

// EnvTmutil names the environment variable that replaces /usr/bin/tmutil
// with another program: a path, or a name looked up in PATH. It lets the CLI
// and the app run against a script that prints recorded tmutil output, also
// off macOS. Set to an empty or blank value it is a mistake, not "default".
const EnvTmutil = "STOCKSYNC_TMUTIL"

// OverrideError says that STOCKSYNC_TMUTIL names nothing that can run. It is
// a usage error: the user set the variable.
type OverrideError struct {
	Value  string // the variable's value
	Reason string
}

func (e *OverrideError) Error() string {
	return fmt.Sprintf("%s=%q: %s; unset it to use /usr/bin/tmutil, or set it to the path of a program that answers like tmutil",
		EnvTmutil, e.Value, e.Reason)
}

// SystemRunner returns the Runner for tmutil: the program STOCKSYNC_TMUTIL
// names when it is set, else /usr/bin/tmutil on macOS and, elsewhere, a
// Runner whose every call fails with ErrNotAvailable. A set but unusable
// STOCKSYNC_TMUTIL makes every call fail with its *OverrideError, so the
// app shows the mistake; a CLI calls RunnerFromEnv to refuse it up front.
func SystemRunner() Runner {
	r, err := RunnerFromEnv(os.LookupEnv)
	if err != nil {
		return failingRunner{err}
	}
	return r
}

type failingRunner struct{ err error }

func (f failingRunner) Run(context.Context, ...string) ([]byte, []byte, error) {
	return nil, nil, f.err
}

// RunnerFromEnv returns the Runner for tmutil: ExecRunner of the program
// STOCKSYNC_TMUTIL names when lookupEnv (normally os.LookupEnv) finds it set,
// otherwise the platform's (/usr/bin/tmutil on macOS, ErrNotAvailable
// elsewhere). A set but blank value, or a program that cannot be found, is
// an *OverrideError.
func RunnerFromEnv(lookupEnv func(string) (string, bool)) (Runner, error) {
	v, ok := lookupEnv(EnvTmutil)
	if !ok {
		return platformRunner(), nil
	}
	if strings.TrimSpace(v) == "" {
		reason := "the value is empty"
		if v != "" {
			reason = "the value is only blanks"
		}
		return nil, &OverrideError{Value: v, Reason: reason}
	}
	path, err := exec.LookPath(v)
	if err != nil {
		return nil, &OverrideError{Value: v, Reason: "no such program (" + lookError(err) + ")"}
	}
	return ExecRunner(path), nil
}

func lookError(err error) string {
	var e *exec.Error
	if errors.As(err, &e) {
		return e.Err.Error()
	}
	return err.Error()
}

// ExecRunner returns a Runner that executes the program at path with tmutil's
// arguments, on any system.
func ExecRunner(path string) Runner { return execRunner{path: path} }

type execRunner struct{ path string }

func (r execRunner) Run(ctx context.Context, args ...string) ([]byte, []byte, error) {
	var stdout, stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, r.path, args...)
	cmd.Stdout = &stdout
	cmd.Stderr = &stderr
	err := cmd.Run()
	return stdout.Bytes(), stderr.Bytes(), err
}

// exitCode returns the exit status carried by err (from ExecRunner, or any
// error with an ExitCode method), or -1.
func exitCode(err error) int {
	var e interface{ ExitCode() int }
	if errors.As(err, &e) {
		return e.ExitCode()
	}
	return -1
}

package timemachine

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Checker answers Time Machine questions about the data folder.
type Checker struct {
	runner Runner
	home   string

	// Location is the time zone tmutil's backup names are read in; nil means
	// time.Local. tmutil names backups in the Mac's local time.
	Location *time.Location
}

// NewChecker returns a Checker that runs tmutil through r. home is the user's
// home folder: exclusions are looked for on the data folder and on every
// folder above it up to and including home.
func NewChecker(r Runner, home string) *Checker {
	return &Checker{runner: r, home: home}
}

func (c *Checker) location() *time.Location {
	if c.Location != nil {
		return c.Location
	}
	return time.Local
}

// run runs tmutil. Only ErrNotAvailable and a cancelled context are returned
// as errors here; any other failure is handed back in runErr for the caller
// to weigh against what tmutil printed.
func (c *Checker) run(ctx context.Context, args ...string) (out output, err error) {
	stdout, stderr, runErr := c.runner.Run(ctx, args...)
	if errors.Is(runErr, ErrNotAvailable) {
		return output{}, ErrNotAvailable
	}
	if ctxErr := ctx.Err(); ctxErr != nil {
		return output{}, fmt.Errorf("tmutil %s: %w", args[0], ctxErr)
	}
	return output{stdout: string(stdout), stderr: string(stderr), runErr: runErr}, nil
}

type output struct {
	stdout, stderr string
	runErr         error
}

func (o output) combined() string { return o.stdout + "\n" + o.stderr }

// message is tmutil's own words, for error messages and details shown to the user.
func (o output) message() string {
	msg := strings.TrimSpace(strings.TrimSpace(o.stderr) + "\n" + strings.TrimSpace(o.stdout))
	msg = strings.TrimPrefix(msg, "tmutil: ")
	if msg == "" && o.runErr != nil {
		return o.runErr.Error()
	}
	return msg
}

// failure turns an output that could not be understood into an error that
// says which command failed and quotes tmutil.
func (o output) failure(verb string) error {
	msg := o.message()
	if msg == "" {
		msg = "no output"
	}
	if o.runErr != nil {
		return fmt.Errorf("tmutil %s failed: %s: %w", verb, msg, o.runErr)
	}
	return fmt.Errorf("tmutil %s: unexpected output: %s", verb, msg)
}

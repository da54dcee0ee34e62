package timemachine

import (
	"context"
	"errors"
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

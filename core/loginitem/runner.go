package loginitem

import (
	"context"
	"errors"
)

// ErrNotAvailable is returned on systems without launchd.
var ErrNotAvailable = errors.New("launch at login is not available on this system")

// Runner runs launchctl with args. stdout and stderr are returned even when
// err reports a failed run: launchctl's text tells what went wrong.
type Runner interface {
	Run(ctx context.Context, args ...string) (stdout, stderr []byte, err error)
}

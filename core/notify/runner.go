package notify

import (
	"context"
	"errors"
)

// ErrNotAvailable is returned where osascript does not exist.
var ErrNotAvailable = errors.New("notifications are not available on this system")

// Runner runs osascript with args.
type Runner interface {
	Run(ctx context.Context, args ...string) (stdout, stderr []byte, err error)
}

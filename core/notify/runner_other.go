//go:build !darwin

package notify

import "context"

// SystemRunner returns a Runner whose every call fails with ErrNotAvailable:
// there is no osascript outside macOS.
func SystemRunner() Runner { return unavailableRunner{} }

type unavailableRunner struct{}

func (unavailableRunner) Run(context.Context, ...string) ([]byte, []byte, error) {
	return nil, nil, ErrNotAvailable
}

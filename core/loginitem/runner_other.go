//go:build !darwin

package loginitem

import "context"

// SystemRunner returns a Runner whose every call fails with ErrNotAvailable:
// there is no launchd outside macOS.
func SystemRunner() Runner { return unavailableRunner{} }

type unavailableRunner struct{}

func (unavailableRunner) Run(context.Context, ...string) ([]byte, []byte, error) {
	return nil, nil, ErrNotAvailable
}

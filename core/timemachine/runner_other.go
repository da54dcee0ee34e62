//go:build !darwin

package timemachine

import "context"

// SystemRunner returns a Runner whose every call fails with ErrNotAvailable:
// there is no Time Machine outside macOS. See RunnerFromEnv for running a
// tmutil stand-in here.
func SystemRunner() Runner { return unavailableRunner{} }

type unavailableRunner struct{}

func (unavailableRunner) Run(context.Context, ...string) ([]byte, []byte, error) {
	return nil, nil, ErrNotAvailable
}

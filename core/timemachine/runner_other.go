//go:build !darwin

package timemachine

import "context"

// platformRunner fails every call with ErrNotAvailable: there is no Time
// Machine outside macOS (STOCKSYNC_TMUTIL can stand in for tmutil there).
func platformRunner() Runner { return unavailableRunner{} }

type unavailableRunner struct{}

func (unavailableRunner) Run(context.Context, ...string) ([]byte, []byte, error) {
	return nil, nil, ErrNotAvailable
}

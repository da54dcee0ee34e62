//go:build darwin

package timemachine

const tmutilPath = "/usr/bin/tmutil"

// SystemRunner returns the Runner that executes /usr/bin/tmutil. See
// RunnerFromEnv for the STOCKSYNC_TMUTIL override.
func SystemRunner() Runner { return ExecRunner(tmutilPath) }

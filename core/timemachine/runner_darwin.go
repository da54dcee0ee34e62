//go:build darwin

package timemachine

const tmutilPath = "/usr/bin/tmutil"

// platformRunner executes /usr/bin/tmutil.
func platformRunner() Runner { return ExecRunner(tmutilPath) }

//go:build darwin

package timemachine

import (
	"bytes"
	"context"
	"os/exec"
)

const tmutilPath = "/usr/bin/tmutil"

// SystemRunner returns the Runner that executes /usr/bin/tmutil.
func SystemRunner() Runner { return execRunner{} }

type execRunner struct{}

func (execRunner) Run(ctx context.Context, args ...string) ([]byte, []byte, error) {
	var stdout, stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, tmutilPath, args...)
	cmd.Stdout = &stdout
	cmd.Stderr = &stderr
	err := cmd.Run()
	return stdout.Bytes(), stderr.Bytes(), err
}

//go:build darwin

package loginitem

import (
	"bytes"
	"context"
	"os/exec"
)

const launchctlPath = "/bin/launchctl"

// SystemRunner returns the Runner that executes /bin/launchctl.
func SystemRunner() Runner { return execRunner{} }

type execRunner struct{}

func (execRunner) Run(ctx context.Context, args ...string) ([]byte, []byte, error) {
	var stdout, stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, launchctlPath, args...)
	cmd.Stdout = &stdout
	cmd.Stderr = &stderr
	err := cmd.Run()
	return stdout.Bytes(), stderr.Bytes(), err
}

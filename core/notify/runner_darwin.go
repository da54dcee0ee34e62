//go:build darwin

package notify

import (
	"bytes"
	"context"
	"os/exec"
)

const osascriptPath = "/usr/bin/osascript"

// SystemRunner returns the Runner that executes /usr/bin/osascript.
func SystemRunner() Runner { return execRunner{} }

type execRunner struct{}

func (execRunner) Run(ctx context.Context, args ...string) ([]byte, []byte, error) {
	var stdout, stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, osascriptPath, args...)
	cmd.Stdout = &stdout
	cmd.Stderr = &stderr
	err := cmd.Run()
	return stdout.Bytes(), stderr.Bytes(), err
}

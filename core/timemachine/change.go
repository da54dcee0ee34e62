package timemachine

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
)

// StillExcludedError is returned by Include when tmutil could not remove an
// exclusion, typically a fixed-path exclusion that only an administrator can
// remove.
type StillExcludedError struct {
	Paths  []string
	Output string // what tmutil printed, if anything
	// NeedsFullDiskAccess is true when tmutil refused for lack of Full Disk
	// Access (exit status 80, or its message says so).
	NeedsFullDiskAccess bool
}

// exitNoFullDiskAccess is tmutil's exit status when the calling process
// lacks Full Disk Access for a privileged operation.
const exitNoFullDiskAccess = 80

func (e *StillExcludedError) Error() string {
	msg := fmt.Sprintf("Time Machine still skips %s: remove it under System Settings → General → Time Machine → Options, or run `sudo tmutil removeexclusion -p %s` in Terminal, which needs Full Disk Access for it (System Settings → Privacy & Security → Full Disk Access → Terminal; without it tmutil exits with code 80)",
		strings.Join(e.Paths, ", "), shellQuote(e.Paths[len(e.Paths)-1]))
	if e.NeedsFullDiskAccess {
		msg += "; Stocksync itself was refused for lack of Full Disk Access"
	}
	if e.Output != "" {
		msg += " (tmutil said: " + e.Output + ")"
	}
	return msg
}

// Include removes every exclusion that keeps dataDir out of Time Machine
// backups (on the folder itself or on any folder above it) and checks again.
// It returns the new state; an exclusion tmutil could not remove is a
// *StillExcludedError.
func (c *Checker) Include(ctx context.Context, dataDir string) (Exclusion, error) {
	ex, err := c.Exclusion(ctx, dataDir)
	if err != nil || !ex.Excluded {
		return ex, err
	}
	out, err := c.run(ctx, append([]string{"removeexclusion"}, ex.ExcludedPaths...)...)
	if err != nil {
		return ex, err
	}
	// tmutil's exit status is not trusted; asking again is.
	after, err := c.Exclusion(ctx, dataDir)
	if err != nil {
		return ex, fmt.Errorf("check Time Machine exclusion after removing it: %w", err)
	}
	if after.Excluded {
		return after, &StillExcludedError{Paths: after.ExcludedPaths, Output: out.message(),
			NeedsFullDiskAccess: exitCode(out.runErr) == exitNoFullDiskAccess || strings.Contains(out.combined(), fullDiskAccessMessage)}
	}
	return after, nil
}

// ExcludeCache excludes the thumbnail cache from Time Machine backups: it can
// be downloaded again and would only make backups bigger.
func (c *Checker) ExcludeCache(ctx context.Context, thumbnailsDir string) error {
	if thumbnailsDir == "" || !filepath.IsAbs(thumbnailsDir) {
		return fmt.Errorf("exclude thumbnails from Time Machine: %q is not an absolute path", thumbnailsDir)
	}
	dir := filepath.Clean(thumbnailsDir)
	out, err := c.run(ctx, "addexclusion", dir)
	if err != nil {
		return err
	}
	results, err := c.isExcluded(ctx, []string{dir})
	if err != nil {
		return fmt.Errorf("check Time Machine exclusion of %s: %w", dir, err)
	}
	if results[0].State != StateExcluded {
		msg := out.message()
		if msg == "" {
			msg = "it still reports the folder as " + results[0].State.String()
		}
		return fmt.Errorf("exclude %s from Time Machine: tmutil addexclusion did not take effect: %s", dir, msg)
	}
	return nil
}

func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

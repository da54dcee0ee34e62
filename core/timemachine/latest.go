package timemachine

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"time"
)

// BackupState tells what tmutil latestbackup found.
type BackupState int

const (
	// BackupNone: no backup of this Mac exists (or no disk is configured).
	BackupNone BackupState = iota
	// BackupFound: LatestBackup.Time holds when the latest backup was taken.
	BackupFound
	// BackupNeedsFullDiskAccess: macOS refused to tell; the app needs Full
	// Disk Access in System Settings → Privacy & Security. Not a failure.
	BackupNeedsFullDiskAccess
	// BackupDestinationUnavailable: the backup disk is not connected.
	BackupDestinationUnavailable
)

func (s BackupState) String() string {
	switch s {
	case BackupFound:
		return "found"
	case BackupNeedsFullDiskAccess:
		return "needs Full Disk Access"
	case BackupDestinationUnavailable:
		return "backup disk not connected"
	default:
		return "no backup"
	}
}

// LatestBackup is the newest completed Time Machine backup.
type LatestBackup struct {
	State  BackupState
	Time   time.Time // local time; zero unless State is BackupFound
	Path   string    // the backup's path as tmutil printed it
	Detail string    // tmutil's own message, for states other than BackupFound
}

// LatestBackup asks tmutil for the newest backup. Full Disk Access refusals and
// a disconnected disk are states, not errors: the UI explains them.
func (c *Checker) LatestBackup(ctx context.Context) (LatestBackup, error) {
	out, err := c.run(ctx, "latestbackup")
	if err != nil {
		return LatestBackup{}, err
	}
	all := out.combined()
	switch {
	case strings.Contains(all, "Full Disk Access"):
		return LatestBackup{State: BackupNeedsFullDiskAccess, Detail: out.message()}, nil
	case strings.Contains(all, "Failed to mount backup destination"):
		return LatestBackup{State: BackupDestinationUnavailable, Detail: out.message()}, nil
	case strings.Contains(all, "No destinations configured"),
		strings.Contains(all, "No machine directory found"),
		strings.Contains(all, "No backups found"):
		return LatestBackup{State: BackupNone, Detail: out.message()}, nil
	}
	path := lastPathLine(out.stdout)
	if path == "" {
		if out.runErr == nil && strings.TrimSpace(all) == "" {
			return LatestBackup{State: BackupNone}, nil
		}
		return LatestBackup{}, out.failure("latestbackup")
	}
	t, ok := backupTime(path, c.location())
	if !ok {
		return LatestBackup{}, fmt.Errorf("tmutil latestbackup: no date in backup path %q", path)
	}
	return LatestBackup{State: BackupFound, Time: t, Path: path}, nil
}

func lastPathLine(s string) string {
	lines := strings.Split(s, "\n")
	for i := len(lines) - 1; i >= 0; i-- {
		if l := strings.TrimSpace(lines[i]); strings.HasPrefix(l, "/") {
			return l
		}
	}
	return ""
}

var backupStamp = regexp.MustCompile(`^(\d{4}-\d{2}-\d{2}-\d{6})(\.[A-Za-z]+)?$`)

// backupTime reads the date from the last path component that looks like a
// backup name: "2026-08-01-005134.backup" (APFS) or "2011-08-26-104514" (HFS+).
func backupTime(path string, loc *time.Location) (time.Time, bool) {
	parts := strings.Split(strings.TrimRight(path, "/"), "/")
	for i := len(parts) - 1; i >= 0; i-- {
		m := backupStamp.FindStringSubmatch(parts[i])
		if m == nil {
			continue
		}
		t, err := time.ParseInLocation("2006-01-02-150405", m[1], loc)
		if err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

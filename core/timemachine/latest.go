package timemachine

import (
	"context"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// BackupState tells what tmutil latestbackup found.
type BackupState int

const (
	// BackupNone: no backup of this Mac exists yet on the backup disk.
	BackupNone BackupState = iota
	// BackupFound: LatestBackup.Time holds when the latest backup was taken.
	BackupFound
	// BackupNeedsFullDiskAccess: macOS refused to tell; the app needs Full
	// Disk Access in System Settings → Privacy & Security. Not a failure.
	BackupNeedsFullDiskAccess
	// BackupDestinationUnavailable: a backup disk is set up but cannot be
	// reached: not connected (backupd error 18), or its machine directory
	// cannot be found (older network setups).
	BackupDestinationUnavailable
	// BackupNoDestination: no backup disk is set up ("No destinations
	// configured", or backupd error 17 when mounting the destination).
	BackupNoDestination
)

func (s BackupState) String() string {
	switch s {
	case BackupFound:
		return "found"
	case BackupNeedsFullDiskAccess:
		return "needs Full Disk Access"
	case BackupDestinationUnavailable:
		return "backup disk not connected"
	case BackupNoDestination:
		return "no backup disk is set up"
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

// backupd's error codes in "Failed to mount backup destination, error:
// Error Domain=com.apple.backupd.ErrorDomain Code=N …". The domain and code
// are not localised (the description is).
const (
	backupdNoDestination  = 17
	backupdNotConnected   = 18
	mountFailed           = "Failed to mount backup destination"
	noMachineDirectory    = "Unable to locate machine directory for host"
	fullDiskAccessMessage = "Full Disk Access"
)

var backupdCode = regexp.MustCompile(`backupd\.ErrorDomain\s+Code=(\d+)`)

// LatestBackup asks tmutil for the newest backup. Full Disk Access refusals,
// no disk set up and a disk that cannot be reached are states, not errors:
// the UI explains them. tmutil's own English text and backupd's error codes
// decide, never the exit status (tmutil exits 0 on some of these).
//
// Backup names are read in c.Location (tmutil prints local time):
// ".../2026-08-01-005134.backup" (APFS), ".../2011-08-26-104514" (HFS+), or
// on macOS 12 sometimes the bare name "2026-08-01-005134.backup".
func (c *Checker) LatestBackup(ctx context.Context) (LatestBackup, error) {
	out, err := c.run(ctx, "latestbackup")
	if err != nil {
		return LatestBackup{}, err
	}
	all := out.combined()
	switch {
	case strings.Contains(all, fullDiskAccessMessage):
		return LatestBackup{State: BackupNeedsFullDiskAccess, Detail: out.message()}, nil
	case strings.Contains(all, mountFailed):
		st := BackupDestinationUnavailable
		if m := backupdCode.FindStringSubmatch(all); m != nil && m[1] == strconv.Itoa(backupdNoDestination) {
			st = BackupNoDestination
		}
		return LatestBackup{State: st, Detail: out.message()}, nil
	case strings.Contains(all, noMachineDirectory):
		return LatestBackup{State: BackupDestinationUnavailable, Detail: out.message()}, nil
	case strings.Contains(all, "No destinations configured"):
		return LatestBackup{State: BackupNoDestination, Detail: out.message()}, nil
	case strings.Contains(all, "No machine directory found"),
		strings.Contains(all, "No backups found"):
		return LatestBackup{State: BackupNone, Detail: out.message()}, nil
	}
	path := backupLine(out.stdout)
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

// backupLine returns the last line that is a path or a bare backup name.
func backupLine(s string) string {
	lines := strings.Split(s, "\n")
	for i := len(lines) - 1; i >= 0; i-- {
		l := strings.TrimSpace(lines[i])
		if strings.HasPrefix(l, "/") || backupStamp.MatchString(l) {
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

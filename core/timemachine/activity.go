package timemachine

import (
	"bytes"
	"context"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode"

	"howett.net/plist"
)

// Activity is what `tmutil status` says Time Machine is doing now. tmutil
// prints "Backup session status:" and an OpenStep-style dictionary (keys
// Running, BackupPhase, Percent, Stopping, DestinationID,
// DestinationMountPoint, and Progress = { Percent, TimeRemaining, bytes,
// totalBytes, files, totalFiles }); every value arrives as text.
type Activity struct {
	// Running is true while a backup runs (Running = 1).
	Running bool
	// Stopping is true while a running backup is being stopped (Stopping = 1).
	Stopping bool
	// Phase is backupd's BackupPhase as printed ("Starting", "FindingChanges",
	// "Copying", "ThinningPostBackup", "Finishing", …); "" when not running.
	Phase string
	// Fraction is the part done, 0…1 (Progress.Percent, else Percent);
	// -1 while tmutil does not know yet (it prints "-1").
	Fraction float64
	// TimeRemaining is tmutil's estimate (Progress.TimeRemaining, seconds);
	// 0 when it gives none.
	TimeRemaining time.Duration
	// BytesCopied and TotalBytes are Progress.bytes and Progress.totalBytes;
	// FilesCopied and TotalFiles are Progress.files and Progress.totalFiles.
	// 0 when tmutil gives none.
	BytesCopied, TotalBytes int64
	FilesCopied, TotalFiles int64
	// DestinationID and DestinationMountPoint name the disk being backed up
	// to, as in Destination.ID and Destination.MountPoint.
	DestinationID         string
	DestinationMountPoint string
}

// PhaseText is Phase in a few lowercase words for a status line:
// "preparing", "finding changes", "copying", "cleaning up old backups",
// "finishing", "stopping"; an unknown phase is split into words
// ("MountingBackupVol" → "mounting backup vol").
func (a Activity) PhaseText() string {
	if a.Stopping {
		return "stopping"
	}
	switch a.Phase {
	case "":
		return ""
	case "Starting", "PreparingSourceVolumes", "ThinningPreBackup":
		return "preparing"
	case "MountingBackupVol", "MountingBackupVolForHealthCheck", "FindingBackupVol":
		return "connecting to the backup disk"
	case "FindingChanges":
		return "finding changes"
	case "Copying":
		return "copying"
	case "ThinningPostBackup", "DeletingOldBackups", "LazyThinning":
		return "cleaning up old backups"
	case "Finishing":
		return "finishing"
	}
	return splitWords(a.Phase)
}

func splitWords(s string) string {
	var b strings.Builder
	rs := []rune(s)
	for i, r := range rs {
		if i > 0 && unicode.IsUpper(r) && (unicode.IsLower(rs[i-1]) || i+1 < len(rs) && unicode.IsLower(rs[i+1])) {
			b.WriteByte(' ')
		}
		b.WriteRune(unicode.ToLower(r))
	}
	return b.String()
}

// Activity asks `tmutil status` whether a backup is running and how far it
// got. Output that is not tmutil's status dictionary is an error quoting it.
func (c *Checker) Activity(ctx context.Context) (Activity, error) {
	out, err := c.run(ctx, "status")
	if err != nil {
		return Activity{}, err
	}
	a, ok := parseActivity([]byte(out.stdout))
	if !ok {
		return Activity{}, out.failure("status")
	}
	return a, nil
}

func parseActivity(data []byte) (Activity, bool) {
	i := bytes.IndexByte(data, '{')
	if i < 0 {
		return Activity{}, false
	}
	var m map[string]interface{}
	if _, err := plist.Unmarshal(bytes.TrimSpace(data[i:]), &m); err != nil {
		return Activity{}, false
	}
	running, ok := plistFlag(m["Running"])
	if !ok {
		return Activity{}, false
	}
	a := Activity{Running: running, Fraction: -1}
	if !running {
		return a, true
	}
	a.Stopping, _ = plistFlag(m["Stopping"])
	a.Phase = text(m["BackupPhase"])
	a.DestinationID = text(m["DestinationID"])
	a.DestinationMountPoint = text(m["DestinationMountPoint"])
	progress, _ := m["Progress"].(map[string]interface{})
	a.Fraction = fraction(progress["Percent"])
	if a.Fraction < 0 {
		a.Fraction = fraction(m["Percent"])
	}
	if secs, ok := number(progress["TimeRemaining"]); ok && secs > 0 && secs < 1e9 {
		a.TimeRemaining = time.Duration(secs) * time.Second
	}
	a.BytesCopied = count(progress["bytes"])
	a.TotalBytes = count(progress["totalBytes"])
	a.FilesCopied = count(progress["files"])
	a.TotalFiles = count(progress["totalFiles"])
	return a, true
}

func text(v interface{}) string {
	s, _ := v.(string)
	return strings.TrimSpace(s)
}

func number(v interface{}) (float64, bool) {
	switch x := v.(type) {
	case string:
		f, err := strconv.ParseFloat(strings.TrimSpace(x), 64)
		if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
			return 0, false
		}
		return f, true
	case uint64:
		return float64(x), true
	case int64:
		return float64(x), true
	case float64:
		return x, !math.IsNaN(x) && !math.IsInf(x, 0)
	}
	return 0, false
}

// fraction reads a Percent value: a fraction 0…1; "-1" (or anything else)
// means unknown.
func fraction(v interface{}) float64 {
	f, ok := number(v)
	if !ok || f < 0 || f > 1 {
		return -1
	}
	return f
}

func count(v interface{}) int64 {
	f, ok := number(v)
	if !ok || f < 0 || f > math.MaxInt64/2 {
		return 0
	}
	return int64(f)
}

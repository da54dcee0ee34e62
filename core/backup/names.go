package backup

import (
	"strconv"
	"strings"
	"time"
)

// Snapshot kinds, also used as store.BackupRun kinds.
const (
	KindSnapshot    = "snapshot"     // a snapshot in a backup destination
	KindSafety      = "safety"       // a snapshot in the data folder's snapshots/
	KindVerify      = "verify"       // a verification of a snapshot
	KindTestRestore = "test-restore" // a trial restore into a temporary folder
	KindRestore     = "restore"      // a restore into the data folder
)

// File names inside a snapshot.
const (
	ManifestName = "manifest.json"
	VerifiedName = "verified.json"
	DBName       = "stocksync.db"
	ConfigName   = "config.json"
	ThumbsDir    = "thumbnails"
	// ThumbsManifestName lists the thumbnails' sizes and hashes.
	ThumbsManifestName = "thumbnails.json"
)

const (
	namePrefix  = "stocksync-"
	stampLayout = "20060102T150405Z"
)

// folderName is the name of the n-th snapshot folder created at t (n ≥ 1).
// Names sort by time and never contain anything from a server.
func folderName(t time.Time, n int) string {
	s := namePrefix + t.UTC().Format(stampLayout)
	if n > 1 {
		s += "-" + strconv.Itoa(n)
	}
	return s
}

// parseName reads the time stamp of a snapshot folder name.
func parseName(name string) (time.Time, bool) {
	rest, ok := strings.CutPrefix(name, namePrefix)
	if !ok || len(rest) < len(stampLayout) {
		return time.Time{}, false
	}
	stamp, suffix := rest[:len(stampLayout)], rest[len(stampLayout):]
	if suffix != "" {
		n, err := strconv.Atoi(strings.TrimPrefix(suffix, "-"))
		if !strings.HasPrefix(suffix, "-") || err != nil || n < 2 {
			return time.Time{}, false
		}
	}
	t, err := time.Parse(stampLayout, stamp)
	if err != nil {
		return time.Time{}, false
	}
	return t, true
}

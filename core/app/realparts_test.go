package app

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stocksync/stocksync/core/backup"
)

func TestRealBackupsThroughTheController(t *testing.T) {
	h := newHarness(t, harnessOptions{start: true})
	h.settled()
	h.addPending(3, t0.Add(-time.Hour))
	dest := mkdir(t, filepath.Join(t.TempDir(), "Backups"))
	h.c.SetDestination(dest)

	h.c.BackUpNow()
	s := h.settled()
	a := s.Backups.App
	if !a.ResultOK || !strings.HasPrefix(a.ResultText, "Backed up ") || !strings.Contains(a.ResultText, " to "+dest+string(filepath.Separator)+"stocksync-") {
		t.Fatalf("back up:\n%s", s)
	}
	if a.LastSnapshotText != "Last backup: just now" || s.Menu.WarningLine != "" {
		t.Errorf("after a backup:\n%s", s)
	}

	h.c.Verify()
	s = h.settled()
	if got, want := s.Backups.App.ResultText, "The backup is complete and readable."; got != want || !s.Backups.App.ResultOK {
		t.Errorf("verify result = %q, want %q", got, want)
	}
	h.c.TestRestore()
	s = h.settled()
	if !s.Backups.App.ResultOK || !strings.HasPrefix(s.Backups.App.ResultText, "Test restore succeeded: ") {
		t.Errorf("test restore:\n%s", s)
	}

	// Damage the snapshot's settings file: verify names it.
	snaps, err := backup.List(dest)
	if err != nil || len(snaps) != 1 {
		t.Fatalf("snapshots = %v, %v", snaps, err)
	}
	if err := os.WriteFile(filepath.Join(snaps[0].Path, backup.ConfigName), []byte("{}"), 0o600); err != nil {
		t.Fatal(err)
	}
	h.c.Verify()
	s = h.settled()
	if want := "The backup has problems: config.json is 2 bytes, the manifest says "; s.Backups.App.ResultOK || !strings.HasPrefix(s.Backups.App.ResultText, want) ||
		!strings.HasPrefix(s.Backups.App.LastVerifyText, "Verified just now: problems found — config.json is 2 bytes") {
		t.Errorf("verify of a damaged snapshot:\n%s", s)
	}
}

func TestBackupToAMissingFolder(t *testing.T) {
	h := newHarness(t, harnessOptions{start: true})
	h.settled()
	dest := mkdir(t, filepath.Join(t.TempDir(), "Drive"))
	h.c.SetDestination(dest)
	if err := os.Remove(dest); err != nil { // the drive was unplugged
		t.Fatal(err)
	}
	h.c.BackUpNow()
	s := h.settled()
	want := "Backup failed: the backup folder is not there: connect the drive (or mount the share) and try again, or choose another folder"
	if s.Backups.App.ResultOK || s.Backups.App.ResultText != want || s.Backups.App.LastSnapshotText != "Last backup failed just now" {
		t.Errorf("backup to a missing folder:\n%s", s)
	}
	h.c.Verify()
	s = h.settled()
	if want := "Verify failed: the backup folder is not there: connect the drive (or mount the share) and try again, or choose another folder"; s.Backups.App.ResultText != want {
		t.Errorf("verify in a missing folder:\n%s", s)
	}
}

func TestRealWatcherThroughTheController(t *testing.T) {
	h := newHarness(t, harnessOptions{fsWatch: true, start: true})
	h.settled()
	h.addPending(2, t0)
	h.waitState("local change seen", func(s State) bool { return len(s.Backups.AtRisk) == 1 && s.Backups.AtRisk[0] == "2 pending uploads" })

	if err := os.Remove(h.dir.DB()); err != nil {
		t.Fatal(err)
	}
	s := h.waitState("alarm", func(s State) bool { return s.Menu.Icon == IconAttention })
	if s.Menu.WarningLine != textDBGone {
		t.Errorf("warning line = %q, want %q", s.Menu.WarningLine, textDBGone)
	}
	h.waitFor("alarm notification", func() bool {
		for _, n := range h.notes.Notifications() {
			if n.ID == noteIDDataGone {
				return true
			}
		}
		return false
	})
}

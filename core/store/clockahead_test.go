package store

import (
	"context"
	"testing"
	"time"
)

// A backup recorded while this computer's clock was ahead must not stay the
// last backup once the clock is corrected, and must not hide work added
// after the correction (found by internal/reliability's clock tests).
func TestBackupRecordedWithClockAhead(t *testing.T) {
	db := openTemp(t)
	ctx := context.Background()
	now := time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)
	ahead := now.AddDate(1, 0, 0)
	if err := db.RecordBackupRun(ctx, BackupRun{Kind: "snapshot", Path: "/b/ahead", StartedAt: ahead, OK: true}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.AddPendingUpload(ctx, PendingUpload{Path: "/p/after.jpg", Title: "After"}, now.Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	a, err := db.LocalChangesSince(ctx, ahead, now.Add(2*time.Minute))
	if err != nil || a.PendingUploads != 1 {
		t.Errorf("changes since a backup dated a year ahead: %+v, %v; want the 1 pending upload (the backup's age is unknown)", a, err)
	}
	if err := db.RecordBackupRun(ctx, BackupRun{Kind: "snapshot", Path: "/b/right", StartedAt: now.Add(3 * time.Minute), OK: true}); err != nil {
		t.Fatal(err)
	}
	last, err := db.LastBackupRun(ctx, "snapshot", true)
	if err != nil || last.Path != "/b/right" {
		t.Errorf("last backup = %q, %v; want /b/right, the one recorded last", last.Path, err)
	}
	a, err = db.LocalChangesSince(ctx, last.StartedAt, now.Add(4*time.Minute))
	if err != nil || a.PendingUploads != 0 {
		t.Errorf("changes since the right backup: %+v, %v; want none", a, err)
	}
}

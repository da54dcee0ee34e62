package main

import (
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stocksync/stocksync/core/store"
)

// After a full restore of an older snapshot, status still knows the backups
// and verification made before it (they were carried over), and backups made
// with --to are found by name and named where they went.
func TestBackupHistorySurvivesRestoreAndToIsFound(t *testing.T) {
	t.Parallel()
	d := localData(t) // no destination configured
	dest := t.TempDir()
	run := func(args ...string) (string, string, int) {
		return runCLI(t, append([]string{"--data-dir", d.Root}, args...)...)
	}
	var snaps []backupJSON
	for range 2 {
		out, errs, code := run("backup", "--to", dest, "--json")
		if code != 0 {
			t.Fatalf("backup: exit %d %s", code, errs)
		}
		var b backupJSON
		if err := json.Unmarshal([]byte(out), &b); err != nil {
			t.Fatal(err)
		}
		snaps = append(snaps, b)
	}
	if snaps[0].Snapshot.Name == snaps[1].Snapshot.Name {
		t.Fatalf("two backups share the name %s", snaps[0].Snapshot.Name)
	}
	// By name, with no destination set: found where the backup went.
	if out, errs, code := run("backup", "verify", snaps[1].Snapshot.Name); code != 0 || !strings.Contains(out, "OK") {
		t.Fatalf("verify by name: exit %d %q %q", code, out, errs)
	}
	// --to, like backup list --to.
	if out, errs, code := run("backup", "verify", "--to", dest); code != 0 || !strings.Contains(out, snaps[1].Snapshot.Name) {
		t.Errorf("verify --to: exit %d %q %q", code, out, errs)
	}
	if out, errs, code := run("backup", "test-restore", "--to", dest, snaps[0].Snapshot.Name); code != 0 || !strings.Contains(out, "Test restore OK") {
		t.Errorf("test-restore --to: exit %d %q %q", code, out, errs)
	}
	// Without a name or --to, the error names the folder of the last backup.
	absDest, _ := filepath.Abs(dest)
	if _, errs, code := run("backup", "verify"); code != 1 || !strings.Contains(errs, "--to "+absDest) {
		t.Errorf("verify with no destination: exit %d %q, want it to name %s", code, errs, absDest)
	}
	// backup list lists what it can, says how to set a destination, exit 0.
	if out, errs, code := run("backup", "list"); code != 0 || !strings.Contains(out, "backup destination DIR") || !strings.Contains(out, absDest) {
		t.Errorf("backup list with no destination: exit %d %q %q", code, out, errs)
	}
	out, _, _ := run("backup", "status")
	if !strings.Contains(out, snaps[1].Snapshot.Path) {
		t.Errorf("backup status does not say where the last backup went (%s):\n%s", snaps[1].Snapshot.Path, out)
	}
	before := readBackupStatus(t, run)

	// A new pending upload, then a full restore of the older snapshot.
	db, err := store.Open(context.Background(), d.DB(), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.AddPendingUpload(context.Background(), store.PendingUpload{Path: "/pics/new.jpg", Title: "New", Keywords: []string{"k"}}, time.Now()); err != nil {
		t.Fatal(err)
	}
	db.Close()
	if out, errs, code := run("restore", snaps[0].Snapshot.Name); code != 0 || strings.Contains(out, "Backup history:") {
		t.Fatalf("restore by name: exit %d %q %q", code, out, errs)
	}
	after := readBackupStatus(t, run)
	if after.LastBackup == nil || !after.LastBackup.StartedAt.Equal(before.LastBackup.StartedAt) || after.LastBackup.Path != snaps[1].Snapshot.Path {
		t.Errorf("last backup after restore = %+v, want %+v", after.LastBackup, before.LastBackup)
	}
	if after.LastVerify == nil || !after.LastVerify.StartedAt.Equal(before.LastVerify.StartedAt) {
		t.Errorf("last verify after restore = %+v, want %+v", after.LastVerify, before.LastVerify)
	}
	if after.LastTestRestore == nil {
		t.Error("the test restore was forgotten by the restore")
	}
	if strings.Contains(after.Reminder.Body, "never") || strings.Contains(after.Reminder.Title, "never") {
		t.Errorf("reminder after restore says never: %+v", after.Reminder)
	}
}

func readBackupStatus(t *testing.T, run func(args ...string) (string, string, int)) backupStatusJSON {
	t.Helper()
	out, errs, code := run("backup", "status", "--json")
	if code != 0 {
		t.Fatalf("backup status: exit %d %s", code, errs)
	}
	var s backupStatusJSON
	if err := json.Unmarshal([]byte(out), &s); err != nil {
		t.Fatal(err)
	}
	return s
}

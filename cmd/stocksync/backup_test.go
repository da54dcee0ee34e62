package main

import (
	"context"
	"database/sql"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stocksync/stocksync/core/backup"
	"github.com/stocksync/stocksync/core/config"
	"github.com/stocksync/stocksync/core/datadir"
	"github.com/stocksync/stocksync/core/lockfile"
	"github.com/stocksync/stocksync/core/store"
	"github.com/stocksync/stocksync/core/wording"
)

// localData makes a data folder with two pending uploads and a local path.
func localData(t *testing.T) datadir.Dir {
	t.Helper()
	d := datadir.Dir{Root: filepath.Join(t.TempDir(), "data")}
	if err := d.Ensure(); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	db, err := store.Open(ctx, d.DB(), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	now := time.Now().Add(-time.Minute)
	for _, p := range []string{"/pics/a.jpg", "/pics/b.jpg"} {
		if _, err := db.AddPendingUpload(ctx, store.PendingUpload{Path: p, Title: "T " + p, Keywords: []string{"k"}}, now); err != nil {
			t.Fatal(err)
		}
	}
	if err := db.SetLocalPath(ctx, "123", "/pics/c.jpg", now); err != nil {
		t.Fatal(err)
	}
	return d
}

func pendingPaths(t *testing.T, d datadir.Dir) []string {
	t.Helper()
	db, err := store.Open(context.Background(), d.DB(), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ups, err := db.PendingUploads(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, u := range ups {
		out = append(out, u.Path)
	}
	return out
}

func TestBackupCommands(t *testing.T) {
	t.Parallel()
	d := localData(t)
	dd := []string{"--data-dir", d.Root}
	run := func(args ...string) (string, string, int) { return runCLI(t, append(dd, args...)...) }

	if _, errs, code := run("backup"); code != 1 || !strings.Contains(errs, "stocksync backup destination DIR") {
		t.Fatalf("no destination: exit %d, %q", code, errs)
	}
	if _, errs, code := run("backup", "destination", filepath.Join(d.Root, "inside")); code != 1 || !strings.Contains(errs, "inside the data folder") {
		t.Errorf("destination inside the data folder: exit %d, %q", code, errs)
	}
	if _, errs, code := run("backup", "destination", filepath.Join(t.TempDir(), "not", "mounted")); code != 1 || !strings.Contains(errs, "connect the drive") {
		t.Errorf("destination on a missing drive: exit %d, %q", code, errs)
	}
	dest := filepath.Join(t.TempDir(), "Backups")
	if out, errs, code := run("backup", "destination", dest); code != 0 || !strings.Contains(out, dest) {
		t.Fatalf("destination: exit %d, %q %q", code, out, errs)
	}
	if out, _, _ := run("backup", "destination"); strings.TrimSpace(out) != dest {
		t.Errorf("destination shows %q, want %q", out, dest)
	}
	if _, _, code := run("backup", "schedule", "daily"); code != 0 {
		t.Fatal("schedule daily failed")
	}
	if _, _, code := run("backup", "schedule", "hourly"); code == 0 {
		t.Error("schedule hourly: want an error")
	}
	cfg, err := config.Load(d.Config())
	if err != nil || cfg.Backup.Schedule != "daily" || cfg.Backup.Destination != dest {
		t.Fatalf("settings %+v %v", cfg.Backup, err)
	}

	out, errs, code := run("backup", "--json")
	if code != 0 {
		t.Fatalf("backup: exit %d %s", code, errs)
	}
	var b backupJSON
	if err := json.Unmarshal([]byte(out), &b); err != nil {
		t.Fatal(err)
	}
	if !b.Verify.OK || b.Snapshot.LocalOnly["pending_uploads"] != 2 || filepath.Dir(b.Snapshot.Path) != dest || b.Prune == nil {
		t.Errorf("backup result %+v", b)
	}
	if out, _, code := run("backup"); code != 0 || !strings.Contains(out, "Backed up to "+dest) || !strings.Contains(out, "2 pending uploads") {
		t.Errorf("second backup: exit %d %q", code, out)
	}

	out, _, code = run("backup", "list", "--json")
	var l backupListJSON
	if err := json.Unmarshal([]byte(out), &l); err != nil || code != 0 {
		t.Fatalf("list: exit %d %v", code, err)
	}
	if len(l.Snapshots) != 2 || l.Snapshots[1].Name != b.Snapshot.Name || l.Snapshots[0].Verified.IsZero() {
		t.Errorf("list %+v", l.Snapshots)
	}
	if _, _, code := run("backup", "verify", b.Snapshot.Name); code != 0 {
		t.Errorf("verify by name: exit %d", code)
	}
	if _, _, code := run("backup", "test-restore"); code != 0 {
		t.Errorf("test-restore of the newest: exit %d", code)
	}

	out, _, code = run("backup", "status", "--json")
	var s backupStatusJSON
	if err := json.Unmarshal([]byte(out), &s); err != nil || code != 0 {
		t.Fatalf("status: exit %d %v", code, err)
	}
	if !s.DestinationOK || s.Snapshots != 2 || s.LastBackup == nil || s.LastVerify == nil || !s.LastVerify.OK ||
		s.LastTestRestore == nil || s.LocalOnly.PendingUploads != 2 || s.ChangedSinceBackup.PendingUploads != 0 || s.Schedule != "daily" || s.Reminder.Due {
		t.Errorf("status %+v", s)
	}
	// "today", or "yesterday" if midnight passed since the test restore:
	// the day is the one the status was printed on, read before and after.
	before := time.Now()
	out, _, _ = run("backup", "status")
	after := time.Now()
	tr := s.LastTestRestore.StartedAt
	if !strings.Contains(out, "Time Machine:") || !(strings.Contains(out, "Last test restore: "+wording.Ago(before, tr)+" (") ||
		strings.Contains(out, "Last test restore: "+wording.Ago(after, tr)+" (")) {
		t.Errorf("status text (test restore at %s) %q", tr, out)
	}

	// A damaged snapshot: verify and test-restore exit 3 and name the file.
	flip(t, filepath.Join(b.Snapshot.Path, backup.DBName))
	out, _, code = run("backup", "verify", "--json", b.Snapshot.Path)
	var rep backup.Report
	json.Unmarshal([]byte(out), &rep)
	if code != 3 || rep.OK || len(rep.Errors()) == 0 || rep.Errors()[0].File != backup.DBName {
		t.Errorf("verify damaged: exit %d, %+v", code, rep)
	}
	if _, errs, code := run("backup", "test-restore", b.Snapshot.Name); code != 3 || !strings.Contains(errs, backup.DBName) {
		t.Errorf("test-restore damaged: exit %d %q", code, errs)
	}
	if _, _, code := run("restore", b.Snapshot.Name); code != 3 {
		t.Errorf("restore damaged: exit %d, want 3", code)
	}
	// --dry-run previews the same refusal with the same status (it was 1).
	if _, _, code := run("restore", b.Snapshot.Name, "--dry-run"); code != 3 {
		t.Errorf("restore --dry-run damaged: exit %d, want 3", code)
	}
}

func flip(t *testing.T, path string) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	b[len(b)/2] ^= 0xff
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
}

func TestRestoreCommand(t *testing.T) {
	t.Parallel()
	d := localData(t)
	dest := t.TempDir()
	dd := []string{"--data-dir", d.Root}
	run := func(args ...string) (string, string, int) { return runCLI(t, append(dd, args...)...) }
	out, errs, code := run("backup", "--to", dest, "--json")
	if code != 0 {
		t.Fatalf("backup: %d %s", code, errs)
	}
	var b backupJSON
	json.Unmarshal([]byte(out), &b)
	want := pendingPaths(t, d)

	// Refused while a sync runs.
	l, err := lockfile.TryAcquire(d.Lock(), "stocksync sync")
	if err != nil {
		t.Fatal(err)
	}
	if _, errs, code := run("restore", b.Snapshot.Path); code != 4 || !strings.Contains(errs, "already running: ") {
		t.Errorf("restore during sync: exit %d %q", code, errs)
	}
	l.Release()

	// Complete loss recovery.
	if err := os.RemoveAll(d.Root); err != nil {
		t.Fatal(err)
	}
	out, errs, code = run("restore", b.Snapshot.Path)
	if code != 0 || !strings.Contains(out, "stocksync sync") {
		t.Fatalf("restore: exit %d %q %q", code, out, errs)
	}
	if got := pendingPaths(t, d); strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("pending uploads %v, want %v", got, want)
	}

	// Partial recovery: the uploads were lost, the merge brings them back.
	db, err := store.Open(context.Background(), d.DB(), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	db.Write(context.Background(), func(tx *sql.Tx) error { _, err := tx.Exec("DELETE FROM pending_uploads"); return err })
	db.Close()
	out, errs, code = run("restore", b.Snapshot.Path, "--local-only")
	if code != 0 || !strings.Contains(out, "pending uploads:  2 added") {
		t.Fatalf("restore --local-only: exit %d %q %q", code, out, errs)
	}
	if got := pendingPaths(t, d); len(got) != 2 {
		t.Errorf("pending uploads after merge %v", got)
	}
	if _, errs, code := run("restore", "stocksync-20000101T000000Z"); code != 1 || !strings.Contains(errs, "backup list") {
		t.Errorf("unknown snapshot: exit %d %q", code, errs)
	}
}

func TestBeforeMigrateHookIsSet(t *testing.T) {
	t.Parallel()
	if beforeMigrate(datadir.Dir{Root: t.TempDir()}) == nil {
		t.Error("opening the store takes no safety snapshot before migrations")
	}
}

package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stocksync/stocksync/core/config"
	"github.com/stocksync/stocksync/core/datadir"
	"github.com/stocksync/stocksync/core/store"
)

// Showing the thumbnail queue and showing a local file path only read: on a
// data folder that does not exist they create nothing (issue 12, rough
// edges: read-only commands created the data folder and a database).
func TestShowingCommandsCreateNothing(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{{"thumbnails"}, {"thumbnails", "--json"}, {"link", "80000001"}, {"link", "80000001", "--json"}} {
		dir := filepath.Join(t.TempDir(), "none")
		runCLI(t, append([]string{"--data-dir", dir}, args...)...)
		if _, err := os.Stat(dir); !os.IsNotExist(err) {
			t.Errorf("%v created the data folder %s (stat: %v)", args, dir, err)
		}
	}
	dir := filepath.Join(t.TempDir(), "none")
	out, errs, code := runCLI(t, "--data-dir", dir, "thumbnails", "--json")
	var th thumbnailsJSON
	if code != 0 || json.Unmarshal([]byte(out), &th) != nil || th.Downloaded+th.Queued+th.Failed != 0 || th.Downloading {
		t.Errorf("thumbnails on no data folder: exit %d %q %q, want 0 and all zero", code, out, errs)
	}
}

// On a read-only data folder (a disk turned read-only after errors) the
// commands that only show work: `thumbnails` and `link FILE-ID` refused with
// "the data folder is read-only" (issue 12, item 4).
func TestShowingCommandsWorkReadOnly(t *testing.T) {
	t.Parallel()
	if os.Geteuid() == 0 {
		t.Skip("root writes whatever the permissions")
	}
	d := localData(t)
	ctx := context.Background()
	db, err := store.Open(ctx, d.DB(), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := db.SetLocalPath(ctx, "80000001", "/pics/orig.jpg", time.Now()); err != nil {
		t.Fatal(err)
	}
	db.Close()
	if err := os.Chmod(d.Root, 0o500); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.Chmod(d.Root, 0o700) })
	// link needs the file in the portfolio: without a sync it says so, but
	// only after reading the database, which is what is tested here.
	out, errs, code := runCLI(t, "--data-dir", d.Root, "thumbnails")
	if code != 0 || !strings.HasPrefix(out, "Thumbnails: 0 downloaded") {
		t.Errorf("thumbnails read-only: exit %d %q %q", code, out, errs)
	}
	_, errs, code = runCLI(t, "--data-dir", d.Root, "link", "80000001")
	if strings.Contains(errs, "read-only") {
		t.Errorf("link FILE-ID read-only: exit %d %q", code, errs)
	}
}

// A data folder that is a link to an unmounted drive: status said "Nothing
// synced yet. Run `stocksync login` then `stocksync sync`", and that sync
// failed with "mkdir …: file exists".
func TestDataFolderOnADisconnectedDrive(t *testing.T) {
	t.Parallel()
	link := filepath.Join(t.TempDir(), "data")
	os.Symlink(filepath.Join(t.TempDir(), "unmounted", "Stocksync"), link)
	for _, args := range [][]string{{"status"}, {"sync"}, {"list", "pending"}, {"config", "get"}, {"backup", "status"}} {
		out, errs, code := runCLI(t, append([]string{"--data-dir", link}, args...)...)
		if code != exitFailure || !strings.Contains(errs, "which is not there (is its drive connected?)") || out != "" {
			t.Errorf("%v: exit %d %q %q", args, code, out, errs)
		}
	}
	if _, errs, code := runCLI(t, "--data-dir", link, "check"); code != exitPartial {
		t.Errorf("check: exit %d %q, want 3", code, errs)
	}
}

// A damaged config.json made `backup list` refuse outright, though it is
// how a user finds the snapshot that brings the settings back; and it said
// "1 paths".
func TestBackupListWithDamagedSettings(t *testing.T) {
	t.Parallel()
	d := localData(t)
	dest := t.TempDir()
	if _, errs, code := runCLI(t, "--data-dir", d.Root, "backup", "--to", dest); code != 0 {
		t.Fatalf("backup: %d %s", code, errs)
	}
	if _, errs, code := runCLI(t, "--data-dir", d.Root, "restore", "--local-only", mustOnlySnapshot(t, dest)); code != 0 {
		t.Fatalf("restore --local-only (makes a safety snapshot): %d %s", code, errs)
	}
	if err := os.WriteFile(d.Config(), []byte("{"), 0o600); err != nil {
		t.Fatal(err)
	}
	out, errs, code := runCLI(t, "--data-dir", d.Root, "backup", "list")
	if code != exitFailure || !strings.Contains(out, "Safety snapshots in") || !strings.Contains(out, "2 pending, 0 edits, 1 path ") ||
		!strings.Contains(errs, "backup list --to DIR") {
		t.Errorf("backup list with damaged settings: exit %d\n%s%s", code, out, errs)
	}
	out, errs, code = runCLI(t, "--data-dir", d.Root, "backup", "list", "--to", dest)
	if code != 0 || !strings.Contains(out, "Snapshots in "+dest) {
		t.Errorf("backup list --to with damaged settings: exit %d\n%s%s", code, out, errs)
	}
}

func mustOnlySnapshot(t *testing.T, dest string) string {
	t.Helper()
	m, _ := filepath.Glob(filepath.Join(dest, "stocksync-*"))
	if len(m) != 1 {
		t.Fatalf("snapshots in %s: %v", dest, m)
	}
	return m[0]
}

// `backup verify PATH` and `backup test-restore PATH` refused on a damaged
// config.json, though a path needs no settings and that snapshot is what
// brings them back.
func TestVerifyByPathWithDamagedSettings(t *testing.T) {
	t.Parallel()
	d := localData(t)
	dest := t.TempDir()
	if _, errs, code := runCLI(t, "--data-dir", d.Root, "backup", "--to", dest); code != 0 {
		t.Fatalf("backup: %d %s", code, errs)
	}
	snap := mustOnlySnapshot(t, dest)
	os.WriteFile(d.Config(), []byte("{"), 0o600)
	for _, cmd := range []string{"verify", "test-restore"} {
		if _, errs, code := runCLI(t, "--data-dir", d.Root, "backup", cmd, snap); code != 0 {
			t.Errorf("backup %s PATH with damaged settings: exit %d %s", cmd, code, errs)
		}
	}
	if _, errs, code := runCLI(t, "--data-dir", d.Root, "backup", "verify"); code != exitFailure || !strings.Contains(errs, "give the snapshot's path") {
		t.Errorf("backup verify (newest) with damaged settings: exit %d %s", code, errs)
	}
}

// A damaged config.json stopped `backup --to DIR`: the pending uploads could
// not be backed up because of a broken settings file. The file is copied as
// it is, and nothing is pruned (the keep setting is unknown).
func TestBackupToWithDamagedSettings(t *testing.T) {
	t.Parallel()
	d := localData(t)
	dest := t.TempDir()
	os.WriteFile(d.Config(), []byte(`{"backup":{"keep":`), 0o600)
	_, errs, code := runCLI(t, "--data-dir", d.Root, "backup", "--to", dest)
	if code != 0 || !strings.Contains(errs, "prunes nothing") {
		t.Fatalf("backup --to with damaged settings: exit %d %s", code, errs)
	}
	b, err := os.ReadFile(filepath.Join(mustOnlySnapshot(t, dest), "config.json"))
	if err != nil || string(b) != `{"backup":{"keep":` {
		t.Errorf("settings in the snapshot: %q %v, want the file as it is", b, err)
	}
	if _, errs, code := runCLI(t, "--data-dir", d.Root, "backup"); code != exitFailure || !strings.Contains(errs, "backup --to DIR") {
		t.Errorf("backup without --to: exit %d %s", code, errs)
	}
}

// `backup destination DIR` refuses a folder that holds the data folder;
// `backup --to DIR` took one (and a hand-edited config.json's), and check
// said nothing.
func TestBackupIntoAFolderHoldingTheDataFolder(t *testing.T) {
	t.Parallel()
	parent := t.TempDir()
	d := datadir.Dir{Root: filepath.Join(parent, "data")}
	src := localData(t)
	if err := os.Rename(src.Root, d.Root); err != nil {
		t.Fatal(err)
	}
	if _, errs, code := runCLI(t, "--data-dir", d.Root, "backup", "--to", parent); code != exitFailure || !strings.Contains(errs, "holds the data folder") {
		t.Errorf("backup --to PARENT: exit %d %s", code, errs)
	}
	if m, _ := filepath.Glob(filepath.Join(parent, "stocksync-*")); len(m) != 0 {
		t.Errorf("snapshots written: %v", m)
	}
	c := config.Default()
	c.Backup.Destination = parent
	config.Save(d.Config(), c)
	out, _, code := runCLI(t, "--data-dir", d.Root, "check")
	if code != exitPartial || !strings.Contains(out, "holds the data folder") {
		t.Errorf("check: exit %d\n%s", code, out)
	}
}

// A backup folder under a file said "create backup folder …: mkdir …: not a
// directory".
func TestBackupFolderUnderAFile(t *testing.T) {
	t.Parallel()
	d := localData(t)
	file := filepath.Join(t.TempDir(), "file")
	os.WriteFile(file, []byte("x"), 0o600)
	for _, args := range [][]string{{"backup", "--to", filepath.Join(file, "sub")}, {"backup", "destination", filepath.Join(file, "sub")}} {
		_, errs, code := runCLI(t, append([]string{"--data-dir", d.Root}, args...)...)
		if want := "stocksync: " + file + " is a file, not a folder: choose a folder\n"; code != exitFailure || errs != want {
			t.Errorf("%v: exit %d %q, want %q", args, code, errs, want)
		}
	}
}

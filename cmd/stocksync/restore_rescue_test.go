package main

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stocksync/stocksync/core/datadir"
	"github.com/stocksync/stocksync/core/store"
)

// damageServerTable garbles the root page of sync_runs (server-side history,
// not local-only data), as a failing disk does: the database is refused as
// damaged while its local-only tables still read.
func damageServerTable(t *testing.T, d datadir.Dir) {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, d.DB(), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var root, pageSize int
	err = db.Write(ctx, func(tx *sql.Tx) error {
		for i := 0; i < 300; i++ {
			if _, err := tx.Exec("INSERT INTO sync_runs (started_at, push) VALUES (?, 0)", "2026-01-01T00:00:00Z"); err != nil {
				return err
			}
		}
		return nil
	})
	if err == nil {
		err = db.Read(ctx, func(tx *sql.Tx) error {
			if err := tx.QueryRow("SELECT rootpage FROM sqlite_master WHERE name = 'sync_runs'").Scan(&root); err != nil {
				return err
			}
			return tx.QueryRow("PRAGMA page_size").Scan(&pageSize)
		})
	}
	db.Close()
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.OpenFile(d.DB(), os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.WriteAt(bytes.Repeat([]byte{0xff}, 64), int64(root-1)*int64(pageSize)+8); err != nil {
		t.Fatal(err)
	}
}

// A damaged database still holding a pending upload added after the newest
// snapshot: `restore SNAPSHOT`, the fix the damaged-database message gives,
// replaced it with the snapshot's and the upload was gone (only a raw copy
// kept it, which every restore refuses). Now the restore rescues the
// local-only rows the damaged file still holds (issue 12, items 3 and 5).
func TestRestoreOverDamagedDatabaseRescuesNewerWork(t *testing.T) {
	t.Parallel()
	d := localData(t) // two pending uploads
	dest := t.TempDir()
	dd := []string{"--data-dir", d.Root}
	run := func(args ...string) (string, string, int) { return runCLI(t, append(dd, args...)...) }
	if _, errs, code := run("backup", "destination", dest); code != 0 {
		t.Fatalf("backup destination: %d %s", code, errs)
	}
	out, errs, code := run("backup", "--json")
	if code != 0 {
		t.Fatalf("backup: %d %s", code, errs)
	}
	var b backupJSON
	json.Unmarshal([]byte(out), &b)
	ctx := context.Background()
	db, err := store.Open(ctx, d.DB(), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.AddPendingUpload(ctx, store.PendingUpload{Path: "/pics/after-backup.jpg", Title: "After"}, time.Now()); err != nil {
		t.Fatal(err)
	}
	db.Close()
	damageServerTable(t, d)

	_, errs, code = run("list", "pending")
	if code != exitDamaged || !strings.Contains(errs, "restore also rescues") {
		t.Fatalf("list pending on a damaged database: exit %d %q, want 6 and the rescue named", code, errs)
	}
	out, errs, code = run("restore", b.Snapshot.Path, "--json")
	if code != 0 {
		t.Fatalf("restore: exit %d %q", code, errs)
	}
	var r restoreJSON
	if err := json.Unmarshal([]byte(out), &r); err != nil || r.Rescued == nil || r.Rescued.Error != "" {
		t.Fatalf("restore --json: %v %q", err, out)
	}
	if c := r.Rescued.LocalOnly["pending_uploads"]; c.Added != 1 {
		t.Errorf("rescued pending uploads %+v, want 1 added", c)
	}
	got := strings.Join(pendingPaths(t, d), ",")
	if want := "/pics/a.jpg,/pics/b.jpg,/pics/after-backup.jpg"; got != want {
		t.Errorf("pending uploads after the restore %q, want %q", got, want)
	}
}

// An empty file, one that is not SQLite, or another application's database
// holds no Stocksync work: restoring over it is a plain success (the rescue
// first made these exit 3, "could not be read").
func TestRestoreOverForeignOrEmptyDatabaseRescuesNothing(t *testing.T) {
	t.Parallel()
	src := localData(t)
	dest := t.TempDir()
	out, errs, code := runCLI(t, "--data-dir", src.Root, "backup", "--to", dest, "--json")
	if code != 0 {
		t.Fatalf("backup: %d %s", code, errs)
	}
	var b backupJSON
	json.Unmarshal([]byte(out), &b)
	for name, content := range map[string][]byte{"empty": {}, "not sqlite": []byte("not a database at all, just text")} {
		d := datadir.Dir{Root: t.TempDir()}
		os.WriteFile(d.DB(), content, 0o600)
		out, errs, code := runCLI(t, "--data-dir", d.Root, "restore", b.Snapshot.Path, "--json")
		var r restoreJSON
		if code != 0 || json.Unmarshal([]byte(out), &r) != nil || r.Rescued != nil {
			t.Errorf("%s: exit %d %q %q", name, code, out, errs)
		}
		if got := strings.Join(pendingPaths(t, d), ","); got != "/pics/a.jpg,/pics/b.jpg" {
			t.Errorf("%s: pending uploads %q", name, got)
		}
	}
}

package app

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stocksync/stocksync/core/backup"
	"github.com/stocksync/stocksync/core/datadir"
	"github.com/stocksync/stocksync/core/store"
)

// openForStart opens d's database the way the app does at launch:
// Recover first, then store.Open. It returns the error the app would alert on.
func openForStart(t *testing.T, d datadir.Dir) error {
	t.Helper()
	if _, err := d.Recover(); err != nil {
		return err
	}
	db, err := store.Open(context.Background(), d.DB(), store.Options{})
	if err == nil {
		db.Close()
		t.Fatal("store.Open accepted the file")
	}
	return err
}

func newDataDir(t *testing.T) datadir.Dir {
	t.Helper()
	d := datadir.Dir{Root: filepath.Join(t.TempDir(), "Stocksync")}
	if err := d.Ensure(); err != nil {
		t.Fatal(err)
	}
	return d
}

func TestStartupProblemDamagedDatabaseNoBackup(t *testing.T) {
	d := newDataDir(t)
	junk := bytes.Repeat([]byte("not a database at all\n"), 300)
	if err := os.WriteFile(d.DB(), junk, 0o600); err != nil {
		t.Fatal(err)
	}
	err := openForStart(t, d)
	a, ok := StartupProblem(d, err)
	if !ok {
		t.Fatalf("StartupProblem(%v) not recognised", err)
	}
	if a.Title != "The Stocksync database cannot be used" || a.Snapshot.Path != "" {
		t.Errorf("alert = %+v", a)
	}
	for _, want := range []string{"The database file " + d.DB() + " is not a database", "left it untouched",
		"No backup of it was found", "pending uploads, local file paths and local edits"} {
		if !strings.Contains(a.Body, want) {
			t.Errorf("body lacks %q:\n%s", want, a.Body)
		}
	}
	if got, _ := os.ReadFile(d.DB()); !bytes.Equal(got, junk) {
		t.Error("the damaged file was changed")
	}
}

func TestStartupProblemEmptyDatabaseNamesNewestSnapshot(t *testing.T) {
	d := newDataDir(t)
	ctx := context.Background()
	db, err := store.Open(ctx, d.DB(), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 8, 3, 18, 30, 0, 0, time.UTC)
	if _, err := db.AddPendingUpload(ctx, store.PendingUpload{Path: filepath.Join(d.Root, "..", "IMG_0001.jpg"), Title: "A"}, at); err != nil {
		t.Fatal(err)
	}
	older, err := backup.Snapshot(ctx, backup.SnapshotOptions{DataDir: d, DB: db, Kind: backup.KindSafety, Reason: "test",
		Now: func() time.Time { return at.Add(-time.Hour) }})
	if err != nil {
		t.Fatal(err)
	}
	newer, err := backup.Snapshot(ctx, backup.SnapshotOptions{DataDir: d, DB: db, Kind: backup.KindSafety, Reason: "test",
		Now: func() time.Time { return at }})
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	if err := os.Truncate(d.DB(), 0); err != nil {
		t.Fatal(err)
	}
	a, ok := StartupProblem(d, openForStart(t, d))
	if !ok {
		t.Fatal("an empty database file was not recognised")
	}
	if a.Snapshot.Path != newer.Path || older.Path == newer.Path {
		t.Errorf("snapshot = %s, want the newest %s", a.Snapshot.Path, newer.Path)
	}
	for _, want := range []string{"is empty (0 bytes): its data was lost.", "holds 1 pending upload, 0 local edits and 0 local file paths",
		"stocksync restore " + quotePath(newer.Path)} {
		if !strings.Contains(a.Body, want) {
			t.Errorf("body lacks %q:\n%s", want, a.Body)
		}
	}
	if st, err := os.Stat(d.DB()); err != nil || st.Size() != 0 {
		t.Errorf("the empty database was written to (%v)", err)
	}
}

func TestStartupProblemInterruptedRestore(t *testing.T) {
	d := newDataDir(t)
	if err := os.WriteFile(d.Intent(), []byte("{cut off"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := d.Recover()
	if err == nil {
		t.Fatal("Recover accepted a damaged intent record")
	}
	a, ok := StartupProblem(d, err)
	if !ok || a.Title != "Stocksync cannot finish an interrupted restore" || !strings.Contains(a.Body, d.Root) {
		t.Errorf("alert = %+v, ok %t", a, ok)
	}
	if _, ok := StartupProblem(d, os.ErrPermission); ok {
		t.Error("an unrelated error made a startup alert")
	}
}

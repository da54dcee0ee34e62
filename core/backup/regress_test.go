package backup

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stocksync/stocksync/core/store"
)

// A raw copy says what it holds: the local-only rows of the database with
// its -wal (written while the store has it open, so the newest rows are in
// the -wal), or "unknown" when they cannot be counted; and no retention
// ever deletes it.
func TestRawSafetyCountsAndIsKept(t *testing.T) {
	f := newFixture(t) // open: 3 pending uploads, 2 local edits, 4 local paths
	if _, err := f.db.AddPendingUpload(context.Background(), store.PendingUpload{Path: "/Users/ann/Pictures/late.jpg", Title: "Late", MediaType: "image", Size: 10}, t0); err != nil {
		t.Fatal(err)
	}
	counted, err := rawSafety(f.dir, "test", f.clk.Now())
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]int64{"pending_uploads": 4, "local_edits": 2, "local_paths": 4}
	for k, n := range want {
		if counted.LocalOnly[k] != n {
			t.Errorf("raw copy of a readable database: LocalOnly = %v, want %v", counted.LocalOnly, want)
			break
		}
	}
	if counted.LocalOnlyUnknown {
		t.Error("raw copy of a readable database says its counts are unknown")
	}
	f.close(t)

	if err := os.WriteFile(f.dir.DB(), []byte(strings.Repeat("garbage!", 1000)), 0o600); err != nil {
		t.Fatal(err)
	}
	os.Remove(f.dir.DB() + "-wal")
	unknown, err := rawSafety(f.dir, "test", f.clk.Now())
	if err != nil {
		t.Fatal(err)
	}
	if !unknown.LocalOnlyUnknown || len(unknown.LocalOnly) != 0 {
		t.Errorf("raw copy of garbage: LocalOnly %v unknown %t, want none and unknown", unknown.LocalOnly, unknown.LocalOnlyUnknown)
	}
	list, err := List(f.dir.Snapshots())
	if err != nil || len(list) != 2 || !list[0].LocalOnlyUnknown || list[1].LocalOnly["pending_uploads"] != 4 {
		t.Fatalf("List = %+v, %v; want the two raw copies, newest (unknown) first, then 4 pending", list, err)
	}
	for _, e := range entries(t, f.dir.Snapshots()) {
		if strings.HasPrefix(e, ".stocksync-tmp-") {
			t.Errorf("%s left in snapshots/", e)
		}
	}

	// More safety snapshots than SafetyPolicy keeps: both raw copies stay.
	if err := os.Remove(f.dir.DB()); err != nil {
		t.Fatal(err)
	}
	f.open(t) // a new, empty database
	for range SafetyKeep + 2 {
		if _, err := SafetySnapshot(context.Background(), SafetyOptions{Dir: f.dir, DB: f.db, Reason: "test", Now: f.clk.Now}); err != nil {
			t.Fatal(err)
		}
	}
	list, err = List(f.dir.Snapshots())
	if err != nil {
		t.Fatal(err)
	}
	raw, other := 0, 0
	for _, s := range list {
		if s.Raw {
			raw++
		} else {
			other++
		}
	}
	if raw != 2 || other != SafetyKeep {
		t.Errorf("after pruning: %d raw copies and %d safety snapshots, want 2 and %d", raw, other, SafetyKeep)
	}
}

// A snapshot reached through a symlink verifies like the folder itself: no
// hint that "." is not part of it.
func TestVerifyThroughSymlink(t *testing.T) {
	f := newFixture(t)
	snap := f.snapshot(t, true)
	link := filepath.Join(t.TempDir(), "latest")
	if err := os.Symlink(snap.Path, link); err != nil {
		t.Fatal(err)
	}
	rep, err := Verify(context.Background(), link, VerifyOptions{})
	if err != nil || !rep.OK || len(rep.Findings) != 0 || rep.FilesChecked != snap.Files {
		t.Errorf("Verify through a symlink = %+v, %v; want OK, no findings, %d files", rep, err, snap.Files)
	}
}

// VerifyNewest and TestRestoreNewest (the app's Verify and Test Restore)
// first remove what a killed backup left in the folder.
func TestNewestCleansLeftovers(t *testing.T) {
	f := newFixture(t)
	f.snapshot(t, false)
	for _, run := range []func() error{
		func() error { _, err := VerifyNewest(context.Background(), f.dest, VerifyOptions{}); return err },
		func() error {
			_, err := TestRestoreNewest(context.Background(), f.dest, TestRestoreOptions{TempDir: t.TempDir()})
			return err
		},
	} {
		left := filepath.Join(f.dest, ".stocksync-tmp-snapshot-99")
		if err := os.MkdirAll(left, 0o700); err != nil {
			t.Fatal(err)
		}
		if err := run(); err != nil {
			t.Fatal(err)
		}
		if _, err := os.Stat(left); !os.IsNotExist(err) {
			t.Errorf("%s still there (stat: %v)", left, err)
		}
	}
}

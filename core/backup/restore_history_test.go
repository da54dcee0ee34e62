package backup

import (
	"context"
	"database/sql"
	"os"
	"strings"
	"testing"

	"github.com/stocksync/stocksync/core/store"
)

// A full restore of an older snapshot keeps the backup history of the data
// it replaces: the newer snapshot and the verification stay known, so
// status and the backup reminder do not fall back to "never".
func TestRestoreCarriesBackupHistory(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	older, err := Snapshot(ctx, SnapshotOptions{DataDir: f.dir, DB: f.db, Dest: f.dest, Now: f.clk.Now, Record: f.db})
	if err != nil {
		t.Fatal(err)
	}
	newer, err := Snapshot(ctx, SnapshotOptions{DataDir: f.dir, DB: f.db, Dest: f.dest, Now: f.clk.Now, Record: f.db})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Verify(ctx, newer.Path, VerifyOptions{Now: f.clk.Now, Record: f.db}); err != nil {
		t.Fatal(err)
	}
	wantSnap, err := f.db.LastBackupRun(ctx, KindSnapshot, true)
	if err != nil {
		t.Fatal(err)
	}
	wantVerify, err := f.db.LastBackupRun(ctx, KindVerify, true)
	if err != nil {
		t.Fatal(err)
	}
	f.close(t)

	for round := range 2 { // the second restore carries nothing twice
		res, err := Restore(ctx, f.dir, older.Path, RestoreOptions{Now: f.clk.Now})
		if err != nil {
			t.Fatal(err)
		}
		if res.History.Note != "" {
			t.Errorf("round %d: history note %q, want none", round, res.History.Note)
		}
		f.open(t)
		got, err := f.db.LastBackupRun(ctx, KindSnapshot, true)
		if err != nil || !got.StartedAt.Equal(wantSnap.StartedAt) || got.Path != newer.Path {
			t.Errorf("round %d: last snapshot = %+v, %v; want %s at %s", round, got, err, newer.Path, wantSnap.StartedAt)
		}
		gotV, err := f.db.LastBackupRun(ctx, KindVerify, true)
		if err != nil || !gotV.StartedAt.Equal(wantVerify.StartedAt) {
			t.Errorf("round %d: last verify = %+v, %v; want %s", round, gotV, err, wantVerify.StartedAt)
		}
		if n := countRuns(t, f.db, KindSnapshot); n != 2 {
			t.Errorf("round %d: %d snapshot runs, want 2", round, n)
		}
		if n := countRuns(t, f.db, KindRestore); n != round+1 {
			t.Errorf("round %d: %d restore runs, want %d", round, n, round+1)
		}
		f.close(t)
	}
}

// With the current database damaged, nothing can be carried: the restore
// says so, and the restored snapshot itself counts as a backup made at its
// manifest time.
func TestRestoreDamagedKeepsSnapshotAsBackup(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	snap := f.snapshot(t, false)
	f.close(t)
	if err := os.WriteFile(f.dir.DB(), []byte(strings.Repeat("garbage!", 1000)), 0o600); err != nil {
		t.Fatal(err)
	}
	res, err := Restore(ctx, f.dir, snap.Path, RestoreOptions{Now: f.clk.Now})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(res.History.Note, "none was carried") {
		t.Errorf("history note %q, want it to say none was carried", res.History.Note)
	}
	f.open(t)
	got, err := f.db.LastBackupRun(ctx, KindSnapshot, true)
	if err != nil || !got.StartedAt.Equal(snap.Created) || got.Path != snap.Path {
		t.Errorf("last snapshot = %+v, %v; want %s at %s", got, err, snap.Path, snap.Created)
	}
}

func countRuns(t *testing.T, db *store.DB, kind string) int {
	t.Helper()
	var n int
	if err := db.Read(context.Background(), func(tx *sql.Tx) error {
		return tx.QueryRow(`SELECT count(*) FROM backup_runs WHERE kind = ?`, kind).Scan(&n)
	}); err != nil {
		t.Fatal(err)
	}
	return n
}

package backup

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stocksync/stocksync/core/store"
)

func TestNewest(t *testing.T) {
	f := newFixture(t)
	if _, err := Newest(f.dest); !errors.Is(err, ErrNoSnapshot) {
		t.Errorf("empty folder: %v, want ErrNoSnapshot", err)
	}
	var de *DestinationError
	if _, err := Newest(filepath.Join(f.dest, "gone")); !errors.As(err, &de) || de.Reason != ReasonMissing {
		t.Errorf("missing folder: %v, want a *DestinationError (missing)", err)
	}
	older := f.snapshot(t, false)
	newer := f.snapshot(t, false)
	if got, err := Newest(f.dest); err != nil || got.Path != newer.Path {
		t.Errorf("Newest = %s, %v; want %s", got.Path, err, newer.Path)
	}
	// An unreadable manifest is skipped, verified or not.
	if err := os.WriteFile(filepath.Join(newer.Path, ManifestName), []byte("{"), 0o600); err != nil {
		t.Fatal(err)
	}
	if got, err := Newest(f.dest); err != nil || got.Path != older.Path {
		t.Errorf("Newest with the newest damaged = %s, %v; want %s", got.Path, err, older.Path)
	}
}

// Without a snapshot, VerifyNewest and TestRestoreNewest fail and record
// the failure against the folder, as the app has always shown it.
func TestNewestRecordsNoSnapshot(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	if _, err := VerifyNewest(ctx, f.dest, VerifyOptions{Record: f.db, Now: f.clk.Now}); !errors.Is(err, ErrNoSnapshot) {
		t.Fatalf("VerifyNewest: %v, want ErrNoSnapshot", err)
	}
	if _, err := TestRestoreNewest(ctx, f.dest, TestRestoreOptions{Record: f.db, Now: f.clk.Now}); !errors.Is(err, ErrNoSnapshot) {
		t.Fatalf("TestRestoreNewest: %v, want ErrNoSnapshot", err)
	}
	for _, kind := range []string{KindVerify, KindTestRestore} {
		run, err := f.db.LastBackupRun(ctx, kind, false)
		if err != nil || run.OK || run.Path != f.dest || run.Detail == "" || run.StartedAt.IsZero() {
			t.Errorf("%s recorded %+v, %v; want a failure for %s with its reason", kind, run, err, f.dest)
		}
	}

	info := f.snapshot(t, false)
	rep, err := VerifyNewest(ctx, f.dest, VerifyOptions{Record: f.db, Now: f.clk.Now, Mark: true})
	if err != nil || !rep.OK || rep.Snapshot != info.Path {
		t.Fatalf("VerifyNewest: %+v, %v", rep, err)
	}
	tr, err := TestRestoreNewest(ctx, f.dest, TestRestoreOptions{Record: f.db, Now: f.clk.Now})
	if err != nil || !tr.OK || tr.Snapshot != info.Path {
		t.Fatalf("TestRestoreNewest: %+v, %v", tr, err)
	}
	for _, kind := range []string{KindVerify, KindTestRestore} {
		run, err := f.db.LastBackupRun(ctx, kind, false)
		if err != nil || !run.OK || run.Path != info.Path {
			t.Errorf("%s recorded %+v, %v; want ok for %s", kind, run, err, info.Path)
		}
	}
}

// A test restore that cannot run is recorded as failed; a path that is not
// there (a mistake in the request) and an interrupted run (ctx cancelled:
// the user stopped it, the app quits) are not recorded at all.
func TestRecordsErrorsNotMistakesOrInterruptions(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	rec := &countingRecorder{db: f.db}
	gone := filepath.Join(f.dest, "stocksync-20261122T101500Z")
	if _, err := Verify(ctx, gone, VerifyOptions{Record: rec, Now: f.clk.Now}); err == nil {
		t.Fatal("want an error for a snapshot that is not there")
	}
	if _, err := TestRestore(ctx, gone, TestRestoreOptions{Record: rec, Now: f.clk.Now}); err == nil {
		t.Fatal("want an error for a snapshot that is not there")
	}
	if len(rec.runs) != 0 {
		t.Errorf("recorded %+v for a path that is not there", rec.runs)
	}
	info := f.snapshot(t, false)
	noTemp := filepath.Join(t.TempDir(), "gone")
	if _, err := TestRestore(ctx, info.Path, TestRestoreOptions{Record: rec, Now: f.clk.Now, TempDir: noTemp}); err == nil {
		t.Fatal("want an error when the temporary folder cannot be made")
	}
	run, err := f.db.LastBackupRun(ctx, KindTestRestore, false)
	if err != nil || run.OK || run.Path != info.Path || !strings.Contains(run.Detail, noTemp) {
		t.Errorf("recorded %+v, %v; want the failure naming %s", run, err, noTemp)
	}
	rec.runs = nil

	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := Verify(cctx, info.Path, VerifyOptions{Record: rec, Now: f.clk.Now}); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled verify: %v, want context.Canceled", err)
	}
	if _, err := TestRestore(cctx, info.Path, TestRestoreOptions{Record: rec, Now: f.clk.Now}); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled test restore: %v, want context.Canceled", err)
	}
	if _, err := Snapshot(cctx, SnapshotOptions{DataDir: f.dir, DB: f.db, Dest: f.dest, Now: f.clk.Now, Record: rec}); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled snapshot: %v, want context.Canceled", err)
	}
	if len(rec.runs) != 0 {
		t.Errorf("recorded %+v; interrupted runs are not outcomes", rec.runs)
	}
}

// countingRecorder records into db and keeps what it recorded.
type countingRecorder struct {
	db   *store.DB
	runs []store.BackupRun
}

func (c *countingRecorder) RecordBackupRun(ctx context.Context, r store.BackupRun) error {
	c.runs = append(c.runs, r)
	return c.db.RecordBackupRun(ctx, r)
}

// BackUp takes, verifies (and marks) and prunes, recording each step, with
// one progress function following the snapshot and then the verification.
func TestBackUp(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	rec := &countingRecorder{db: f.db}
	var res BackUpResult
	var ops []string
	for range 3 {
		ops = ops[:0]
		var err error
		res, err = BackUp(ctx, BackUpOptions{Keep: 1, Prune: true, SnapshotOptions: SnapshotOptions{
			DataDir: f.dir, DB: f.db, Dest: f.dest, WithThumbnails: true, Now: f.clk.Now, Record: rec,
			Progress: func(p Progress) {
				if len(ops) == 0 || ops[len(ops)-1] != p.Op {
					ops = append(ops, p.Op)
				}
			}}})
		if err != nil || !res.Verify.OK || res.PruneErr != nil {
			t.Fatalf("BackUp: %v, %+v, prune %v", err, res.Verify.Findings, res.PruneErr)
		}
	}
	if res.Verify.Snapshot != res.Snapshot.Path || res.Snapshot.Written.FilesLinked == 0 {
		t.Errorf("verified %s, took %s linking %d files; want the new snapshot verified, unchanged files linked from the previous one",
			res.Verify.Snapshot, res.Snapshot.Path, res.Snapshot.Written.FilesLinked)
	}
	if list, err := List(f.dest); err != nil || len(list) != 1 || list[0].Path != res.Snapshot.Path || list[0].Verified.IsZero() {
		t.Errorf("left %+v, %v; want only the newest, verified snapshot (keep 1)", list, err)
	}
	if res.Prune == nil || len(res.Prune.Deleted) != 1 {
		t.Errorf("prune %+v, want the previous snapshot deleted", res.Prune)
	}
	if !slices.Equal(ops, []string{KindSnapshot, KindVerify}) {
		t.Errorf("progress ops %v, want snapshot then verify", ops)
	}
	var kinds []string
	for _, r := range rec.runs {
		kinds = append(kinds, r.Kind)
	}
	want := []string{KindSnapshot, KindVerify, KindSnapshot, KindVerify, KindSnapshot, KindVerify}
	if !slices.Equal(kinds, want) {
		t.Errorf("recorded %v, want %v", kinds, want)
	}
	if _, err := BackUp(ctx, BackUpOptions{SnapshotOptions: SnapshotOptions{DataDir: f.dir, DB: f.db, Dest: f.dest, Kind: KindSafety}}); err == nil {
		t.Error("BackUp of kind safety: want an error")
	}
}

// What a failed verification records is the problems found, for any
// frontend to show: no advice naming CLI commands.
func TestVerifyRecordsProblems(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	info := f.snapshot(t, false)
	os.Remove(filepath.Join(info.Path, ConfigName))
	if _, err := Verify(ctx, info.Path, VerifyOptions{Record: f.db, Now: f.clk.Now}); err != nil {
		t.Fatal(err)
	}
	run, err := f.db.LastBackupRun(ctx, KindVerify, false)
	if want := ConfigName + " is missing"; err != nil || run.Detail != want {
		t.Errorf("recorded detail %q, %v; want %q", run.Detail, err, want)
	}
	if _, err := TestRestore(ctx, info.Path, TestRestoreOptions{Record: f.db, Now: f.clk.Now, TempDir: t.TempDir()}); err != nil {
		t.Fatal(err)
	}
	run, err = f.db.LastBackupRun(ctx, KindTestRestore, false)
	if want := ConfigName + " is missing"; err != nil || run.OK || run.Detail != want {
		t.Errorf("recorded test restore %+v, %v; want failed with detail %q", run, err, want)
	}
}

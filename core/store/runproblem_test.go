package store

import (
	"context"
	"path/filepath"
	"testing"
	"time"
)

// A run's problem kind is stored with it and read back apart from its
// message, by LastSyncRun, Summary and LastFinishedSyncRun alike; a message
// stored before kinds were (schema 4, no kind) reads as a message alone.
func TestSyncRunProblemIsStoredWithTheRun(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, filepath.Join(t.TempDir(), "stocksync.db"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	now := time.Date(2026, 11, 30, 2, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		problem SyncProblem
		msg     string
		wantP   SyncProblem
		wantMsg string
	}{
		{SyncProblemSignedOut, "batches.list: signed out of ESP (after 2 batches were synced)", SyncProblemSignedOut, "batches.list: signed out of ESP (after 2 batches were synced)"},
		{SyncProblemItemsFailed, "", SyncProblemItemsFailed, ""},
		{"", "signed out of ESP: the session expired or is missing; sign in again. Nothing local was changed", "", "signed out of ESP: the session expired or is missing; sign in again. Nothing local was changed"},
		{"", "restore: something", "", "restore: something"},
	} {
		id, err := db.StartSyncRun(ctx, false, now)
		if err != nil {
			t.Fatal(err)
		}
		if err := db.FinishSyncRun(ctx, SyncRun{ID: id, FinishedAt: now, Outcome: OutcomeFailed, Problem: c.problem, Message: c.msg}); err != nil {
			t.Fatal(err)
		}
		last, err := db.LastSyncRun(ctx)
		if err != nil || last.Problem != c.wantP || last.Message != c.wantMsg {
			t.Errorf("LastSyncRun: %q %q, %v; want %q %q", last.Problem, last.Message, err, c.wantP, c.wantMsg)
		}
		fin, err := db.LastFinishedSyncRun(ctx)
		if err != nil || fin.Problem != c.wantP || fin.Message != c.wantMsg {
			t.Errorf("LastFinishedSyncRun: %q %q, %v; want %q %q", fin.Problem, fin.Message, err, c.wantP, c.wantMsg)
		}
	}
}

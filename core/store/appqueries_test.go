package store

import (
	"context"
	"errors"
	"testing"
	"time"
)

func TestProblemContributionIDs(t *testing.T) {
	db := openTemp(t)
	ctx := context.Background()
	t0 := time.Date(2026, 8, 4, 9, 0, 0, 0, time.UTC)
	if _, err := db.UpsertBatchList(ctx, []Batch{{ID: "b1", Name: "Batch", ServerVersion: "v1"}}, t0); err != nil {
		t.Fatal(err)
	}
	files := []Contribution{
		{ID: "c1", BatchID: "b1", Status: "revisable", UpdatedAt: t0},
		{ID: "c2", BatchID: "b1", Status: "rejected", UpdatedAt: t0},
		{ID: "c3", BatchID: "b1", Status: "accepted", UpdatedAt: t0},
		{ID: "c4", BatchID: "b1", Status: "rejected", UpdatedAt: t0},
	}
	if _, err := db.WriteBatchFiles(ctx, "b1", "v1", files, t0); err != nil {
		t.Fatal(err)
	}
	// c4 leaves the portfolio: it no longer needs the user.
	if _, err := db.WriteBatchFiles(ctx, "b1", "v2", files[:3], t0.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	p, err := db.ProblemContributionIDs(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Revisable) != 1 || !p.Revisable["c1"] || len(p.Rejected) != 1 || !p.Rejected["c2"] {
		t.Errorf("got revisable %v rejected %v, want [c1] and [c2]", p.Revisable, p.Rejected)
	}
}

func TestLastFinishedSyncRun(t *testing.T) {
	db := openTemp(t)
	ctx := context.Background()
	t0 := time.Date(2026, 8, 4, 9, 0, 0, 0, time.UTC)
	if _, err := db.LastFinishedSyncRun(ctx); !errors.Is(err, ErrNotFound) {
		t.Fatalf("empty database: got %v, want ErrNotFound", err)
	}
	id, err := db.StartSyncRun(ctx, false, t0)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.FinishSyncRun(ctx, SyncRun{ID: id, FinishedAt: t0.Add(time.Minute), Outcome: OutcomePartial, Errors: []string{"batch 7: timeout"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.StartSyncRun(ctx, false, t0.Add(time.Hour)); err != nil { // running now
		t.Fatal(err)
	}
	r, err := db.LastFinishedSyncRun(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if r.ID != id || r.Outcome != OutcomePartial || !r.StartedAt.Equal(t0) || !r.FinishedAt.Equal(t0.Add(time.Minute)) ||
		len(r.Errors) != 1 || r.Errors[0] != "batch 7: timeout" {
		t.Errorf("got %+v, want run %d, partial, started %v, one error", r, id, t0)
	}
}

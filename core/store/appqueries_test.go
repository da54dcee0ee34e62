package store

import (
	"context"
	"errors"
	"testing"
	"time"
)

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

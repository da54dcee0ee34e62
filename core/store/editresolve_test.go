package store

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"
)

func TestRequeueAndDiscardLocalEdit(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, filepath.Join(t.TempDir(), "stocksync.db"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	t0 := time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC)
	if _, err := db.UpsertBatchList(ctx, []Batch{{ID: "b1", Name: "Batch", ServerVersion: "v1"}}, t0); err != nil {
		t.Fatal(err)
	}
	if _, err := db.WriteBatchContributions(ctx, "b1", "v1", []Contribution{{ID: "c1", BatchID: "b1", Status: "pending", UpdatedAt: t0}}, t0); err != nil {
		t.Fatal(err)
	}
	if _, err := db.RequeueLocalEdit(ctx, "c1", t0); !errors.Is(err, ErrNotFound) {
		t.Errorf("requeue without an edit: %v", err)
	}
	if _, err := db.DiscardLocalEdit(ctx, "c1"); !errors.Is(err, ErrNotFound) {
		t.Errorf("discard without an edit: %v", err)
	}
	title := "Mine"
	if _, err := db.PutLocalEdit(ctx, LocalEdit{ContributionID: "c1", Headline: &title}, t0); err != nil {
		t.Fatal(err)
	}
	if err := db.MarkEditConflict(ctx, "c1", "changed on ESP"); err != nil {
		t.Fatal(err)
	}
	// The file was synced again meanwhile: the edit is now based on that.
	t1 := t0.Add(time.Hour)
	if _, err := db.WriteBatchContributions(ctx, "b1", "v2", []Contribution{{ID: "c1", BatchID: "b1", Status: "pending", Headline: "Theirs", UpdatedAt: t1}}, t1); err != nil {
		t.Fatal(err)
	}
	e, err := db.RequeueLocalEdit(ctx, "c1", t1)
	if err != nil || e.State != EditWaiting || e.Conflict != "" || !e.BaseUpdatedAt.Equal(t1) || *e.Headline != "Mine" {
		t.Fatalf("requeue: %+v, %v", e, err)
	}
	es, _ := db.LocalEdits(ctx, EditWaiting)
	if len(es) != 1 || !es[0].BaseUpdatedAt.Equal(t1) {
		t.Fatalf("stored: %+v", es)
	}
	gone, err := db.DiscardLocalEdit(ctx, "c1")
	if err != nil || *gone.Headline != "Mine" {
		t.Fatalf("discard: %+v, %v", gone, err)
	}
	if es, _ := db.LocalEdits(ctx, ""); len(es) != 0 {
		t.Errorf("after discard: %+v", es)
	}
}

package store

import (
	"context"
	"testing"
	"time"
)

// A batch described exactly as stored is not rewritten by the batch list
// (nothing for SQLite to write in a no-change sync); one whose raw JSON
// moved while its fingerprint did not is, and a removed one comes back.
func TestUpsertBatchListRewritesOnlyWhatChanged(t *testing.T) {
	ctx := context.Background()
	db := openTemp(t)
	now := time.Date(2026, 11, 30, 1, 0, 0, 0, time.UTC)
	list := []Batch{{ID: "1", Name: "Autumn", ServerVersion: "v1", Raw: []byte(`{"id":"1","submission_name":"Autumn"}`)},
		{ID: "2", Name: "Fog", ServerVersion: "v1", Raw: []byte(`{"id":"2","submission_name":"Fog"}`)}}
	if _, err := db.UpsertBatchList(ctx, list, now); err != nil {
		t.Fatal(err)
	}
	var changes int
	changed := func() int {
		t.Helper()
		var n int
		if err := db.w.QueryRowContext(ctx, `SELECT total_changes()`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		d := n - changes
		changes = n
		return d
	}
	changed()
	if _, err := db.UpsertBatchList(ctx, list, now); err != nil {
		t.Fatal(err)
	}
	if n := changed(); n != 0 {
		t.Errorf("the same batch list again changed %d rows, want 0", n)
	}
	list[1].Name, list[1].Raw = "Fog at dawn", []byte(`{"id":"2","submission_name":"Fog at dawn"}`)
	if _, err := db.UpsertBatchList(ctx, list, now); err != nil {
		t.Fatal(err)
	}
	if n := changed(); n != 2 {
		t.Errorf("one renamed batch changed %d rows, want 2 (it and batches_generation)", n)
	}
	bs, err := db.ListBatches(ctx, BatchFilter{})
	if err != nil {
		t.Fatal(err)
	}
	names := map[string]string{}
	for _, b := range bs {
		names[b.ID] = b.Name
	}
	if names["1"] != "Autumn" || names["2"] != "Fog at dawn" {
		t.Errorf("names after rename: %v", names)
	}
	// Batch 2 disappears from ESP, then comes back unchanged.
	if res, err := db.UpsertBatchList(ctx, list[:1], now); err != nil || res.Removed != 1 {
		t.Fatalf("removal: %+v, %v", res, err)
	}
	res, err := db.UpsertBatchList(ctx, list, now)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Stale) != 2 {
		t.Errorf("after a removed batch came back: %d stale, want 2 (both never synced)", len(res.Stale))
	}
	bs, _ = db.ListBatches(ctx, BatchFilter{})
	for _, b := range bs {
		if !b.RemovedAt.IsZero() {
			t.Errorf("batch %s still marked removed after ESP listed it again", b.ID)
		}
	}
}

// A file listed twice in one batch is stored once, as its last entry says,
// with that entry's reviews.
func TestWriteBatchFileListedTwice(t *testing.T) {
	ctx := context.Background()
	db := openTemp(t)
	now := time.Date(2026, 11, 30, 1, 0, 0, 0, time.UTC)
	if _, err := db.UpsertBatchList(ctx, []Batch{{ID: "b", ServerVersion: "v"}}, now); err != nil {
		t.Fatal(err)
	}
	files := []Contribution{
		{ID: "7", Status: "rejected", Headline: "first", UpdatedAt: now,
			Reviews: []Review{{Outcome: "rejected"}, {Outcome: "rejected"}}},
		{ID: "8", Status: "pending", UpdatedAt: now},
		{ID: "7", Status: "processed", Headline: "second", UpdatedAt: now, Reviews: []Review{{Outcome: "accepted"}}},
	}
	res, err := db.WriteBatchContributions(ctx, "b", "v", files, now)
	if err != nil {
		t.Fatal(err)
	}
	if res.Written != 2 || res.ReviewEvents != 1 {
		t.Errorf("result %+v, want 2 written and 1 review event", res)
	}
	var headline string
	var reviews int
	db.w.QueryRowContext(ctx, `SELECT headline FROM contributions WHERE id = '7'`).Scan(&headline)
	db.w.QueryRowContext(ctx, `SELECT count(*) FROM reviews WHERE contribution_id = '7'`).Scan(&reviews)
	if headline != "second" || reviews != 1 {
		t.Errorf("file 7: headline %q with %d reviews, want the last entry's (second, 1)", headline, reviews)
	}
}

// Keyword and reason lists are stored exactly as encoding/json writes them.
func TestStringsJSONMatchesEncodingJSON(t *testing.T) {
	for _, list := range [][]string{nil, {}, {"autumn", "red maple"}, {"café", "Zürich", "東京"}, {`say "cheese"`},
		{"a\\b", "<b>", "x & y", "tab\there", "\u2028", "bad \xff utf-8", ""}} {
		want := toJSON(list)
		if list == nil {
			want = "[]"
		}
		if got := stringsJSON(list); got != want {
			t.Errorf("stringsJSON(%q) = %s, want %s", list, got, want)
		}
	}
}

// WriteBatches stores all its batches or none: a batch that cannot be
// written (files of a batch the list never had) leaves the others unsynced
// and unwritten too, so the sync can write them one by one.
func TestWriteBatchesAllOrNone(t *testing.T) {
	ctx := context.Background()
	db := openTemp(t)
	now := time.Date(2026, 11, 30, 1, 0, 0, 0, time.UTC)
	if _, err := db.UpsertBatchList(ctx, []Batch{{ID: "a", ServerVersion: "v"}}, now); err != nil {
		t.Fatal(err)
	}
	ws := []BatchWrite{
		{BatchID: "a", Version: "v", Files: []Contribution{{ID: "1", Status: "processed", UpdatedAt: now}}},
		{BatchID: "unlisted", Version: "v", Files: []Contribution{{ID: "2", Status: "processed", UpdatedAt: now}}},
	}
	if _, err := db.WriteBatches(ctx, ws, now); err == nil {
		t.Fatal("WriteBatches with a batch the list never had succeeded")
	}
	var files int
	db.w.QueryRowContext(ctx, `SELECT count(*) FROM contributions`).Scan(&files)
	res, err := db.UpsertBatchList(ctx, []Batch{{ID: "a", ServerVersion: "v"}}, now)
	if err != nil {
		t.Fatal(err)
	}
	if files != 0 || len(res.Stale) != 1 {
		t.Errorf("after the failed group: %d files stored, %d batches stale; want 0 and 1", files, len(res.Stale))
	}
	got, err := db.WriteBatches(ctx, ws[:1], now)
	if err != nil || len(got) != 1 || got[0].Written != 1 || got[0].ReviewEvents != 1 {
		t.Errorf("the good batch alone: %+v, %v", got, err)
	}
}
